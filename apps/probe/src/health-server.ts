import { VERSION } from "@uptop/core";
import express, { type Express } from "express";
import type { ResultBuffer } from "./buffer.js";
import type { LeaderWitnessView } from "./leader-witness.js";
import type { ProbeMetrics } from "./metrics.js";
import type { ProbeState } from "./probe-state.js";

export interface HealthServerOptions {
  nodeId: string;
  region: string;
  state: ProbeState;
  buffer: ResultBuffer;
  metrics: ProbeMetrics;
  scheduler(): { items: number; inFlight: number; queued: number; skipped: number };
  /** What this probe tells the followers about the leader. */
  witness(): LeaderWitnessView;
}

/**
 * The probe's own port, for orchestrators and Prometheus: it answers whether or not the leader
 * is reachable, because a probe cut off from its leader is still doing its job (buffering).
 */
export function createHealthApp(options: HealthServerOptions): Express {
  const app = express();
  app.disable("x-powered-by");
  app.get("/api/health", (_req, res) => {
    const { state, buffer } = options;
    res.json({
      status: state.registered && state.leaderReachable && !state.postFailing ? "ok" : "degraded",
      role: "probe",
      state: "active",
      nodeId: options.nodeId,
      region: options.region,
      epoch: state.epoch,
      version: VERSION,
      leader: {
        url: state.leaderUrl,
        reachable: state.leaderReachable,
        registered: state.registered,
        postFailing: state.postFailing,
      },
      lastSyncAt: state.lastSyncAt,
      lastPostAt: state.lastPostAt,
      monitors: state.monitors,
      buffer: { size: buffer.size, limit: buffer.limit, dropped: buffer.dropped },
      scheduler: options.scheduler(),
      witness: options.witness(),
    });
  });
  app.get("/metrics", async (_req, res) => {
    res.setHeader("Content-Type", options.metrics.registry.contentType);
    res.send(await options.metrics.registry.metrics());
  });
  app.use((_req, res) => {
    res.status(404).json({ error: { code: "NOT_FOUND", message: "not found", details: null } });
  });
  return app;
}
