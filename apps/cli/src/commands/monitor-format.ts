import type { Paint } from "../colour.js";

/** Most important first: what needs a look, then what is fine, then what is switched off. */
const ORDER = ["DOWN", "LATE", "PENDING", "MAINTENANCE", "UP", "PAUSED"];
export const rank = (status: string): number => (ORDER.includes(status) ? ORDER.indexOf(status) : ORDER.length);

export function statusColour(p: Paint, status: string): (s: string) => string {
  if (status === "DOWN") return p.red;
  if (status === "UP" || status === "online") return p.green;
  if (status === "LATE" || status === "PENDING" || status === "stale") return p.yellow;
  if (status === "MAINTENANCE") return p.blue;
  return p.grey;
}

/** The last check's latency for a table: "42 ms", "1.2 s", or "-" when there is none. */
export function latency(m: { lastCheck: { latencyMs: number | null } | null }): string {
  const ms = m.lastCheck?.latencyMs;
  if (ms === null || ms === undefined) return "-";
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

/** An uptime percentage as "99.95%"; "-" when nothing was monitored in the period. */
export function percent(pct: number | null | undefined): string {
  if (pct === null || pct === undefined) return "-";
  // Floored, so 99.999 reads 99.99% and only a clean record reads 100%.
  const floored = Math.floor(pct * 100) / 100;
  return floored >= 100 ? "100%" : `${floored.toFixed(2)}%`;
}
