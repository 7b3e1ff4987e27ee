export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Thrown from inside a poll to stop waiting at once (a process died): no point in retrying. */
export class StopWaiting extends Error {}

function describe(value: unknown): string {
  return value instanceof Error ? value.message : JSON.stringify(value);
}

/**
 * Polls `fn` every `everyMs` until it returns something truthy, and returns that. A throw
 * counts as "not yet" (a server still starting refuses connections), except StopWaiting. The
 * timeout names what was awaited and the last value or error seen, so a red run says why.
 */
export async function until<T>(
  what: string,
  fn: () => T | null | undefined | false | Promise<T | null | undefined | false>,
  timeoutMs = 30_000,
  everyMs = 250,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (err) {
      if (err instanceof StopWaiting) throw err;
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last: ${describe(last)}`);
    await sleep(everyMs);
  }
}
