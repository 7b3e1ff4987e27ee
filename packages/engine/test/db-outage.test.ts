import { openAndMigrate, type Store } from "@uptop/store";
import { createTempDatabase, HttpTarget as Target, TcpProxy, type TempDatabase } from "@uptop/test-kit";
import { EngineMetrics, type Engine } from "../src/index.js";
import {
  addMonitor,
  addWebhookChannel,
  changesOf,
  draft,
  notificationsOf,
  startEngine,
  statusOf,
  waitFor,
} from "./harness.js";

// The engine reaches a real Postgres through a proxy the test cuts: the shared server itself
// keeps running for the other test files.
let temp: TempDatabase;
let proxy: TcpProxy;
let store: Store;
let target: Target;
let engine: Engine | null = null;

beforeAll(async () => {
  temp = await createTempDatabase("uptop_outage");
  const pg = new URL(temp.dsn);
  proxy = await new TcpProxy(pg.hostname, Number(pg.port || 5432)).open();
  store = await openAndMigrate({ type: "postgres", dsn: proxy.dsnThrough(temp.dsn), poolMax: 4 });
  await addWebhookChannel(store.db, "ops");
  target = await new Target().start();
}, 60_000);

afterEach(async () => {
  await proxy.restore().catch(() => {}); // already listening when a test restored it
  await engine?.stop();
  engine = null;
}, 60_000);

afterAll(async () => {
  await target.stop();
  await store.close();
  await proxy.cut();
  await temp.drop();
}, 60_000);

const memoryStatus = (e: Engine, id: number) => e.snapshot().find((m) => m.id === id)?.status;
const metric = async (metrics: EngineMetrics, name: string) =>
  (await metrics.registry.getSingleMetric(name)?.get())?.values.reduce((sum, v) => sum + v.value, 0) ?? 0;

describe("engine while its database is away", () => {
  it("keeps checking, holds every state change, alert and result, and writes them all once the database returns", async () => {
    target.mode = "up";
    const id = await addMonitor(store.db, draft({ name: "outage-web", type: "http", url: target.url }));
    const metrics = new EngineMetrics();
    engine = startEngine(store.db, { metrics });
    await engine.start();
    await waitFor("UP stored", async () => (await statusOf(store.db, id)) === "UP");
    await engine.flush();
    const before = await changesOf(store.db, id);
    const cutAt = new Date();

    await proxy.cut();
    const e = engine;
    target.mode = "down";
    await waitFor("DOWN in memory", async () => memoryStatus(e, id) === "DOWN");
    target.mode = "up";
    await waitFor("UP again in memory", async () => memoryStatus(e, id) === "UP");
    target.mode = "down";
    await waitFor("DOWN again in memory", async () => memoryStatus(e, id) === "DOWN");
    await waitFor("writes failing", async () => e.writeStats().failing);
    const during = e.writeStats();
    expect(during.critical).toBeGreaterThanOrEqual(3);
    expect(during.results).toBeGreaterThan(0);
    expect(during.droppedResults).toBe(0);
    expect(during.lastError).toBeTruthy();
    expect(await metric(metrics, "uptop_write_queue_depth")).toBeGreaterThan(0);
    const restoredAt = new Date();

    await proxy.restore();
    // An explicit flush writes now, even while the retry backoff of the outage is running.
    await engine.flush();
    expect(engine.writeStats()).toMatchObject({ critical: 0, results: 0, failing: false });

    const changes = await changesOf(store.db, id);
    expect(changes.slice(0, before.length)).toEqual(before);
    expect(changes.slice(before.length).map((c) => `${c.from}>${c.to}`)).toEqual(["UP>DOWN", "DOWN>UP", "UP>DOWN"]);
    const sent = await notificationsOf(store.db, id);
    expect(sent.map((n) => n.event)).toEqual(["down", "up", "down"]);
    expect(await statusOf(store.db, id)).toBe(memoryStatus(engine, id));
    const written = await store.db
      .selectFrom("check_results")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("monitor_id", "=", id)
      .where("checked_at", ">=", cutAt)
      .where("checked_at", "<=", restoredAt)
      .executeTakeFirstOrThrow();
    expect(Number(written.n)).toBeGreaterThanOrEqual(3);
  }, 90_000);

  it("drops only the oldest raw results beyond the bound, counts them in stats and metrics, and still writes every state change", async () => {
    target.mode = "up";
    const id = await addMonitor(store.db, draft({ name: "outage-bounded", type: "http", url: target.url }));
    const metrics = new EngineMetrics();
    engine = startEngine(store.db, { metrics, writeQueue: { flushMs: 100, maxResults: 2 } });
    await engine.start();
    await waitFor("UP stored", async () => (await statusOf(store.db, id)) === "UP");
    await engine.flush();

    await proxy.cut();
    const e = engine;
    target.mode = "down";
    await waitFor("DOWN in memory", async () => memoryStatus(e, id) === "DOWN");
    target.mode = "up";
    await waitFor("UP again in memory", async () => memoryStatus(e, id) === "UP");
    await waitFor("results dropped", async () => e.writeStats().droppedResults > 0);
    expect(e.writeStats().results).toBeLessThanOrEqual(2);
    expect(await metric(metrics, "uptop_dropped_results_total")).toBe(e.writeStats().droppedResults);

    await proxy.restore();
    // No explicit flush here: the retry timer alone must drain the backlog.
    await waitFor(
      "backlog written by the retries",
      async () => {
        const s = e.writeStats();
        return !s.failing && s.critical === 0 && s.results === 0;
      },
      60_000,
    );
    const changes = await changesOf(store.db, id);
    expect(changes.map((c) => `${c.from}>${c.to}`)).toEqual(["PENDING>UP", "UP>DOWN", "DOWN>UP"]);
    expect((await notificationsOf(store.db, id)).map((n) => n.event)).toEqual(["down", "up"]);
    expect(await statusOf(store.db, id)).toBe("UP");
  }, 90_000);
});
