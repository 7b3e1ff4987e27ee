import { z } from "zod";
import { ERROR_CODES } from "./types.js";

const isoTime = z.iso.datetime({ offset: true });

/** Why a check failed: one of the fixed codes, and a message short enough to store and show. */
export const checkErrorSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string().max(2000),
});
export type CheckError = z.infer<typeof checkErrorSchema>;

/** The certificate a check saw, as much as the leader needs to warn before it expires. */
export const certSummarySchema = z.object({ validTo: isoTime, daysLeft: z.number(), expiringSoon: z.boolean() });
export type CertSummary = z.infer<typeof certSummarySchema>;

/**
 * One check result from one node (the leader itself, a promoted follower or a probe), as the
 * engine takes it: `slotMs` is the start of the grid slot, the key votes from different nodes share.
 */
export const checkReportSchema = z.object({
  monitorId: z.number().int(),
  slotMs: z.number().int(),
  checkedAt: isoTime,
  ok: z.boolean(),
  latencyMs: z.number().min(0).nullable(),
  statusCode: z.number().int().nullable(),
  error: checkErrorSchema.nullable(),
  cert: certSummarySchema.nullable(),
});
export type CheckReport = z.infer<typeof checkReportSchema>;
