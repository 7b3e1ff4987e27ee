import { Router } from "express";
import { healthRouter, type NodeRuntime } from "../src/index.js";
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
  t = await startTestServer({ open: [healthRouter(node)], admin: [monitors] });
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
    const s = await startTestServer({ cluster: [cluster] });
    try {
      const statuses = async (n: number, path: string, init: { method?: string } = {}) => {
        const seen = new Set<number>();
        for (let i = 0; i < n; i++) seen.add((await s.api(path, { ...init, token: null })).status);
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
