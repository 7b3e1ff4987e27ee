import { ValidationError } from "@uptop/core";

export interface Recurrence {
  frequency: "daily" | "weekly";
  /** 0 = Sunday; weekly only. Missing or empty: the weekday of the window's `startAt`. */
  daysOfWeek?: number[];
  /** "HH:MM", UTC. */
  startTime: string;
  durationMinutes: number;
}

export interface WindowSpec {
  id: number;
  type: "maintenance" | "incident";
  /** null = every monitor. A group's id covers everything nested under it. */
  monitorIds: number[] | null;
  startAt: string;
  /** null = until someone ends it. */
  endAt: string | null;
  recurrence: Recurrence | null;
}

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

function parseTime(field: string, iso: string): number {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) {
    throw new ValidationError(`${field} is not a valid time`, [{ field, message: `not an ISO time: ${iso}` }]);
  }
  return ms;
}

function parseStartTime(text: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text);
  const h = Number(m?.[1]);
  const min = Number(m?.[2]);
  if (!m || h > 23 || min > 59) {
    throw new ValidationError("recurrence.startTime must be HH:MM (UTC)", [
      { field: "recurrence.startTime", message: `expected HH:MM like 02:30, got ${JSON.stringify(text)}` },
    ]);
  }
  return h * 3_600_000 + min * MINUTE_MS;
}

/** Sorts and joins touching or overlapping intervals. */
function merge(intervals: Array<[number, number]>): Array<[number, number]> {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

/**
 * The periods a window is in force, clipped to [fromMs, toMs), sorted and non-overlapping.
 * A one-off window runs from `startAt` to `endAt`. A recurring one has an occurrence at
 * `startTime` (UTC) on each matching day, lasting `durationMinutes`, and is only ever in force
 * between `startAt` and `endAt`: an occurrence straddling either edge is cut there.
 * An occurrence belongs to the day it starts on, so a weekly Sunday 23:00 for 2 h runs into Monday.
 */
export function windowIntervals(w: WindowSpec, fromMs: number, toMs: number): Array<[number, number]> {
  const startMs = parseTime("startAt", w.startAt);
  const endMs = w.endAt === null ? Infinity : parseTime("endAt", w.endAt);
  const lo = Math.max(fromMs, startMs);
  const hi = Math.min(toMs, endMs);
  if (!(lo < hi)) return [];
  if (w.recurrence === null) return [[lo, hi]];

  const r = w.recurrence;
  const offsetMs = parseStartTime(r.startTime);
  const durMs = r.durationMinutes * MINUTE_MS;
  if (!(durMs > 0)) return [];
  if (!Number.isFinite(hi)) {
    throw new ValidationError("a recurring window needs a finite range to expand", [
      { field: "toMs", message: "pass a finite end of the range" },
    ]);
  }
  const days =
    r.frequency === "weekly"
      ? new Set(r.daysOfWeek && r.daysOfWeek.length > 0 ? r.daysOfWeek : [new Date(startMs).getUTCDay()])
      : null;

  const out: Array<[number, number]> = [];
  // Start early enough to catch an occurrence that began the day(s) before and is still running.
  for (let day = Math.floor((lo - offsetMs - durMs) / DAY_MS) * DAY_MS; day + offsetMs < hi; day += DAY_MS) {
    if (days && !days.has(new Date(day).getUTCDay())) continue;
    const s = Math.max(day + offsetMs, lo);
    const e = Math.min(day + offsetMs + durMs, hi);
    if (s < e) out.push([s, e]);
  }
  return merge(out);
}

export function isWindowActive(w: WindowSpec, now: Date): boolean {
  const t = now.getTime();
  return windowIntervals(w, t, t + 1).length > 0;
}

/** Whether the window applies to a monitor: named directly, through a group above it, or all. */
export function windowCovers(w: WindowSpec, monitorId: number, ancestorIds: readonly number[]): boolean {
  if (w.monitorIds === null) return true;
  return w.monitorIds.includes(monitorId) || ancestorIds.some((id) => w.monitorIds!.includes(id));
}

/**
 * The maintenance window in force for a monitor now, or null. Incident windows are informational
 * and never count. When several apply, the one ending last wins (an open-ended one beats all):
 * that is the one that decides when the monitor leaves maintenance.
 */
export function activeMaintenance(
  windows: readonly WindowSpec[],
  monitorId: number,
  ancestorIds: readonly number[],
  now: Date,
): WindowSpec | null {
  const t = now.getTime();
  let best: WindowSpec | null = null;
  let bestEnd = -Infinity;
  for (const w of windows) {
    if (w.type !== "maintenance" || !windowCovers(w, monitorId, ancestorIds)) continue;
    const current = windowIntervals(w, t, t + 1);
    if (current.length === 0) continue;
    const end = currentOccurrenceEnd(w, t);
    if (best === null || end > bestEnd) {
      best = w;
      bestEnd = end;
    }
  }
  return best;
}

/** When the occurrence in force at `t` ends (Infinity for an open-ended one-off window). */
function currentOccurrenceEnd(w: WindowSpec, t: number): number {
  if (w.recurrence === null) return w.endAt === null ? Infinity : Date.parse(w.endAt);
  // Occurrences may chain back to back (daily, 24 h long); look a little ahead to find the real end.
  const horizon = t + w.recurrence.durationMinutes * MINUTE_MS + DAY_MS;
  const first = windowIntervals(w, t, horizon)[0];
  return first ? first[1] : t;
}

/** Maintenance intervals (ms) of one monitor — its own windows and its groups' — within [from, to). Incidents excluded. */
export function maintenanceIntervals(
  windows: readonly WindowSpec[],
  monitorId: number,
  ancestorIds: readonly number[],
  fromMs: number,
  toMs: number,
): Array<[number, number]> {
  return windows
    .filter((w) => w.type === "maintenance" && windowCovers(w, monitorId, ancestorIds))
    .flatMap((w) => windowIntervals(w, fromMs, toMs));
}
