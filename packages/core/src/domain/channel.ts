import { z } from "zod";

/**
 * A notification channel's configuration with its settings (secrets included) in clear: what
 * the store keeps, config as code plans with and the mirror carries. Each provider checks its
 * own settings (notify), so here they are only an object.
 */
export const channelConfigSchema = z.object({
  name: z.string(),
  type: z.string(),
  settings: z.record(z.string(), z.unknown()),
  /** Attached to every monitor. */
  isDefault: z.boolean(),
  enabled: z.boolean(),
  /** Seconds between reminders while a monitor stays DOWN; null = none. */
  reminderIntervalS: z.number().nullable(),
});
export type ChannelConfig = z.infer<typeof channelConfigSchema>;
