import { ValidationError, type Status } from "@uptop/core";

export interface SlaInput {
  from: Date;
  to: Date;
  /** The status in force at `from`; null when the monitor did not exist yet. */
  statusAtStart: Status | null;
  /** Status changes within (from, to], sorted by time. */
  changes: ReadonlyArray<{ at: Date; to: Status }>;
  /** Maintenance intervals in ms (any order, may overlap, may reach outside the range). */
  excluded: ReadonlyArray<[number, number]>;
}

export interface SlaReport {
  from: string;
  to: string;
  /** Share of monitored time that was not DOWN, 0–100; null when nothing was monitored. */
  uptimePct: number | null;
  /** Time that counts: the monitor existed, was not paused and not in maintenance. */
  monitoredS: number;
  downtimeS: number;
  /** Time excluded as maintenance (windows, or the MAINTENANCE status) while the monitor existed and was not paused. */
  maintenanceS: number;
  outages: number;
  longestOutageS: number;
  /** Mean outage duration. */
  mttrS: number | null;
  /** Mean up time per outage: monitored up time divided by the number of outages. */
  mtbfS: number | null;
}

interface Segment {
  start: number;
  end: number;
  status: Status | null;
}

function mergeClipped(intervals: ReadonlyArray<[number, number]>, lo: number, hi: number): Array<[number, number]> {
  const clipped = intervals
    .map(([s, e]): [number, number] => [Math.max(s, lo), Math.min(e, hi)])
    .filter(([s, e]) => s < e)
    .sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const [s, e] of clipped) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

/** Milliseconds of [start, end) covered by the merged, sorted intervals. */
function coveredMs(start: number, end: number, merged: ReadonlyArray<[number, number]>): number {
  let ms = 0;
  for (const [s, e] of merged) {
    if (s >= end) break;
    ms += Math.max(0, Math.min(e, end) - Math.max(s, start));
  }
  return ms;
}

function segments(input: SlaInput, lo: number, hi: number): Segment[] {
  const changes = input.changes
    .map((c) => ({ at: c.at.getTime(), to: c.to }))
    .filter((c) => c.at > lo && c.at <= hi)
    .sort((a, b) => a.at - b.at);
  const out: Segment[] = [];
  let start = lo;
  let status: Status | null = input.statusAtStart;
  for (const c of changes) {
    if (c.at > start) out.push({ start, end: c.at, status });
    start = c.at;
    status = c.to;
  }
  if (hi > start) out.push({ start, end: hi, status });
  return out;
}

/** The statuses only a check decides; PENDING, PAUSED and MAINTENANCE say nothing of the target. */
const VERDICTS: ReadonlySet<Status | null> = new Set<Status>(["UP", "DOWN", "LATE"]);

/**
 * Whether a stretch of timeline holds a check's verdict. One that holds none (never checked; or
 * created and paused at once, which records PENDING then PAUSED) has no uptime to show, though
 * PENDING between checks counts as up.
 */
function hasVerdict(t: { statusAtStart: Status | null; changes: ReadonlyArray<{ to: Status }> }): boolean {
  return VERDICTS.has(t.statusAtStart) || t.changes.some((c) => VERDICTS.has(c.to));
}

/**
 * SLA over [from, to) from the status timeline. The status at `from` is taken as given, never
 * assumed UP, so an outage that began before the range counts (clipped), and one still open at
 * `to` counts up to `to`. PENDING, LATE and UP are up; DOWN is down; PAUSED and the time before
 * the monitor existed are not monitored at all; maintenance is excluded from both. A range with no
 * check's verdict in it (see `hasVerdict`) monitored nothing: its PENDING alone claims no uptime.
 *
 * An outage is a run of DOWN that may pass through MAINTENANCE (DOWN → MAINTENANCE → DOWN is one
 * outage, as it is one incident to the people fixing it); its duration is the DOWN time outside
 * maintenance, and a run entirely inside maintenance is no outage.
 */
export function computeSla(input: SlaInput): SlaReport {
  const lo = input.from.getTime();
  const hi = input.to.getTime();
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || hi < lo) {
    throw new ValidationError("SLA range must have from <= to", [{ field: "to", message: "must not be before from" }]);
  }
  const excluded = mergeClipped(input.excluded, lo, hi);

  let upMs = 0;
  let downMs = 0;
  let maintenanceMs = 0;
  const outageMs: number[] = [];
  let open: number | null = null; // DOWN ms of the outage being walked through, if any

  const closeOutage = (): void => {
    if (open !== null && open > 0) outageMs.push(open);
    open = null;
  };

  for (const seg of segments(input, lo, hi)) {
    const len = seg.end - seg.start;
    if (seg.status === null || seg.status === "PAUSED") {
      closeOutage();
      continue;
    }
    const inWindow = coveredMs(seg.start, seg.end, excluded);
    if (seg.status === "MAINTENANCE") {
      maintenanceMs += len;
      continue; // keeps an outage open: see above
    }
    maintenanceMs += inWindow;
    const counted = len - inWindow;
    if (seg.status === "DOWN") {
      downMs += counted;
      open = (open ?? 0) + counted;
    } else {
      closeOutage();
      upMs += counted;
    }
  }
  closeOutage();
  if (!hasVerdict(input)) upMs = 0;

  const monitoredMs = upMs + downMs;
  const outages = outageMs.length;
  return {
    from: input.from.toISOString(),
    to: input.to.toISOString(),
    uptimePct: monitoredMs > 0 ? (100 * upMs) / monitoredMs : null,
    monitoredS: monitoredMs / 1000,
    downtimeS: downMs / 1000,
    maintenanceS: maintenanceMs / 1000,
    outages,
    longestOutageS: outages > 0 ? Math.max(...outageMs) / 1000 : 0,
    mttrS: outages > 0 ? downMs / outages / 1000 : null,
    mtbfS: outages > 0 ? upMs / outages / 1000 : null,
  };
}
