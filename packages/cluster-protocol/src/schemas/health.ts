import { ROLES } from "@uptop/core";
import { z } from "zod";

/** `GET /api/health` on every node; loose so each role can add its own fields (buffer, backlog). */
export const healthResponseSchema = z.looseObject({
  status: z.enum(["ok", "degraded", "unavailable"]),
  role: z.enum(ROLES),
  state: z.enum(["active", "standby"]),
  nodeId: z.string(),
  epoch: z.number().int().min(0),
  version: z.string(),
  /** A restarted leader that knows a follower: it waits for the follower's hand-back. */
  awaitingHandback: z.boolean().optional(),
});
export type HealthResponse = z.infer<typeof healthResponseSchema>;

/**
 * A health answer that proves the leader alive: it calls itself the leader and is not shutting
 * down. A standby or draining node answering on the leader's address proves nothing.
 */
export function isLiveLeader(health: HealthResponse): boolean {
  return health.role === "leader" && health.status !== "unavailable";
}
