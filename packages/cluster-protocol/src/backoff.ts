/**
 * Exponential backoff with jitter: attempt 0 waits about `baseMs`, doubling up to `maxMs`, each
 * delay drawn from its upper half so a fleet of probes restarting together does not retry in step.
 */
export function backoffDelayMs(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
