import type { HistoryPoint } from "./data/types.js";

const BARS = "▁▂▃▄▅▆▇█";

/** Cuts text to `width` cells (with … when cut) and pads it, so a column never wraps. */
export function fit(text: string, width: number, align: "left" | "right" = "left"): string {
  if (width <= 0) return "";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters would move the cursor.
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, " ");
  const cut = clean.length > width ? `${clean.slice(0, Math.max(0, width - 1))}…` : clean;
  return align === "right" ? cut.padStart(width) : cut.padEnd(width);
}

/**
 * A sparkline of recent checks, newest on the right: bar height is latency relative to the
 * slowest shown, a failed check is `×`, no data is a space.
 */
export function sparkline(points: readonly HistoryPoint[], width: number): string {
  const shown = points.slice(-width);
  let max = 0;
  for (const p of shown) if (p !== null && p > max) max = p;
  let out = "";
  for (const p of shown) {
    if (p === null) out += "×";
    else out += BARS[max > 0 ? Math.min(BARS.length - 1, Math.floor((p / max) * (BARS.length - 1))) : 0];
  }
  return out.padStart(width);
}

/** Rows of a latency chart, top row first: `height` rows of block characters, one column per point. */
export function latencyChart(points: readonly HistoryPoint[], width: number, height: number): string[] {
  const shown = points.slice(-width);
  let max = 0;
  for (const p of shown) if (p !== null && p > max) max = p;
  const rows: string[] = [];
  for (let r = height - 1; r >= 0; r--) {
    let line = "";
    for (const p of shown) {
      if (p === null) {
        line += r === 0 ? "×" : " ";
        continue;
      }
      const level = max > 0 ? (p / max) * height : 0;
      const fill = level - r;
      line += fill >= 1 ? "█" : fill > 0 ? BARS[Math.max(0, Math.floor(fill * BARS.length) - 1)] : " ";
    }
    rows.push(line.padStart(width));
  }
  return rows;
}

export function formatLatency(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  return ms >= 10_000
    ? `${(ms / 1000).toFixed(0)}s`
    : ms >= 1000
      ? `${(ms / 1000).toFixed(1)}s`
      : `${Math.round(ms)}ms`;
}

export function formatPct(pct: number | null | undefined): string {
  if (pct === null || pct === undefined) return "—";
  return pct >= 99.995 ? "100%" : `${pct.toFixed(2)}%`;
}

/** "3m ago", "2h ago", "5d ago": how long since an ISO time, for lists. */
export function ago(iso: string | null | undefined, now: number): string {
  if (!iso) return "—";
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}

/** "2026-12-03 17:20" in UTC: short, sortable, the same on every terminal. */
export function shortTime(iso: string): string {
  return iso.slice(0, 16).replace("T", " ");
}
