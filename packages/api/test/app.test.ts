import http from "node:http";
import { Router } from "express";
import { healthRouter, readinessRouter, type NodeRuntime } from "../src/index.js";
import { startTestServer, type TestServer } from "./helpers.js";

// The app shell every serving node runs: open routes, security headers, and the admin token
// in front of everything else under /api.
let t: TestServer;
beforeAll(async () => {
  const node: NodeRuntime = {
    role: "leader",
    nodeId: "leader",
    state: () => "active",
    epoch: () => 1,
    healthDetails: () => ({ writeBacklog: 0 }),
  };
  const monitors = Router().get("/api/monitors", (_req, res) => {
    res.json([]);
  });
  t = await startTestServer({ health: [healthRouter(node), readinessRouter(node)], admin: [monitors] });
});
afterAll(async () => {
  await t?.close();
});

describe("health", () => {
  it("answers without auth in the documented shape with security headers", async () => {
    const res = await t.api("/api/health", { token: null });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: "ok",
      role: "leader",
      state: "active",
      nodeId: "leader",
      epoch: 1,
      version: "1.0.0",
      writeBacklog: 0,
    });
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(res.headers.get("strict-transport-security")).toBeNull();
    expect(res.headers.get("x-powered-by")).toBeNull();
  });
});

/**
 * A GET with a body (fetch refuses to send one) on a connection of its own: the server may drop
 * a connection whose body it never read, which a reused one would see as a hang-up.
 */
function getWithBody(path: string, headers: Record<string, string>, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${t.url}${path}`,
      // A GET is not chunked by default: without a length the body would not be framed as one.
      { method: "GET", headers: { ...headers, "content-length": String(body.length) }, agent: false },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

describe("health and readiness ahead of everything else", () => {
  // Nothing that parses, limits or queues runs before them: a body no parser would take
  // (malformed JSON, over every route's limit) is never read, let alone refused.
  it.each([
    ["malformed JSON", { "content-type": "application/json" }, Buffer.from("{not json")],
    ["a body over the limit", { "content-type": "application/octet-stream" }, Buffer.alloc(2 * 1024 * 1024)],
  ])("answers with %s in the request", async (...[, headers, body]) => {
    expect(await getWithBody("/api/health", headers, body)).toBe(200);
    expect(await getWithBody("/api/ready", headers, body)).toBe(200);
  });
});

describe("admin auth", () => {
  it.each([
    ["no header", null, undefined],
    ["wrong token", "not-the-token-at-all", undefined],
    ["basic scheme", null, "Basic dXNlcjpwYXNz"],
    ["empty bearer", null, "Bearer "],
  ])("refuses %s with 401", async (_name, token, header) => {
    const res = await t.api("/api/monitors", { token, headers: header ? { authorization: header } : {} });
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe("UNAUTHORIZED");
  });

  it("lets the admin token through", async () => {
    expect((await t.api("/api/monitors")).status).toBe(200);
  });

  it("does not reveal unknown routes without a token", async () => {
    expect((await t.api("/api/nothing-here", { token: null })).status).toBe(401);
    expect((await t.api("/api/nothing-here")).status).toBe(404);
  });
});

describe("rate limits", () => {
  it("gives witness reports the probes' budget, and leaves the cluster budget to other cluster calls", async () => {
    const cluster = Router()
      .post("/api/cluster/witness", (_req, res) => {
        res.json({ accepted: true });
      })
      .get("/api/cluster/config", (_req, res) => {
        res.json({});
      });
    const secret = "rate-limit-test-secret-0123456789";
    const s = await startTestServer({ cluster: [cluster] }, { UPTOP_CLUSTER_SECRET: secret });
    try {
      const statuses = async (n: number, path: string, init: { method?: string } = {}) => {
        const seen = new Set<number>();
        const headers = { "x-uptop-secret": secret, "content-type": "application/json" };
        for (let i = 0; i < n; i++) seen.add((await s.api(path, { ...init, token: null, headers })).status);
        return [...seen];
      };
      // 700 a minute: 23 probes behind one address, reporting every 2 s.
      expect(await statuses(700, "/api/cluster/witness", { method: "POST" })).toEqual([200]);
      expect(await statuses(600, "/api/cluster/config")).toEqual([200]);
      expect(await statuses(1, "/api/cluster/config")).toEqual([429]);
    } finally {
      await s.close();
    }
  });
});
