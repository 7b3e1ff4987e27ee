import { healthRouter, readinessRouter, type NodeRuntime } from "../src/index.js";
import { startTestServer, type TestServer } from "./helpers.js";

type Details = ReturnType<NonNullable<NodeRuntime["healthDetails"]>>;

// One server whose node the table rewrites before each request.
const node = {
  role: "leader" as NodeRuntime["role"],
  state: "active" as "active" | "standby",
  details: {} as Details,
};
const runtime: NodeRuntime = {
  get role() {
    return node.role;
  },
  nodeId: "n1",
  state: () => node.state,
  epoch: () => 3,
  healthDetails: () => node.details,
};

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ health: [healthRouter(runtime), readinessRouter(runtime)] });
});
afterAll(async () => {
  await t?.close();
});

describe("GET /api/ready", () => {
  // biome-ignore format: a table reads best one case per line
  it.each<[string, NodeRuntime["role"], "active" | "standby", Details, number, Record<string, unknown>]>([
    ["the leader with its engine running", "leader", "active", {}, 200, { ready: true, role: "leader", state: "active" }],
    ["a follower that took over", "follower", "active", {}, 200, { ready: true, role: "follower", state: "active" }],
    ["an active node whose database writes fail (no better node to send users to)", "leader", "active", { degraded: true }, 200, { ready: true }],
    ["a standby follower", "follower", "standby", {}, 503, { ready: false, role: "follower", state: "standby", reason: "standby" }],
    ["a leader back before the follower's hand-back", "leader", "standby", { awaitingHandback: true }, 503, { ready: false, reason: "awaiting the follower's hand-back" }],
    ["a node shutting down", "leader", "active", { unavailable: true }, 503, { ready: false, reason: "shutting down" }],
  ])("answers %s", async (...[, role, state, details, status, body]) => {
    Object.assign(node, { role, state, details });
    const res = await t.api("/api/ready", { token: null });
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject(body);
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("leaves /api/health at 200 on a standby follower: it is alive, just not the one to route to", async () => {
    Object.assign(node, { role: "follower", state: "standby", details: {} });
    expect((await t.api("/api/ready", { token: null })).status).toBe(503);
    const health = await t.api("/api/health", { token: null });
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok", state: "standby" });
  });
});
