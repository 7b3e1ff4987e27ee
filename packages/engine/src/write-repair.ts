import { INT4_MAX, wellFormed, wellFormedDeep } from "@uptop/core";
import type { MonitorStateRecord, ResultRow } from "@uptop/store";
import type { StateChangeWrite } from "./write-queue.js";

/** A time the database takes and a check can have: from 1970 to the end of year 9999. */
function storableDate(d: Date): boolean {
  const ms = d.getTime();
  return ms >= 0 && ms < 253_402_300_800_000;
}

function orNull<T>(value: T | null, ok: (v: T) => boolean): T | null {
  return value !== null && ok(value) ? value : null;
}

/**
 * A result row the database refused, made storable: text cleaned, a status code outside
 * 100-999 or a latency that is not a finite, non-negative number become null, a bad check time
 * becomes the slot. Null when it cannot be saved (no valid monitor id or slot) or nothing changed.
 */
export function repairResult(r: ResultRow): ResultRow | null {
  if (!Number.isInteger(r.monitorId) || r.monitorId < 1 || r.monitorId > INT4_MAX || !storableDate(r.slot)) return null;
  const fixed: ResultRow = {
    ...r,
    nodeId: wellFormed(r.nodeId),
    checkedAt: storableDate(r.checkedAt) ? r.checkedAt : r.slot,
    latencyMs: orNull(r.latencyMs, (v) => Number.isFinite(v) && v >= 0),
    statusCode: orNull(r.statusCode, (v) => Number.isInteger(v) && v >= 100 && v <= 999),
    errorCode: r.errorCode === null ? null : wellFormed(r.errorCode),
    errorMessage: r.errorMessage === null ? null : wellFormed(r.errorMessage),
  };
  const same = (Object.keys(r) as Array<keyof ResultRow>).every((k) => fixed[k] === r[k]);
  return same ? null : fixed;
}

/**
 * A state change the database refused, made storable: every text of the transition, its votes
 * and its alerts cleaned, and a bad time replaced by `now`. The transition itself is never
 * dropped for what an alert quotes. Null when nothing changed.
 */
export function repairStateChange(c: StateChangeWrite, now: Date): StateChangeWrite | null {
  const clean = wellFormedDeep(c);
  const badTime = c.change !== null && !storableDate(c.change.at);
  if (clean === c && !badTime) return null;
  if (!badTime || clean.change === null) return clean;
  return { ...clean, change: { ...clean.change, at: now } };
}

/** A monitor state the database refused, with its texts (last check, votes) cleaned; null when nothing changed. */
export function repairMonitorState(s: MonitorStateRecord): MonitorStateRecord | null {
  const clean = wellFormedDeep(s);
  return clean === s ? null : clean;
}
