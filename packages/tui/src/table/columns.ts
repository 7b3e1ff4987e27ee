/** A table column: shown while the terminal is wide enough, dropped by `priority` otherwise. */
export interface Column {
  key: ColumnKey;
  title: string;
  width: number;
  /** Lower stays longer; the name is always shown and takes the room left. */
  priority: number;
  align?: "left" | "right";
}

export type ColumnKey =
  | "status"
  | "name"
  | "type"
  | "latency"
  | "uptime"
  | "history"
  | "cert"
  | "retries"
  | "target"
  | "regions";

const ALL: readonly Column[] = [
  { key: "status", title: "STATUS", width: 7, priority: 0 },
  { key: "name", title: "NAME", width: 18, priority: 0 },
  { key: "latency", title: "LATENCY", width: 8, priority: 1, align: "right" },
  { key: "history", title: "HISTORY", width: 20, priority: 2 },
  { key: "uptime", title: "UP 24H", width: 7, priority: 3, align: "right" },
  { key: "type", title: "TYPE", width: 5, priority: 4 },
  { key: "retries", title: "RETRY", width: 6, priority: 5, align: "right" },
  { key: "cert", title: "CERT", width: 5, priority: 6, align: "right" },
  { key: "regions", title: "REGIONS", width: 14, priority: 8 },
  { key: "target", title: "TARGET", width: 36, priority: 7 },
];

const GAP = 1;

/**
 * The columns that fit `width` cells, in display order; the name column grows into what is
 * left, up to 40 cells, so a wide terminal shows more columns rather than a longer name.
 */
export function columnsFor(width: number): Column[] {
  const order = [...ALL].sort((a, b) => a.priority - b.priority);
  const chosen: Column[] = [];
  let used = 0;
  for (const c of order) {
    const need = c.width + (chosen.length ? GAP : 0);
    if (used + need > width) continue;
    chosen.push({ ...c });
    used += need;
  }
  let left = width - used;
  const name = chosen.find((c) => c.key === "name");
  if (name) {
    const grow = Math.min(left, 40 - name.width);
    name.width += grow;
    left -= grow;
  }
  const target = chosen.find((c) => c.key === "target");
  if (target) target.width += left;
  else if (name) name.width += left;
  return ALL.filter((c) => chosen.some((x) => x.key === c.key)).map((c) => chosen.find((x) => x.key === c.key)!);
}

export const COLUMN_GAP = GAP;
