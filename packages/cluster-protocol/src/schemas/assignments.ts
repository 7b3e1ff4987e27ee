import { z } from "zod";
import { assignedMonitorSchema } from "./monitor.js";

/**
 * `GET /api/probe/assignments?region=<region>` with the node id in `X-Uptop-Node`, and
 * `If-None-Match: <etag>` to get a bodiless 304 when nothing changed.
 */
export const assignmentsQuerySchema = z.object({ region: z.string().min(1).max(63) });
export type AssignmentsQuery = z.infer<typeof assignmentsQuerySchema>;

export const assignmentsResponseSchema = z.looseObject({
  etag: z.string(),
  epoch: z.number().int().min(0),
  monitors: z.array(assignedMonitorSchema),
});
export type AssignmentsResponse = z.infer<typeof assignmentsResponseSchema>;
