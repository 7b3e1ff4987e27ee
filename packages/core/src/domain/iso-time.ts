import { z } from "zod";

/**
 * The instants uptop takes from a caller: 1970-01-01 to 9999-12-31, UTC. Nothing was monitored
 * before 1970, and a wider range reaches times the database refuses (year 0) or JS cannot print
 * (past year 275760), which would surface as a 500 instead of a 400.
 */
export const MIN_TIME_MS = Date.UTC(1970, 0, 1);
export const MAX_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

export const TIME_RANGE_MESSAGE = "must be between 1970-01-01 and 9999-12-31 (UTC)";
const FORMAT_MESSAGE = "must be an ISO 8601 time with a zone, like 2026-05-01T02:00:00Z";

export function isTimeInRange(ms: number): boolean {
  return Number.isFinite(ms) && ms >= MIN_TIME_MS && ms <= MAX_TIME_MS;
}

/** An ISO 8601 time with a zone (`2026-05-01T02:00:00Z`, `…+02:00`) inside the range above. */
export const isoTimeSchema = z.iso
  .datetime({ offset: true, message: FORMAT_MESSAGE })
  .refine((text) => isTimeInRange(Date.parse(text)), TIME_RANGE_MESSAGE);

/**
 * A time as a query parameter takes it: an ISO 8601 date or date-time (`2026-05-01`,
 * `2026-05-01T00:00:00Z`). Returns the problem as a message, so each caller names its field.
 */
export function parseTimeParam(text: string): { ok: true; date: Date } | { ok: false; message: string } {
  const ms = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || !Number.isFinite(ms))
    return { ok: false, message: "must be an ISO 8601 time, like 2026-05-01T00:00:00Z" };
  if (!isTimeInRange(ms)) return { ok: false, message: TIME_RANGE_MESSAGE };
  return { ok: true, date: new Date(ms) };
}
