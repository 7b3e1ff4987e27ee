import type { LiveEvent, Status } from "@uptop/core";
import { STATUS_ORDER, type MonitorRow, type MonitorsSummary } from "../monitor-types";

export type SortKey = "worst" | "name";

// One collator for every comparison: far cheaper than localeCompare on each of 10 000 calls.
const byName = new Intl.Collator(undefined, { numeric: true }).compare;

export interface TreeRow {
  monitor: MonitorRow;
  depth: number;
  parentName: string | null;
}

/**
 * The monitors as a tree (groups before their children), each level sorted, and only the rows
 * that match the filter or lead to one that does: a matching child keeps its group in view.
 */
export function visibleTree(
  monitors: readonly MonitorRow[],
  filter: { status: Status | "all"; search: string; sort: SortKey },
): TreeRow[] {
  const byId = new Map(monitors.map((m) => [m.id, m]));
  const children = new Map<number | null, MonitorRow[]>();
  for (const m of monitors) {
    const parent = m.parentId !== null && byId.has(m.parentId) ? m.parentId : null;
    const list = children.get(parent) ?? [];
    list.push(m);
    children.set(parent, list);
  }
  const compare =
    filter.sort === "name"
      ? (a: MonitorRow, b: MonitorRow) => byName(a.name, b.name)
      : (a: MonitorRow, b: MonitorRow) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || byName(a.name, b.name);
  const needle = filter.search.trim().toLowerCase();
  const matches = (m: MonitorRow) =>
    (filter.status === "all" || m.status === filter.status) &&
    (needle === "" ||
      m.name.toLowerCase().includes(needle) ||
      (m.url ?? "").toLowerCase().includes(needle) ||
      (m.hostname ?? "").toLowerCase().includes(needle));

  const out: TreeRow[] = [];
  const seen = new Set<number>();
  // Returns whether anything at or below `m` was shown; a group is placed before its children.
  const walk = (m: MonitorRow, depth: number, parentName: string | null): boolean => {
    if (seen.has(m.id)) return false;
    seen.add(m.id);
    const at = out.length;
    out.push({ monitor: m, depth, parentName });
    let any = false;
    for (const c of (children.get(m.id) ?? []).sort(compare)) any = walk(c, depth + 1, m.name) || any;
    if (any || matches(m)) return true;
    out.length = at;
    return false;
  };
  for (const m of (children.get(null) ?? []).sort(compare)) walk(m, 0, null);
  return out;
}

/** How many monitors are in each status (the page's header). */
export function countByStatus(monitors: readonly MonitorRow[]): Map<Status, number> {
  const counts = new Map<Status, number>();
  for (const m of monitors) counts.set(m.status, (counts.get(m.status) ?? 0) + 1);
  return counts;
}

const SEVERITY: Record<Status, number> = { PENDING: 0, PAUSED: 1, UP: 2, MAINTENANCE: 3, LATE: 4, DOWN: 5 };

type RowEvent = Extract<LiveEvent, { type: "status" | "check" }>;

/**
 * Applies a batch of live events to the list: only the monitors they name get new objects, so
 * every other (memoised) row keeps its identity and is not rendered again.
 */
export function applyToMonitors(prev: MonitorRow[] | undefined, events: readonly RowEvent[]): MonitorRow[] | undefined {
  if (!prev || events.length === 0) return prev;
  const index = new Map(prev.map((m, i) => [m.id, i]));
  const next = prev.slice();
  for (const e of events) {
    const i = index.get(e.monitorId);
    if (i === undefined) continue;
    const m = next[i]!;
    if (e.type === "status") {
      next[i] = { ...m, status: m.paused ? "PAUSED" : e.to, statusSince: e.at };
    } else {
      const error = e.error === null ? null : { code: "ERROR", message: e.error };
      next[i] = { ...m, lastCheck: { at: e.at, ok: e.ok, latencyMs: e.latencyMs, error, node: e.nodeId } };
    }
  }
  return next;
}

/** A status change also marks the current hour of the bar, if it is worse than what is there. */
export function applyToSummary(
  prev: MonitorsSummary | undefined,
  events: readonly RowEvent[],
): MonitorsSummary | undefined {
  const changes = events.filter((e): e is Extract<RowEvent, { type: "status" }> => e.type === "status");
  if (!prev || changes.length === 0) return prev;
  const byId = new Map(changes.map((e) => [e.monitorId, e.to]));
  let changed = false;
  const monitors = prev.monitors.map((s) => {
    const to = byId.get(s.id);
    if (to === undefined || s.hours.length === 0) return s;
    const last = s.hours[s.hours.length - 1] ?? null;
    if (last !== null && SEVERITY[last] >= SEVERITY[to]) return s;
    changed = true;
    return { ...s, hours: [...s.hours.slice(0, -1), to] };
  });
  return changed ? { ...prev, monitors } : prev;
}
