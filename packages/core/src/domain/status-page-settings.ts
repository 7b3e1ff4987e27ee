import { z } from "zod";

export const STATUS_PAGE_TITLE_MAX = 200;
export const STATUS_PAGE_DESCRIPTION_MAX = 2000;

/**
 * What the public status page shows, as stored and as `GET /api/status-page/settings` answers.
 * `monitorIds` null: every monitor, as the page shows without settings. Shape only, like
 * `maintenanceWindowSchema`: a follower must not refuse a mirror over a detail.
 */
export const statusPageSettingsSchema = z.object({
  enabled: z.boolean(),
  title: z.string(),
  description: z.string().nullable(),
  monitorIds: z.array(z.number().int()).nullable(),
});
export type StatusPageSettings = z.infer<typeof statusPageSettingsSchema>;

/** What `PUT /api/status-page/settings` accepts: every field, with its rules. */
export const statusPageSettingsInputSchema = z.strictObject({
  enabled: z.boolean(),
  title: z.string().trim().min(1).max(STATUS_PAGE_TITLE_MAX),
  // An empty description is no description: the page then shows none.
  description: z
    .string()
    .trim()
    .max(STATUS_PAGE_DESCRIPTION_MAX)
    .nullable()
    .transform((d) => (d === "" ? null : d)),
  monitorIds: z.array(z.number().int().positive()).max(10_000).nullable(),
});
