/** Thrown from inside a poll to stop waiting at once (a process died): no point in retrying. */
export class Fatal extends Error {}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `fn` until it returns something truthy. A timeout names what was awaited and the last
 * value or error seen (throw an Error to describe "not yet"), so a red CI run says what it was
 * waiting for. A Fatal error ends the wait at once.
 */
export async function until(what, fn, timeoutMs, everyMs = 250) {
  const end = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (err) {
      if (err instanceof Fatal) throw err;
      last = err;
    }
    if (Date.now() > end) {
      const seen = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}; last: ${seen}`);
    }
    await sleep(everyMs);
  }
}
