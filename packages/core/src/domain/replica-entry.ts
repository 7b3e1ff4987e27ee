import { z } from "zod";
import { monitorStateSchema, statusSchema, voteSchema } from "./monitor-state.js";
import { NOTIFICATION_EVENTS } from "./types.js";

const isoTime = z.iso.datetime({ offset: true });

export const OUTBOX_STATES = ["pending", "sending", "sent", "failed", "unknown"] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

/** One outbox row as the leader holds it, keyed by its dedupe key (ids differ between databases). */
export const replicaOutboxRowSchema = z.object({
  dedupeKey: z.string().min(1),
  channelId: z.number().int(),
  monitorId: z.number().int().nullable(),
  event: z.enum(NOTIFICATION_EVENTS),
  payload: z.record(z.string(), z.unknown()),
  state: z.enum(OUTBOX_STATES),
  attempts: z.number().int().min(0),
  nextAttemptAt: isoTime,
  sentAt: isoTime.nullable(),
  lastError: z.string().nullable(),
  epoch: z.number().int().min(0),
  createdAt: isoTime,
});
export type ReplicaOutboxRow = z.infer<typeof replicaOutboxRowSchema>;

/** A transition the leader recorded. */
export const replicaStateChangeSchema = z.object({
  monitorId: z.number().int(),
  from: statusSchema,
  to: statusSchema,
  reason: z.string(),
  votes: z.array(voteSchema),
  at: isoTime,
  epoch: z.number().int().min(0),
  nodeId: z.string(),
});
export type ReplicaStateChange = z.infer<typeof replicaStateChangeSchema>;

/**
 * One change the leader committed, in commit order, as the follower's change feed carries it:
 * a verdict, a transition, an outbox row in its new state, or "the configuration changed".
 */
export const replicaEntrySchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("state"), state: monitorStateSchema }),
  z.object({ kind: z.literal("change"), change: replicaStateChangeSchema }),
  z.object({ kind: z.literal("outbox"), row: replicaOutboxRowSchema }),
  z.object({ kind: z.literal("config") }),
]);
export type ReplicaEntry = z.infer<typeof replicaEntrySchema>;
