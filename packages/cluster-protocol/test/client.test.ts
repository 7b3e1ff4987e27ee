import express from "express";
import {
  ClusterClient,
  ClusterRequestError,
  ClusterUnavailableError,
  clusterGuard,
  handbackSchema,
  openPayload,
  registerRequestSchema,
  resultsRequestSchema,
  sealPayload,
  witnessReportSchema,
  NODE_HEADER,
  type Handback,
  type WitnessReport,
} from "../src/index.js";
import { deadUrl, listen, monitor, SECRET, type Running } from "./fixtures.js";

interface Peer extends Running {
  /** Calls that passed the guard. */
  hits: string[];
  /** Every call, before the guard. */
  calls: string[];
}

/** A peer that answers 503 to its first `unavailable` calls, then like a leader would. */
async function peer(unavailable = 0, secret: string | null = SECRET): Promise<Peer> {
  const hits: string[] = [];
  const calls: string[] = [];
  let left = unavailable;
  const app = express();
  app.use(express.json());
  app.use((req, _res, next) => {
    calls.push(`${req.method} ${req.path}`);
    next();
  });
  app.get("/api/health", (_req, res) => {
    res.json({ status: "ok", role: "leader", state: "active", nodeId: "leader", epoch: 1, version: "1.0.0" });
  });
  app.use("/api", ...clusterGuard(secret));
  app.use((req, res, next) => {
    hits.push(`${req.method} ${req.path}`);
    if (left > 0) {
      left--;
      res.status(503).json({ error: { code: "UNAVAILABLE", message: "standby" } });
      return;
    }
    next();
  });
  app.post("/api/probe/register", (req, res) => {
    const body = registerRequestSchema.parse(req.body);
    res.json({ epoch: 1, leaderId: "leader", version: "1.0.0", echo: body.nodeId });
  });
  app.get("/api/probe/assignments", (req, res) => {
    if (req.get(NODE_HEADER) !== "probe-eu-1" || req.query.region !== "eu-west") {
      res.status(400).json({ error: { code: "VALIDATION", message: "bad node or region" } });
      return;
    }
    if (req.get("If-None-Match") === '"v1"') {
      res.status(304).end();
      return;
    }
    res.setHeader("ETag", '"v1"');
    res.json({ etag: '"v1"', epoch: 1, monitors: [monitor()] });
  });
  app.post("/api/probe/results", (req, res) => {
    const body = resultsRequestSchema.parse(req.body);
    res.json({ accepted: body.results.length, duplicates: 0, epoch: 1 });
  });
  app.get("/api/cluster/config", (_req, res) => {
    res.json({
      sealed: sealPayload(SECRET, {
        epoch: 1,
        exportedAt: new Date().toISOString(),
        monitors: [monitor()],
        channels: [],
        maintenance: [],
      }),
    });
  });
  app.post("/api/cluster/witness", (req, res) => {
    witnessReportSchema.parse(req.body);
    res.json({ accepted: true });
  });
  app.post("/api/cluster/handback", (req, res) => {
    const hb = openPayload(SECRET, String(req.body.sealed), handbackSchema);
    res.json({
      stateChanges: hb.stateChanges.length,
      notifications: hb.notifications.length,
      rollups: hb.rollups.length,
    });
  });
  const running = await listen(app);
  return { ...running, hits, calls };
}

function client(peerUrls: string[], secret: string | null = SECRET): ClusterClient {
  return new ClusterClient({
    peerUrls,
    secret,
    nodeId: "probe-eu-1",
    region: "eu-west",
    timeoutMs: 3000,
    backoffBaseMs: 10,
    backoffMaxMs: 50,
  });
}

describe("ClusterClient", () => {
  const servers: Running[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it("fails over past a dead peer and retries a standby's 503 until it answers", async () => {
    const dead = await deadUrl();
    const follower = await peer(2);
    servers.push(follower);
    const c = new ClusterClient({
      peerUrls: [dead, follower.url],
      secret: SECRET,
      nodeId: "probe-eu-1",
      region: "eu-west",
      maxAttempts: 8,
      backoffBaseMs: 10,
      backoffMaxMs: 50,
    });
    const reg = await c.register();
    expect(reg).toMatchObject({ epoch: 1, leaderId: "leader" });
    expect(follower.hits.filter((h) => h === "POST /api/probe/register")).toHaveLength(3);
    expect(c.currentPeer).toBe(follower.url);
  });

  it("sticks to the peer that answered last", async () => {
    const dead = await deadUrl();
    const leader = await peer();
    servers.push(leader);
    const c = client([dead, leader.url]);
    await c.register();
    await c.postResults([]);
    await c.postResults([]);
    expect(c.currentPeer).toBe(leader.url);
    expect(leader.hits).toEqual(["POST /api/probe/register", "POST /api/probe/results", "POST /api/probe/results"]);
  });

  it("gives up with ClusterUnavailableError listing the attempts when no peer answers", async () => {
    const c = new ClusterClient({
      peerUrls: [await deadUrl(), await deadUrl()],
      secret: SECRET,
      nodeId: "p",
      maxAttempts: 4,
      backoffBaseMs: 5,
      backoffMaxMs: 10,
    });
    const err = await c.register().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterUnavailableError);
    expect((err as ClusterUnavailableError).attempts).toHaveLength(4);
  });

  it("does not retry a 401 and surfaces the server's message", async () => {
    const leader = await peer();
    servers.push(leader);
    const err = await client([leader.url], "a-wrong-but-long-secret-xyz")
      .register()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterRequestError);
    expect((err as ClusterRequestError).status).toBe(401);
    expect((err as ClusterRequestError).message).toMatch(/missing or wrong cluster secret/);
    expect(leader.calls).toEqual(["POST /api/probe/register"]);
  });

  it("does not retry a 400", async () => {
    const leader = await peer();
    servers.push(leader);
    const c = new ClusterClient({ peerUrls: [leader.url], secret: SECRET, nodeId: "probe-us-1", region: "us-east" });
    const err = await c.assignments().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterRequestError);
    expect((err as ClusterRequestError).code).toBe("VALIDATION");
    expect(leader.hits).toHaveLength(1);
  });

  it("fetches assignments with the node header and region, then gets 304 for the same ETag", async () => {
    const leader = await peer();
    servers.push(leader);
    const c = client([leader.url]);
    const first = await c.assignments();
    expect(first.notModified).toBe(false);
    if (first.notModified) return;
    expect(first.etag).toBe('"v1"');
    expect(first.body.monitors[0]?.auth).toEqual({ type: "bearer", token: "tok-123" });
    expect(await c.assignments(first.etag)).toEqual({ notModified: true });
  });

  it("posts results and reads the counts", async () => {
    const leader = await peer();
    servers.push(leader);
    const res = await client([leader.url]).postResults([
      {
        monitorId: 7,
        slot: "2030-01-01T00:00:30.000Z",
        checkedAt: "2030-01-01T00:00:30.100Z",
        ok: true,
        latencyMs: 100,
        statusCode: 200,
        error: null,
      },
    ]);
    expect(res).toEqual({ accepted: 1, duplicates: 0, epoch: 1 });
  });

  it("reads health of a given URL without the secret and fails fast on a dead one", async () => {
    const leader = await peer();
    servers.push(leader);
    const c = client([leader.url]);
    expect(await c.health()).toMatchObject({ status: "ok", role: "leader" });
    await expect(c.health(await deadUrl())).rejects.toBeInstanceOf(ClusterUnavailableError);
  });

  it("opens the sealed config mirror and seals a handback", async () => {
    const leader = await peer();
    servers.push(leader);
    const c = client([leader.url]);
    const mirror = await c.getConfig();
    expect(mirror.monitors[0]?.name).toBe("checkout-api");
    const hb: Handback = {
      nodeId: "follower",
      epoch: 2,
      from: "2030-01-01T00:00:00.000Z",
      to: "2030-01-01T00:05:00.000Z",
      stateChanges: [],
      notifications: [],
      rollups: [],
    };
    expect(await c.handback(hb)).toEqual({ stateChanges: 0, notifications: 0, rollups: 0 });
  });

  it("tells onAnswer which peer answered, and only for answers", async () => {
    const dead = await deadUrl();
    const follower = await peer(1);
    servers.push(follower);
    const answered: string[] = [];
    const c = new ClusterClient({
      peerUrls: [dead, follower.url],
      secret: SECRET,
      nodeId: "probe-eu-1",
      maxAttempts: 6,
      backoffBaseMs: 10,
      backoffMaxMs: 50,
      onAnswer: (url) => answered.push(url),
    });
    await c.register();
    // The dead peer and the standby's 503 told nothing; the one 200 did.
    expect(answered).toEqual([follower.url]);
  });

  it("posts a witness report to the named peer once, leaving the peer it sticks to alone", async () => {
    const leader = await peer();
    const follower = await peer();
    servers.push(leader, follower);
    const c = client([leader.url, follower.url]);
    const report: WitnessReport = {
      nodeId: "probe-eu-1",
      region: "eu-west",
      leaderUrl: leader.url,
      lastLeaderContact: null,
      leaderReachable: false,
    };
    expect(await c.reportWitness(`${follower.url}/`, report)).toEqual({ accepted: true });
    expect(follower.hits).toEqual(["POST /api/cluster/witness"]);
    expect(leader.calls).toEqual([]);
    expect(c.currentPeer).toBe(leader.url);

    const dead = await deadUrl();
    const err = await c.reportWitness(dead, report).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterUnavailableError);
    expect((err as ClusterUnavailableError).attempts).toHaveLength(1);
    expect(leader.calls).toEqual([]);
  });
});
