import {
  channelConfigSchema,
  maintenanceWindowSchema,
  monitorStateSchema,
  replicaOutboxRowSchema,
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
});
export type ConfigMirror = z.infer<typeof configMirrorSchema>;
