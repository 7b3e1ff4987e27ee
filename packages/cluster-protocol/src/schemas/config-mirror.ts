import { z } from "zod";
import { monitorSchema } from "./monitor.js";

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
  /** Minutes between reminders while DOWN; null = none. */
  reminderInterval: z.number().nullable(),
});
export type MirroredChannel = z.infer<typeof mirroredChannelSchema>;

/** Plaintext of `GET /api/cluster/config` → `{ sealed }`: everything a follower needs to lead. */
export const configMirrorSchema = z.object({
  epoch: z.number().int().min(0),
  exportedAt: z.iso.datetime({ offset: true }),
  monitors: z.array(monitorSchema),
  channels: z.array(mirroredChannelSchema),
  maintenance: z.array(z.unknown()),
});
export type ConfigMirror = z.infer<typeof configMirrorSchema>;
