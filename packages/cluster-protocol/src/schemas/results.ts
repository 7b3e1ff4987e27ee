import { z } from "zod";
import { checkErrorSchema } from "./monitor.js";
import { nodeIdSchema } from "./register.js";

export const MAX_RESULTS_PER_BATCH = 1000;
const MAX_DETAILS_CHARS = 4096;

const isoTime = z.iso.datetime({ offset: true });

/** The certificate a check saw, as much as the leader needs to warn before it expires. */
export const resultCertSchema = z.object({ validTo: isoTime, daysLeft: z.number(), expiringSoon: z.boolean() });

/** One executed check. `slot` is the grid slot start, the key votes from different nodes share. */
export const resultItemSchema = z.object({
  monitorId: z.number().int(),
  slot: isoTime,
  checkedAt: isoTime,
  ok: z.boolean(),
  latencyMs: z.number().min(0).nullable(),
  statusCode: z.number().int().nullable(),
  error: checkErrorSchema.nullable(),
  /** Small type details for display; `cert` is read by the leader (expiry warnings and metrics). */
  details: z
    .looseObject({ cert: resultCertSchema.nullable().optional() })
    .refine((d) => JSON.stringify(d).length <= MAX_DETAILS_CHARS, `must serialise to at most ${MAX_DETAILS_CHARS} characters`)
    .optional(),
});
export type ResultItem = z.infer<typeof resultItemSchema>;

/** `POST /api/probe/results` */
export const resultsRequestSchema = z.object({
  nodeId: nodeIdSchema,
  results: z.array(resultItemSchema).max(MAX_RESULTS_PER_BATCH),
});
export type ResultsRequest = z.infer<typeof resultsRequestSchema>;

export const resultsResponseSchema = z.looseObject({
  accepted: z.number().int().min(0),
  /** Rows already stored (a replayed batch): harmless by the (monitor, node, slot) unique key. */
  duplicates: z.number().int().min(0),
  epoch: z.number().int().min(0),
});
export type ResultsResponse = z.infer<typeof resultsResponseSchema>;
