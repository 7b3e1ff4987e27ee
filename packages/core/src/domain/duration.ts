const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses `500ms`, `30s`, `5m`, `2h`, `14d` (or a bare number of `defaultUnit`) into milliseconds.
 * Returns undefined for anything else so callers can word their own error.
 */
export function parseDuration(text: string, defaultUnit: keyof typeof UNITS = "s"): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!m) return undefined;
  const value = Number(m[1]);
  const unit = UNITS[m[2] ?? defaultUnit];
  if (!Number.isFinite(value) || unit === undefined) return undefined;
  return Math.round(value * unit);
}

/** Formats milliseconds compactly for messages: 90061000 → "1d 1h 1m 1s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  let s = Math.floor(ms / 1000);
  const parts: string[] = [];
  for (const [unit, size] of [
    ["d", 86400],
    ["h", 3600],
    ["m", 60],
    ["s", 1],
  ] as const) {
    if (s >= size) {
      parts.push(`${Math.floor(s / size)}${unit}`);
      s %= size;
    }
  }
  return parts.join(" ");
}
