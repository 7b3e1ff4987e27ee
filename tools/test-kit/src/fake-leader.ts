import { createServer, type Server } from "node:http";
import express from "express";
import {
  clusterGuard,
  registerRequestSchema,
  resultsRequestSchema,
  witnessReportSchema,
  NODE_HEADER,
  type AssignedMonitor,
  type ResultItem,
  type WitnessReport,
} from "@uptop/cluster-protocol";
import { closeServer, listenOnLoopback } from "./loopback-server.js";

/**
 * A stand-in for the leader's cluster routes, built from the same schemas and guard the real
 * leader uses, with switches to make it unavailable: what a probe is tested against. It also
 * answers `/api/health` and takes witness reports, so a second one stands in for a follower.
 */
export class FakeLeader {
  readonly registrations: string[] = [];
  /** Nodes registered since `known` was last cleared; others get 404, as from a restarted leader. */
  readonly known = new Set<string>();
  readonly assignmentStatuses: number[] = [];
  readonly results: ResultItem[] = [];
  readonly batchSizes: number[] = [];
  resultsStatus = 200;
  monitors: AssignedMonitor[] = [];
  etag = '"1"';
  /** Health answers to give, one per call, before falling back to `healthy`. */
  readonly healthScript: boolean[] = [];
  healthy = true;
  /** Each health call and whether it was answered as a live leader. */
  readonly healthCalls: boolean[] = [];
  readonly witnessReports: WitnessReport[] = [];
  private server: Server | null = null;

  constructor(readonly secret: string) {}

  async listen(port = 0): Promise<number> {
    const app = express();
    app.use(express.json({ limit: "1mb" }));
    app.get("/api/health", (_req, res) => {
      const live = this.healthScript.shift() ?? this.healthy;
      this.healthCalls.push(live);
      const body = { role: "leader", state: "active", nodeId: "fake-leader", epoch: 1, version: "1.0.0" };
      res.status(live ? 200 : 503).json({ ...body, status: live ? "ok" : "unavailable" });
    });
    app.use("/api/cluster", ...clusterGuard(this.secret));
    app.post("/api/cluster/witness", (req, res) => {
      this.witnessReports.push(witnessReportSchema.parse(req.body));
      res.json({ accepted: true });
    });
    app.use("/api/probe", ...clusterGuard(this.secret));
    app.post("/api/probe/register", (req, res) => {
      const body = registerRequestSchema.parse(req.body);
      this.registrations.push(body.nodeId);
      this.known.add(body.nodeId);
      res.json({ epoch: 1, leaderId: "fake-leader", version: "1.0.0" });
    });
    app.get("/api/probe/assignments", (req, res) => {
      if (!req.get(NODE_HEADER) || typeof req.query.region !== "string") {
        const message = "node header and region are required";
        res.status(400).json({ error: { code: "VALIDATION", message } });
        return;
      }
      if (!this.known.has(req.get(NODE_HEADER) as string)) {
        res.status(404).json({ error: { code: "NOT_FOUND", message: "unknown node" } });
        return;
      }
      if (req.get("If-None-Match") === this.etag) {
        this.assignmentStatuses.push(304);
        res.status(304).end();
        return;
      }
      this.assignmentStatuses.push(200);
      res.setHeader("ETag", this.etag);
      res.json({ etag: this.etag, epoch: 1, monitors: this.monitors });
    });
    app.post("/api/probe/results", (req, res) => {
      if (this.resultsStatus !== 200) {
        res.status(this.resultsStatus).json({ error: { code: "UNAVAILABLE", message: "not serving" } });
        return;
      }
      const body = resultsRequestSchema.parse(req.body);
      this.results.push(...body.results);
      this.batchSizes.push(body.results.length);
      res.json({ accepted: body.results.length, duplicates: 0, epoch: 1 });
    });
    const server = createServer(app);
    this.server = server;
    return listenOnLoopback(server, port);
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await closeServer(server);
  }
}
