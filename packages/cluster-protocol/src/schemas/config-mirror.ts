import { maintenanceWindowSchema, monitorStateSchema } from "@uptop/core";
import { z } from "zod";
import { assignedMonitorSchema } from "./monitor.js";

/** A sealed body (see `sealPayload`): what travels for the config mirror and the handback. */
export const sealedBodySchema = z.object({ sealed: z.string().min(1) });
export type SealedBody = z.infer<typeof sealedBodySchema>;

export const mirroredChannelSchema = z.looseObject({
  id: z.number().int(),
  name: z.string(),
  type: z.string(),
  settings: z.record(z.string(), z.unknown()),
  isDefault: z.boolean(),
  enabled: z.boolean(),
  /** Seconds between reminders while DOWN; null = none. */
  reminderInterval: z.number().nullable(),
});
export type MirroredChannel = z.infer<typeof mirroredChannelSchema>;

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
    .array(z.object({ dedupeKey: z.string(), channelId: z.number().int(), monitorId: z.number().int().nullable(), event: z.string(), sentAt: z.string(), epoch: z.number().int() }))
    .default([]),
});
export type ConfigMirror = z.infer<typeof configMirrorSchema>;
