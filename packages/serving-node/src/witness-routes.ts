import { Router } from "express";
import { ValidationError, zodIssues } from "@uptop/core";
import { clusterGuard, witnessReportSchema, type WitnessReport, type WitnessResponse } from "@uptop/cluster-protocol";

export interface WitnessRoutesDeps {
  secret: string | null;
  /** Called with each valid report as it arrives. */
  onReport(report: WitnessReport): void;
}

/**
 * The follower's ear for probes: `POST /api/cluster/witness`, answered standby and active alike,
 * because a probe reports whatever this node is doing and the take-over waits on those reports.
 */
export function witnessRouter(deps: WitnessRoutesDeps): Router {
  const r = Router();
  r.use("/api/cluster/witness", ...clusterGuard(deps.secret));
  r.post("/api/cluster/witness", (req, res) => {
    const parsed = witnessReportSchema.safeParse(req.body);
    if (!parsed.success) throw ValidationError.fromIssues(zodIssues(parsed.error), "invalid witness report");
    deps.onReport(parsed.data);
    const answer: WitnessResponse = { accepted: true };
    res.json(answer);
  });
  return r;
}
