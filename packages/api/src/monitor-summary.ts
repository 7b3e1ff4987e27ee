import { ancestors, computeSla, maintenanceIntervals, type WindowSpec } from "@uptop/aggregation";
import type { Status } from "@uptop/core";
import { listMonitorOutlines, listWindowSpecs, loadTimelines, type Db, type Timeline } from "@uptop/store";

const HOUR_MS = 3_600_000;

/** How bad a status is for a bar cell: the worst one seen in the hour colours it. */
const SEVERITY: Record<Status, number> = { PENDING: 0, PAUSED: 1, UP: 2, MAINTENANCE: 3, LATE: 4, DOWN: 5 };

export interface MonitorSummary {
  id: number;
  /** Share of monitored time not DOWN over the period, maintenance excluded; null: nothing monitored. */
  uptimePct: number | null;
  /** Worst status per hour, oldest first from `firstHour`; null where the monitor did not exist. */
  hours: Array<Status | null>;
}

export interface MonitorsSummary {
  from: string;
  to: string;
  firstHour: string;
  monitors: MonitorSummary[];
}

/** The worst status in force during each hour of [firstHourMs, firstHourMs + count h) ∩ [.., toMs]. */
function hourlyWorst(timeline: Timeline, firstHourMs: number, count: number, toMs: number): Array<Status | null> {
  const cells = new Array<Status | null>(count).fill(null);
  const mark = (index: number, status: Status) => {
    if (index < 0 || index >= count) return;
    const prev = cells[index];
    if (prev === null || prev === undefined || SEVERITY[status] > SEVERITY[prev]) cells[index] = status;
  };
  // Walk the segments: each status holds from its start until the next change (or `toMs`).
  let status: Status | null = timeline.statusAtStart;
  let start = firstHourMs;
  const lastIndex = Math.min(count - 1, Math.floor((toMs - 1 - firstHourMs) / HOUR_MS));
  const fill = (from: number, to: number) => {
    if (status === null) return;
    const a = Math.max(0, Math.floor((from - firstHourMs) / HOUR_MS));
    const b = Math.min(lastIndex, Math.floor((Math.max(from, to - 1) - firstHourMs) / HOUR_MS));
    for (let i = a; i <= b; i++) mark(i, status);
  };
  for (const c of timeline.changes) {
    const at = c.at.getTime();
    fill(start, at);
    status = c.to;
    start = at;
  }
  fill(start, toMs);
  return cells;
}

/** The same timeline seen from a later start (`from` ≥ the timeline's own start). */
function since(t: Timeline, from: Date): Timeline {
  let statusAtStart = t.statusAtStart;
  const changes: Timeline["changes"] = [];
  for (const c of t.changes) {
    if (c.at.getTime() <= from.getTime()) statusAtStart = c.to;
    else changes.push(c);
  }
  return { statusAtStart, changes };
}

/**
 * Uptime and an hourly bar of every monitor over the last `hours` hours, read in four queries
 * whatever the number of monitors (outlines, windows and the two of the timelines): what a
 * dashboard of a thousand monitors needs in one answer instead of a thousand.
 */
export async function monitorsSummary(db: Db, hours: number, now: Date): Promise<MonitorsSummary> {
  const toMs = now.getTime();
  const firstHourMs = Math.floor(toMs / HOUR_MS) * HOUR_MS - (hours - 1) * HOUR_MS;
  const from = new Date(toMs - hours * HOUR_MS);
  const outlines = await listMonitorOutlines(db);
  const [windows, timelines] = await Promise.all([
    listWindowSpecs(db),
    loadTimelines(db, outlines, new Date(firstHourMs), now),
  ]);
  const monitors = outlines.map((m): MonitorSummary => {
    const bar = timelines.get(m.id)!;
    const timeline = since(bar, from);
    const sla = computeSla({
      from,
      to: now,
      statusAtStart: timeline.statusAtStart,
      changes: timeline.changes,
      excluded: maintenanceIntervals(windows as WindowSpec[], m.id, ancestors(m.id, outlines), from.getTime(), toMs),
    });
    // Paused all along was not watched: no uptime (one never checked has none from computeSla).
    const pausedThroughout = m.paused && timeline.changes.length === 0;
    return {
      id: m.id,
      uptimePct: pausedThroughout ? null : sla.uptimePct,
      hours: hourlyWorst(bar, firstHourMs, hours, toMs),
    };
  });
  return {
    from: from.toISOString(),
    to: now.toISOString(),
    firstHour: new Date(firstHourMs).toISOString(),
    monitors,
  };
}
