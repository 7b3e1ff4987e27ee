import { z } from "zod";
import { ERROR_CODES } from "./types.js";
import { storableText } from "./well-formed-text.js";
import { isoTimeSchema } from "./iso-time.js";

/** The longest check error message kept; a longer one is cut (on a character boundary), not refused. */
export const CHECK_MESSAGE_MAX_CHARS = 2000;
/** The largest value of an `integer` column. */
export const INT4_MAX = 2_147_483_647;
/** Far beyond the longest check (an hour), far below anything a column or a histogram chokes on. */
export const LATENCY_MAX_MS = 86_400_000;

/** Why a check failed: one of the fixed codes, and a message made storable (it quotes the network). */
export const checkErrorSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string().transform((s) => storableText(s, CHECK_MESSAGE_MAX_CHARS)),
});
export type CheckError = z.infer<typeof checkErrorSchema>;

/** The certificate a check saw, as much as the leader needs to warn before it expires. */
export const certSummarySchema = z.object({ validTo: isoTimeSchema, daysLeft: z.number(), expiringSoon: z.boolean() });
export type CertSummary = z.infer<typeof certSummarySchema>;

const MONITOR_ID = `must be a monitor id (1-${INT4_MAX})`;
const STATUS_CODE = "must be an HTTP status (100-999) or null";

/**
 * One check result from one node (the leader itself, a promoted follower or a probe), as the
 * engine takes it: `slotMs` is the start of the grid slot, the key votes from different nodes share.
 */
export const checkReportSchema = z.object({
  monitorId: z.number().int().min(1, MONITOR_ID).max(INT4_MAX, MONITOR_ID),
  slotMs: z.number().int().min(0),
  checkedAt: isoTimeSchema,
  ok: z.boolean(),
  latencyMs: z.number().min(0).max(LATENCY_MAX_MS, `must be at most ${LATENCY_MAX_MS} ms`).nullable(),
  statusCode: z.number().int().min(100, STATUS_CODE).max(999, STATUS_CODE).nullable(),
  error: checkErrorSchema.nullable(),
  cert: certSummarySchema.nullable(),
});
export type CheckReport = z.infer<typeof checkReportSchema>;
