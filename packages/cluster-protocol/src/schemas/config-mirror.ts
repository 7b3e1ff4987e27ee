import {
  channelConfigSchema,
  maintenanceWindowSchema,
  monitorStateSchema,
  replicaOutboxRowSchema,
  statusPageSettingsSchema,
  USER_ROLES,
  type ChannelConfig,
} from "@uptop/core";
import { z } from "zod";
import { assignedMonitorSchema } from "./monitor.js";

/** A sealed body (see `sealPayload`): what travels for the config mirror and the handback. */
export const sealedBodySchema = z.object({ sealed: z.string().min(1) });
export type SealedBody = z.infer<typeof sealedBodySchema>;

/**
 * A channel as the mirror carries it: core's ChannelConfig with its id, the reminder period under
 * its protocol-1 name, `reminderInterval` (seconds). Loose, like the monitors.
 */
export const mirroredChannelSchema = channelConfigSchema
  .omit({ reminderIntervalS: true })
  .extend({ id: z.number().int(), reminderInterval: z.number().nullable() })
  .loose();
export type MirroredChannel = z.infer<typeof mirroredChannelSchema>;

/** A stored channel as the mirror carries it. */
export function channelToMirror({ reminderIntervalS, ...channel }: ChannelConfig & { id: number }): MirroredChannel {
  return { ...channel, reminderInterval: reminderIntervalS };
}

/** A mirrored channel as the store keeps it. */
export function channelFromMirror({ reminderInterval, ...channel }: MirroredChannel): ChannelConfig & { id: number } {
  return { ...channel, reminderIntervalS: reminderInterval };
}

/** A place in the leader's change feed: the feed (one per leader process) and the last entry. */
export const feedPositionSchema = z.object({ feedId: z.string().min(1), seq: z.number().int().min(0) });
export type FeedPosition = z.infer<typeof feedPositionSchema>;

/**
 * A user as the mirror carries it: its tokens by their sha256 hashes (revoked ones too, so a
 * revoke reaches the follower) and its SSH keys, so a promoted follower lets the same people in.
 */
export const mirroredUserSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  role: z.enum(USER_ROLES),
  disabled: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  tokens: z.array(
    z.object({
      id: z.number().int(),
      name: z.string(),
      tokenHash: z.string().regex(/^[0-9a-f]{64}$/),
      createdAt: z.string(),
      lastUsedAt: z.string().nullable(),
      revokedAt: z.string().nullable(),
    }),
  ),
  keys: z.array(
    z.object({
      id: z.number().int(),
      fingerprint: z.string(),
      algorithm: z.string(),
      publicKey: z.string(),
      comment: z.string(),
      createdAt: z.string(),
    }),
  ),
});
export type MirroredUser = z.infer<typeof mirroredUserSchema>;

/** Plaintext of `GET /api/cluster/config` → `{ sealed }`: everything a follower needs to lead. */
export const configMirrorSchema = z.object({
  epoch: z.number().int().min(0),
  exportedAt: z.iso.datetime({ offset: true }),
  monitors: z.array(assignedMonitorSchema),
  channels: z.array(mirroredChannelSchema),
  maintenance: z.array(maintenanceWindowSchema),
  /** Current verdicts, so a promoted follower resumes them instead of starting from PENDING. */
  states: z.array(monitorStateSchema).default([]),
  /** Notifications already delivered (recent), so a promoted follower never repeats them. */
  delivered: z
    .array(
      z.object({
        dedupeKey: z.string(),
        channelId: z.number().int(),
        monitorId: z.number().int().nullable(),
        event: z.string(),
        sentAt: z.string(),
        epoch: z.number().int(),
      }),
    )
    .default([]),
  /** The leader's alerts not yet delivered (or in flight): a promoted follower continues them. */
  outbox: z.array(replicaOutboxRowSchema).default([]),
  /** Where the leader's change feed stood before this copy was read: the follower tails from there. */
  feed: feedPositionSchema.nullable().default(null),
  /** Absent from a leader older than users: the follower then keeps the users it has. */
  users: z.array(mirroredUserSchema).optional(),
  /** The saved status page settings (null: none saved); absent from an older leader. */
  statusPage: statusPageSettingsSchema.nullable().optional(),
});
export type ConfigMirror = z.infer<typeof configMirrorSchema>;
