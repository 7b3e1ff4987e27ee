import { Router } from "express";
import { Counter, Registry } from "prom-client";
import { addUserToken, createUser, type Db } from "@uptop/store";
import { ADMIN_TOKEN } from "@uptop/test-kit";
import { CallerAuth, hashUserToken, metricsRouter, mintUserToken } from "../src/index.js";
import { openTestDb, startTestServer, type TestDb, type TestServer } from "./helpers.js";

const SCRAPE_TOKEN = "scrape-only-token-0123456789";

describe("the scrape-only token (UPTOP_METRICS_TOKEN)", () => {
  let t: TestDb;
  let db: Db;
  let server: TestServer;
  let viewerToken = "";

  beforeAll(async () => {
    t = await openTestDb("sqlite", "uptop_metrics_token");
    db = t.store.db;
    const viewer = await createUser(db, { name: "grafana", role: "viewer" });
    viewerToken = mintUserToken();
    await addUserToken(db, viewer.id, "scrape", hashUserToken(viewerToken));

    const registry = new Registry();
    new Counter({ name: "uptop_test_scrapes_total", help: "A series to find in the scrape", registers: [registry] });
    // Stand-ins for the rest of the user API, so a refusal there is the gate's and not a 404.
    const api = Router();
    api.get("/api/monitors", (_req, res) => res.json([]));
    api.post("/api/monitors", (_req, res) => res.status(201).json({}));
    server = await startTestServer(
      { admin: [metricsRouter(registry), api] },
      { UPTOP_METRICS_TOKEN: SCRAPE_TOKEN },
      new CallerAuth({ apiToken: ADMIN_TOKEN, db }),
    );
  });
  afterAll(async () => {
    await server?.close();
    await t?.close();
  });

  const call = (method: string, path: string, token: string | null) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: token === null ? {} : { authorization: `Bearer ${token}` },
    });

  it("reads /metrics", async () => {
    const res = await call("GET", "/metrics", SCRAPE_TOKEN);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await res.text()).toContain("uptop_test_scrapes_total 0");
    expect((await call("HEAD", "/metrics", SCRAPE_TOKEN)).status).toBe(200);
  });

  // biome-ignore format: a table reads best one case per line
  it.each([
    ["GET", "/api/monitors"],
    ["POST", "/api/monitors"],
    ["POST", "/metrics"],
    ["GET", "/api/users"],
  ])("is refused on %s %s, as an unknown token", async (method, path) => {
    const res = await call(method, path, SCRAPE_TOKEN);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("UNAUTHORIZED");
  });

  it("leaves the admin token and a viewer's token working on /metrics, and no token refused", async () => {
    expect((await call("GET", "/metrics", ADMIN_TOKEN)).status).toBe(200);
    expect((await call("GET", "/api/monitors", ADMIN_TOKEN)).status).toBe(200);
    expect((await call("GET", "/metrics", viewerToken)).status).toBe(200);
    expect((await call("GET", "/metrics", null)).status).toBe(401);
    expect((await call("GET", "/metrics", `${SCRAPE_TOKEN}x`)).status).toBe(401);
  });
});
