import { Router } from "express";
import type { NodeRuntime } from "../node-runtime.js";

/** Why a node that answers health should still get no traffic; null when it should. */
function notReadyBecause(node: NodeRuntime): string | null {
  const details = node.healthDetails?.() ?? {};
  if (details.unavailable) return "shutting down";
  if (details.awaitingHandback === true) return "awaiting the follower's hand-back";
  return node.state() === "active" ? null : "standby";
}

/**
 * `GET /api/ready`: 200 only on the node that checks and alerts now (the leader once its engine
 * runs, a follower once it took over), 503 otherwise, so a load balancer or a Kubernetes Service
 * sends users to the active node. Liveness stays on /api/health: a standby is healthy, not ready.
 */
export function readinessRouter(node: NodeRuntime): Router {
  const r = Router();
  r.get("/api/ready", (_req, res) => {
    const reason = notReadyBecause(node);
    const body = { ready: reason === null, role: node.role, state: node.state() };
    res.setHeader("Cache-Control", "no-store");
    res.status(reason === null ? 200 : 503).json(reason === null ? body : { ...body, reason });
  });
  return r;
}
