import { z } from "zod";

/** `incident` windows are informational: shown on the status page, never suppressing alerts or SLA. */
export const WINDOW_TYPES = ["maintenance", "incident"] as const;
export type WindowType = (typeof WINDOW_TYPES)[number];

const FREQUENCIES = ["daily", "weekly"] as const;

/**
 * A recurring window: an occurrence at `startTime` (HH:MM, UTC) each day, or on `daysOfWeek`
 * (0 = Sunday) for weekly, lasting `durationMinutes`. Shape only, as a reader takes it.
 */
export const recurrenceSchema = z.object({
  frequency: z.enum(FREQUENCIES),
  daysOfWeek: z.array(z.number().int()).optional(),
  startTime: z.string(),
  durationMinutes: z.number(),
});
export type Recurrence = z.infer<typeof recurrenceSchema>;

/** What the API and config as code accept for `recurrence`: the same fields, with their rules. */
export const recurrenceInputSchema = z.strictObject({
  frequency: z.enum(FREQUENCIES),
  daysOfWeek: z.array(z.number().int().min(0).max(6)).max(7).optional(),
  startTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM (UTC), like 02:30"),
  durationMinutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60),
});

/**
 * A maintenance or incident window as stored, naming its monitors by id (null = every monitor).
 * Shape only, like `monitorSchema`: a follower must not refuse a mirror over a window's details.
 */
export const maintenanceWindowSchema = z.object({
  id: z.number().int(),
  title: z.string(),
  description: z.string().nullable(),
  type: z.enum(WINDOW_TYPES),
  monitorIds: z.array(z.number().int()).nullable(),
  startAt: z.string(),
  endAt: z.string().nullable(),
  recurrence: recurrenceSchema.nullable(),
  createdBy: z.string().nullable(),
});
export type MaintenanceWindowRecord = z.infer<typeof maintenanceWindowSchema>;
