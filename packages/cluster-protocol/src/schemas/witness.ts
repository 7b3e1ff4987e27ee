import { z } from "zod";
import { nodeIdSchema } from "./register.js";

/**
 * `POST /api/cluster/witness`, from a probe to every peer after the leader in its list: what
 * the probe last knew of the leader. The follower takes over only when most probes agree the
 * leader is gone, so a cut between leader and follower alone moves nothing.
 */
export const witnessReportSchema = z.object({
  nodeId: nodeIdSchema,
  region: nodeIdSchema,
  /** The leader as this probe reaches it (not necessarily the URL the follower uses). */
  leaderUrl: z.string().min(1).max(2048),
  /** The probe's last successful answer from the leader, by the probe's clock; null if never. */
  lastLeaderContact: z.iso.datetime({ offset: true }).nullable(),
  /** False after consecutive failed heartbeats, or while the probe has never reached the leader. */
  leaderReachable: z.boolean(),
});
export type WitnessReport = z.infer<typeof witnessReportSchema>;

export const witnessResponseSchema = z.looseObject({ accepted: z.literal(true) });
export type WitnessResponse = z.infer<typeof witnessResponseSchema>;
