import { z } from "zod";
import { isoTimeSchema, monitorInputSchema, parseDuration, recurrenceInputSchema, WINDOW_TYPES } from "@uptop/core";

/** Seconds as a number, or a duration string such as "30m" (same rule as the monitor fields). */
const seconds = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const ms = typeof v === "number" ? v * 1000 : parseDuration(v);
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) {
    ctx.addIssue({ code: "custom", message: `"${v}" is not a duration (seconds, or e.g. "30s", "5m")` });
    return z.NEVER;
  }
  return ms / 1000;
});

export const channelEntrySchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  type: z.string().min(1),
  /** Checked against the provider's own schema once the type is known (see normalize-document). */
  settings: z.record(z.string(), z.unknown()).optional(),
  /** Attached to every monitor. */
  default: z.boolean().optional(),
  enabled: z.boolean().optional(),
  /** Re-alert while still DOWN every so often; null or absent = never. */
  reminderInterval: seconds
    .refine((s) => s === 0 || s >= 60, "must be at least 60 seconds (or null for no reminders)")
    .nullish(),
});

/** A monitor entry: the API's monitor fields, and for groups their children nested under `monitors:`. */
export interface MonitorEntry extends z.input<typeof monitorInputSchema> {
  monitors?: MonitorEntry[] | undefined;
}
interface MonitorEntryOutput extends z.output<typeof monitorInputSchema> {
  monitors?: MonitorEntryOutput[] | undefined;
}
export const monitorEntrySchema: z.ZodType<MonitorEntryOutput, MonitorEntry> = z.strictObject({
  ...monitorInputSchema.shape,
  get monitors(): z.ZodOptional<z.ZodArray<z.ZodType<MonitorEntryOutput, MonitorEntry>>> {
    return z.array(monitorEntrySchema).optional();
  },
});

/** Same shape as the maintenance API body (`maintenanceInputSchema` of @uptop/api). */
export const maintenanceEntrySchema = z.strictObject({
  title: z.string().trim().min(1).max(200),
  description: z.string().max(5000).nullish(),
  type: z.enum(WINDOW_TYPES).optional(),
  monitors: z.array(z.string().min(1)).nullish(),
  start: isoTimeSchema,
  end: isoTimeSchema.nullish(),
  recurrence: recurrenceInputSchema.nullish(),
});

/** The whole file: every section optional, unknown top-level keys are errors. */
export const configDocumentSchema = z.strictObject({
  version: z.literal(1).optional(),
  channels: z.array(channelEntrySchema).nullish(),
  monitors: z.array(monitorEntrySchema).nullish(),
  maintenance: z.array(maintenanceEntrySchema).nullish(),
});

export type ChannelEntry = z.input<typeof channelEntrySchema>;
export type MaintenanceEntry = z.input<typeof maintenanceEntrySchema>;
/** A config document as written (YAML or JSON). */
export type ConfigDocument = z.input<typeof configDocumentSchema>;
