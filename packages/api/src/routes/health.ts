import { Router } from "express";
import { VERSION } from "@uptop/core";
import type { NodeRuntime } from "../node-runtime.js";

/**
 * 200 while this node serves (a standby follower answers 200 with state "standby" — it is
 * healthy, just not active); 503 when something it needs is down.
 */
export function healthRouter(node: NodeRuntime): Router {
  const r = Router();
  r.get("/api/health", (_req, res) => {
    const details = node.healthDetails?.() ?? {};
    const { degraded, unavailable, ...rest } = details;
    const body = {
      status: unavailable ? "unavailable" : degraded ? "degraded" : "ok",
      role: node.role,
      state: node.state(),
      nodeId: node.nodeId,
      epoch: node.epoch(),
      version: VERSION,
      ...rest,
    };
    res.status(unavailable ? 503 : 200).json(body);
  });
  return r;
}
