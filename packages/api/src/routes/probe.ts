import { createHash } from "node:crypto";
import { Router, type Request, type RequestHandler, type Response } from "express";
import {
  checkReportFromWire,
  clusterGuard,
  NODE_HEADER,
  registerRequestSchema,
  resultsRequestSchema,
  type AssignmentsResponse,
  type RegisterResponse,
  type ResultsResponse,
} from "@uptop/cluster-protocol";
import {
  ValidationError,
  VERSION,
  type CheckReport,
  type LiveEventSink,
  type Monitor,
  type SecretBox,
} from "@uptop/core";
import { getNode, listMonitors, monitorsVersion, seeNode, touchNode, type Db } from "@uptop/store";
import type { z } from "zod";
import { errorBody } from "../errors.js";

/** What the probe routes need from a running engine, and nothing more. */
export interface ProbeIngest {
  /** Stores the batch before it is acknowledged; `stored` is the rows inserted, null when queued. */
  ingestDurably(nodeId: string, region: string, results: readonly CheckReport[]): Promise<{ stored: number | null }>;
}

export interface ProbeRoutesDeps {
  db: Db;
  box: SecretBox;
  secret: string | null;
  /** The running engine, or null while this node is standby: the routes then answer 503. */
  getEngine: () => ProbeIngest | null;
  epoch: () => number;
  /** This node's id, told to probes as the leader they registered with. */
  leaderId: string;
  /** The live event stream: a `node` event when a probe registers. */
  events?: LiveEventSink;
  now?: () => Date;
}

const NOT_PROBED = new Set(["push", "group"]);

/** Monitors a node of `region` must check: not paused, not push/group, regions empty or including it. */
export function assignedTo(monitors: readonly Monitor[], region: string): Monitor[] {
  return monitors.filter(
    (m) => !m.paused && !NOT_PROBED.has(m.type) && (m.regions.length === 0 || m.regions.includes(region)),
  );
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({ field: i.path.join(".") || "(body)", message: i.message }));
  const first = issues[0]!;
  throw new ValidationError(`${first.field}: ${first.message}`, issues);
}

function unknownNode(res: Response, id: string): void {
  res
    .status(404)
    .json(errorBody("UNKNOWN_NODE", `node "${id}" is not registered here; register first (POST /api/probe/register)`));
}

/**
 * The leader's side of the probe protocol, behind the cluster secret: register, assignments
 * (with an ETag), and result batches handed to the engine. A standby node answers 503 so a
 * probe moves along its list of peers to whichever node is serving.
 */
export function probeRouter(deps: ProbeRoutesDeps): Router {
  const { db, box } = deps;
  const now = deps.now ?? (() => new Date());
  const r = Router();
  // Assignments are recomputed only when the monitor set changes, however many probes ask.
  let cache: { version: string; monitors: Monitor[] } | null = null;

  const standby: RequestHandler = (_req, res, next) => {
    if (deps.getEngine()) return next();
    res
      .status(503)
      .json(errorBody("STANDBY", "this node is not serving (standby); send probe traffic to the active leader"));
  };
  r.use("/api/probe", ...clusterGuard(deps.secret), standby);

  r.post("/api/probe/register", async (req, res) => {
    const body = parse(registerRequestSchema, req.body);
    const at = now();
    await touchNode(
      db,
      { id: body.nodeId, name: body.name, region: body.region, version: body.version, role: body.role },
      at,
    );
    deps.events?.publish({
      type: "node",
      at: at.toISOString(),
      nodeId: body.nodeId,
      name: body.name,
      region: body.region,
      role: body.role,
      status: "online",
    });
    const answer: RegisterResponse = {
      epoch: deps.epoch(),
      leaderId: deps.leaderId,
      version: VERSION,
      assignmentsUrl: "/api/probe/assignments",
    };
    res.json(answer);
  });

  r.get("/api/probe/assignments", async (req: Request, res) => {
    const nodeId = req.get(NODE_HEADER);
    if (!nodeId)
      throw new ValidationError(`${NODE_HEADER}: header is required`, [
        { field: NODE_HEADER, message: "header is required" },
      ]);
    const node = await getNode(db, nodeId, now());
    if (!node) return unknownNode(res, nodeId);
    const version = await monitorsVersion(db);
    if (cache?.version !== version) cache = { version, monitors: await listMonitors(db, box) };
    const monitors = assignedTo(cache.monitors, node.region);
    const epoch = deps.epoch();
    // The epoch is part of the tag: a new leader term makes every probe re-read its set.
    const etag = `"${createHash("sha256").update(JSON.stringify(monitors)).update(`|${epoch}`).digest("base64url").slice(0, 32)}"`;
    res.setHeader("ETag", etag);
    res.setHeader("Cache-Control", "no-cache");
    if (req.get("if-none-match") === etag) {
      res.status(304).end();
      return;
    }
    // Monitor is AssignmentsResponse's monitor minus the index signature the loose schema adds.
    const body: Omit<AssignmentsResponse, "monitors"> & { monitors: Monitor[] } = { etag, epoch, monitors };
    res.json(body);
  });

  r.post("/api/probe/results", async (req, res) => {
    const body = parse(resultsRequestSchema, req.body);
    const engine = deps.getEngine();
    if (!engine) {
      res
        .status(503)
        .json(errorBody("STANDBY", "this node is not serving (standby); send probe traffic to the active leader"));
      return;
    }
    const node = await seeNode(db, body.nodeId, now());
    if (!node) return unknownNode(res, body.nodeId);
    const { stored } = await engine.ingestDurably(body.nodeId, node.region, body.results.map(checkReportFromWire));
    // Replays (the probe resending a batch it never saw acknowledged) are the rows not inserted.
    const answer: ResultsResponse = {
      accepted: body.results.length,
      duplicates: stored === null ? 0 : body.results.length - stored,
      epoch: deps.epoch(),
    };
    res.json(answer);
  });

  return r;
}
