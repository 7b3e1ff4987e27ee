import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, SecretBox } from "@uptop/core";
import { openAndMigrate, type Store } from "@uptop/store";
import { ADMIN_TOKEN, createTempDatabase, quietLogger, type TempDatabase } from "@uptop/test-kit";
import { EpochHolder, ServingNode } from "../src/index.js";

const POOL_MAX = 2;

let temp: TempDatabase;
let store: Store;
const nodes: ServingNode[] = [];

beforeAll(async () => {
  temp = await createTempDatabase("uptop_serving_ready");
  store = await openAndMigrate({ type: "postgres", dsn: temp.dsn, poolMax: POOL_MAX });
}, 60_000);

afterAll(async () => {
  for (const n of nodes) await n.stop();
  await store?.close();
  await temp?.drop();
});

/** A serving node on the shared database and a random loopback port, not yet active. */
async function startNode(role: "leader" | "follower", awaitingHandback?: () => boolean) {
  const config = loadConfig({
    UPTOP_DB_TYPE: "postgres",
    UPTOP_DB_DSN: temp.dsn,
    UPTOP_DATA_DIR: mkdtempSync(join(tmpdir(), "uptop-serving-")),
    UPTOP_HTTP_HOST: "127.0.0.1",
    UPTOP_HTTP_PORT: "0",
    UPTOP_API_TOKEN: ADMIN_TOKEN,
    UPTOP_LOG_LEVEL: "error",
  });
  const epoch = new EpochHolder(store.db, `${role}-1`);
  await epoch.load();
  const node = new ServingNode({
    config,
    logger: quietLogger(),
    store,
    box: new SecretBox(null),
    apiToken: ADMIN_TOKEN,
    role,
    epoch,
    healthDetails: () => (awaitingHandback?.() ? { awaitingHandback: true } : {}),
  });
  nodes.push(node);
  const port = await node.listen();
  const get = async (path: string) => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  return { node, get };
}

describe("readiness of a serving node", () => {
  it("a follower is not ready on standby, ready once it takes over, not ready after standing down", async () => {
    const { node, get } = await startNode("follower");
    expect(await get("/api/ready")).toEqual({
      status: 503,
      body: { ready: false, role: "follower", state: "standby", reason: "standby" },
    });
    expect((await get("/api/health")).status).toBe(200);

    await node.activate("test take-over");
    expect(await get("/api/ready")).toEqual({ status: 200, body: { ready: true, role: "follower", state: "active" } });

    await node.deactivate("test stand-down");
    expect((await get("/api/ready")).status).toBe(503);
  });

  it("reports its own checking in /api/health while active: in flight, queued, skipped and lag", async () => {
    const { node, get } = await startNode("follower");
    expect((await get("/api/health")).body.scheduler).toBeUndefined();
    await node.activate("test take-over");
    expect((await get("/api/health")).body.scheduler).toEqual({
      items: 0,
      inFlight: 0,
      queued: 0,
      skipped: 0,
      lagMs: 0,
    });
    await node.deactivate("test stand-down");
    expect((await get("/api/health")).body.scheduler).toBeUndefined();
  });

  it("a returning leader is not ready while it waits for the hand-back, and ready once its engine runs", async () => {
    let waiting = true;
    const { node, get } = await startNode("leader", () => waiting);
    expect(await get("/api/ready")).toMatchObject({
      status: 503,
      body: { ready: false, role: "leader", reason: "awaiting the follower's hand-back" },
    });
    waiting = false;
    await node.activate("test hand-back");
    expect(await get("/api/ready")).toEqual({ status: 200, body: { ready: true, role: "leader", state: "active" } });
    await node.deactivate("test");
  });

  it("answers health and readiness from memory while every pooled database connection is taken", async () => {
    const { node, get } = await startNode("leader");
    await node.activate("test");
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    const holders = Array.from({ length: POOL_MAX }, () =>
      store.db.transaction().execute(async (tx) => {
        await tx.selectNoFrom((eb) => eb.val(1).as("one")).execute();
        await held;
      }),
    );
    try {
      // Proof the pool is exhausted: a query now waits for a connection.
      let queried = false;
      const waiting = store.db
        .selectNoFrom((eb) => eb.val(1).as("one"))
        .execute()
        .then(() => (queried = true));
      const [health, ready] = await Promise.all([get("/api/health"), get("/api/ready")]);
      expect(health).toMatchObject({ status: 200, body: { status: "ok", state: "active" } });
      expect(ready).toEqual({ status: 200, body: { ready: true, role: "leader", state: "active" } });
      expect(queried).toBe(false);
      release();
      await Promise.all([...holders, waiting]);
    } finally {
      release();
    }
    await node.deactivate("test");
  });
});
