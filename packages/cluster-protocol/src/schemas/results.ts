import { certSummarySchema, checkReportSchema, isoTimeSchema, type CheckReport } from "@uptop/core";
import { z } from "zod";
import { nodeIdSchema } from "./register.js";

export const MAX_RESULTS_PER_BATCH = 1000;
const MAX_DETAILS_CHARS = 4096;

/**
 * One executed check on the wire: core's CheckReport with its slot as an ISO time, and the
 * certificate inside `details`, beside the other small details a probe sends for display.
 * Numbers are held to what their columns take (a bad one is a 400 naming the item, never a row
 * that blocks the write queue); the error text, which quotes the network, is made storable.
 */
export const resultItemSchema = checkReportSchema.omit({ slotMs: true, cert: true }).extend({
  slot: isoTimeSchema,
  /** Small type details for display; `cert` is read by the leader (expiry warnings and metrics). */
  details: z
    .looseObject({ cert: certSummarySchema.nullable().optional() })
    .refine(
      (d) => JSON.stringify(d).length <= MAX_DETAILS_CHARS,
      `must serialise to at most ${MAX_DETAILS_CHARS} characters`,
    )
    .optional(),
});
export type ResultItem = z.infer<typeof resultItemSchema>;

/** The report a wire result carries, as the engine takes it. */
export function checkReportFromWire(item: ResultItem): CheckReport {
  return {
    monitorId: item.monitorId,
    slotMs: Date.parse(item.slot),
    checkedAt: item.checkedAt,
    ok: item.ok,
    latencyMs: item.latencyMs,
    statusCode: item.statusCode,
    error: item.error,
    cert: item.details?.cert ?? null,
  };
}

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
