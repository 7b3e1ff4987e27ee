import { z } from "zod";
import { checkErrorSchema } from "./check-report.js";
import { STATUSES } from "./types.js";

export const statusSchema = z.enum(STATUSES);

/** One vote: what one node saw for one monitor in one slot. */
export const voteSchema = z.object({
  node: z.string(),
  region: z.string(),
  ok: z.boolean(),
  latencyMs: z.number().nullable(),
  error: checkErrorSchema.nullable(),
  /** ISO time the check finished. */
  at: z.string(),
});
export type Vote = z.infer<typeof voteSchema>;

/** The latest check (or push) a monitor's verdict saw, and which node saw it. */
export const lastCheckSchema = z.object({
  at: z.string(),
  ok: z.boolean(),
  latencyMs: z.number().nullable(),
  error: checkErrorSchema.nullable(),
  node: z.string().optional(),
  /** When the certificate a TLS check last saw expires; kept through checks that saw none (a refused connection). */
  certValidTo: z.string().nullable().optional(),
});
export type LastCheck = z.infer<typeof lastCheckSchema>;

/** One monitor's persisted verdict, as every node stores it and the mirror and hand-back carry it. */
export const monitorStateSchema = z.object({
  monitorId: z.number().int(),
  status: statusSchema,
  health: z.enum(["PENDING", "UP", "DOWN"]),
  since: z.string(),
  failures: z.number().int().min(0),
  successes: z.number().int().min(0),
  lastCheck: lastCheckSchema.nullable(),
  votes: z.array(voteSchema),
  lastPushAt: z.string().nullable(),
  downSince: z.string().nullable(),
  noData: z.boolean(),
});
export type MonitorState = z.infer<typeof monitorStateSchema>;
