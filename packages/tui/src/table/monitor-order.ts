import type { MonitorRow } from "../data/types.js";

export const SORT_KEYS = ["status", "name", "latency", "type"] as const;
export type SortKey = (typeof SORT_KEYS)[number];

/** Worst first: what needs a look now comes before what is fine or switched off. */
const STATUS_RANK: Record<string, number> = { DOWN: 0, LATE: 1, PENDING: 2, MAINTENANCE: 3, UP: 4, PAUSED: 5 };

export function statusRank(status: string): number {
  return STATUS_RANK[status] ?? 2;
}

/** One line of the table: a monitor at its depth in the group tree. */
export interface TableLine {
  monitor: MonitorRow;
  depth: number;
  /** The worst status in this monitor's subtree (itself for a leaf). */
  worst: number;
  /** Whether a following sibling exists, per level, to draw the tree guides. */
  last: boolean;
}

function latencyOf(m: MonitorRow): number {
  return m.lastCheck?.latencyMs ?? Number.POSITIVE_INFINITY;
}

function compare(key: SortKey, a: MonitorRow, aWorst: number, b: MonitorRow, bWorst: number): number {
  switch (key) {
    case "status":
      return aWorst - bWorst || a.name.localeCompare(b.name);
    case "name":
      return a.name.localeCompare(b.name);
    case "latency":
      return latencyOf(b) - latencyOf(a) || aWorst - bWorst || a.name.localeCompare(b.name);
    case "type":
      return a.type.localeCompare(b.type) || aWorst - bWorst || a.name.localeCompare(b.name);
  }
}

/** Whether a monitor matches a `/` filter: every word appears in its name, type, target or status. */
export function matchesFilter(m: MonitorRow, words: readonly string[]): boolean {
  if (!words.length) return true;
  const hay = `${m.name} ${m.type} ${m.url ?? ""} ${m.hostname ?? ""} ${m.status} ${m.regions.join(" ")}`.toLowerCase();
  return words.every((w) => hay.includes(w));
}

/**
 * The table's lines: monitors as a tree under their groups, siblings ordered by the sort key
 * (groups by their worst member), filtered to matches plus the groups that hold them.
 */
export function orderMonitors(monitors: readonly MonitorRow[], key: SortKey, filter: string): TableLine[] {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  const byId = new Map<number, MonitorRow>();
  for (const m of monitors) byId.set(m.id, m);
  const children = new Map<number | null, MonitorRow[]>();
  for (const m of monitors) {
    // A parent that is missing (deleted, or a cycle's way out) leaves the monitor at the top.
    const parent = m.parentId !== null && byId.has(m.parentId) && m.parentId !== m.id ? m.parentId : null;
    const list = children.get(parent);
    if (list) list.push(m);
    else children.set(parent, [m]);
  }

  const worst = new Map<number, number>();
  const visible = new Map<number, boolean>();
  const visiting = new Set<number>();
  // Iterative post-order would be longer to read; the depth of real group trees is small, and
  // `visiting` stops a cycle from recursing forever.
  function measure(m: MonitorRow): void {
    if (worst.has(m.id) || visiting.has(m.id)) return;
    visiting.add(m.id);
    let w = statusRank(m.status);
    let show = matchesFilter(m, words);
    for (const c of children.get(m.id) ?? []) {
      measure(c);
      w = Math.min(w, worst.get(c.id) ?? w);
      show ||= visible.get(c.id) ?? false;
    }
    worst.set(m.id, w);
    visible.set(m.id, show);
    visiting.delete(m.id);
  }
  for (const m of monitors) measure(m);

  const out: TableLine[] = [];
  const placed = new Set<number>();
  function emit(list: readonly MonitorRow[], depth: number): void {
    const shown = list.filter((m) => visible.get(m.id) && !placed.has(m.id));
    shown.sort((a, b) => compare(key, a, worst.get(a.id)!, b, worst.get(b.id)!));
    shown.forEach((m, i) => {
      placed.add(m.id);
      out.push({ monitor: m, depth, worst: worst.get(m.id)!, last: i === shown.length - 1 });
      emit(children.get(m.id) ?? [], depth + 1);
    });
  }
  emit(children.get(null) ?? [], 0);
  return out;
}

/** The first line to draw so that `selected` stays inside a window of `height` lines. */
export function scrollOffset(previous: number, selected: number, height: number, total: number): number {
  if (height <= 0) return 0;
  let offset = Math.min(previous, Math.max(0, total - height));
  if (selected < offset) offset = selected;
  if (selected >= offset + height) offset = selected - height + 1;
  return Math.max(0, offset);
}
