import { monitorSchema } from "@uptop/core";
import type { z } from "zod";

/**
 * Core's Monitor as the wire carries it to probes and followers. Loose, so an older probe
 * accepts fields a newer leader adds.
 */
export const assignedMonitorSchema = monitorSchema.loose();
export type AssignedMonitor = z.infer<typeof assignedMonitorSchema>;
