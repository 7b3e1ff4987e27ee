import { ClusterClient } from "@uptop/cluster-protocol";
import { until } from "@uptop/test-kit";
import { startTestLeader, type TestLeader } from "./helpers.js";

(import.meta as unknown as { jest: { setTimeout(ms: number): void } }).jest.setTimeout(60_000);

const SECRET = "probe-results-test-secret-0123456789";

// The leader's side of a probe's result batch, over real HTTP: stored before it is
// acknowledged, replays counted, and the certificate a probe saw put to use.
describe("POST /api/probe/results", () => {
  let t: TestLeader;
  let probe: ClusterClient;
  let monitorId: number;
  const slot = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();
  const validTo = new Date(Date.now() + 40 * 86_400_000).toISOString();

  beforeAll(async () => {
    t = await startTestLeader({ UPTOP_CLUSTER_SECRET: SECRET, UPTOP_LEADER_CHECKS: "false" });
    probe = new ClusterClient({
      peerUrls: [t.url],
      secret: SECRET,
      nodeId: "probe-eu",
      region: "eu-west",
      maxAttempts: 1,
    });
    await probe.register();
    const res = await t.api("/api/monitors", {
      method: "POST",
      body: JSON.stringify({ name: "shop-tls", type: "tls", hostname: "shop.example.com", port: 443, interval: 60 }),
    });
    expect(res.status).toBe(201);
    monitorId = ((await res.json()) as { id: number }).id;
    // Results for a monitor the engine has not loaded yet are stored but cast no vote: wait for it.
    const loaded = async () => (await metricsText()).includes('monitor="shop-tls"');
    await until("the engine to load the monitor", loaded, 10_000, 100);
  });

  async function metricsText(): Promise<string> {
    return (await t.api("/metrics")).text();
  }

  afterAll(async () => {
    await t?.leader.stop();
  });

  const batch = () => [
    {
      monitorId,
      slot,
      checkedAt: new Date().toISOString(),
      ok: true,
      latencyMs: 12,
      statusCode: null,
      error: null,
      details: { cert: { validTo, daysLeft: 40, expiringSoon: false }, authorized: true },
    },
  ];

  it("has the rows in the database when it answers, and counts a replayed batch as duplicates", async () => {
    expect(await probe.postResults(batch())).toMatchObject({ accepted: 1, duplicates: 0 });
    const rows = await t.leader.store.db
      .selectFrom("check_results")
      .select(["node_id", "ok"])
      .where("monitor_id", "=", monitorId)
      .execute();
    expect(rows).toEqual([{ node_id: "probe-eu", ok: true }]);
    expect(await probe.postResults(batch())).toMatchObject({ accepted: 1, duplicates: 1 });
  });

  it("takes the certificate from a probe's result: its expiry shows in /metrics", async () => {
    const series = `uptop_monitor_cert_expiry_timestamp_seconds{monitor_id="${monitorId}",monitor="shop-tls"}`;
    const line = (await metricsText()).split("\n").find((l) => l.startsWith(series));
    expect(line).toBe(`${series} ${Date.parse(validTo) / 1000}`);
  });

  it("refuses a certificate summary that is not one", async () => {
    const bad = batch().map((r) => ({
      ...r,
      details: { cert: { validTo: "soon", daysLeft: 40, expiringSoon: false } },
    }));
    await expect(probe.postResults(bad)).rejects.toThrow(/validTo/);
  });

  // Each number below once got past the schema, was answered 200 and blocked the result queue.
  // biome-ignore format: a table reads best one case per line
  it.each([
    ["a status code beyond an integer column", { statusCode: 2_147_483_648 }, "results.1.statusCode", "HTTP status"],
    ["a status code that is no HTTP status", { statusCode: 42 }, "results.1.statusCode", "HTTP status"],
    ["a negative latency", { latencyMs: -1 }, "results.1.latencyMs", ""],
    ["a latency of 30 years", { latencyMs: 1e12 }, "results.1.latencyMs", "at most"],
    ["a monitor id beyond an integer column", { monitorId: 2_147_483_648 }, "results.1.monitorId", "monitor id"],
    ["a slot in year 0", { slot: "0000-01-01T00:00:00Z" }, "results.1.slot", "1970"],
  ])("answers 400 naming the item for %s, and takes the next batch", async (_name, bad, field, says) => {
    const items = [...batch(), { ...batch()[0]!, ...bad }];
    const err = await probe.postResults(items).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ status: 400 });
    expect((err as Error).message).toContain(`${field}: `);
    expect((err as Error).message).toContain(says);
    expect(await probe.postResults(batch())).toMatchObject({ accepted: 1 });
  });

  it("stores an error text holding half an emoji and a NUL made storable, and keeps writing", async () => {
    const errorSlot = new Date(Date.parse(slot) + 60_000).toISOString();
    const message = `body "${"x".repeat(20)}\uD83D" and a\u0000b`;
    const failed = { ...batch()[0]!, slot: errorSlot, ok: false, error: { code: "ASSERTION" as const, message } };
    expect(await probe.postResults([failed])).toMatchObject({ accepted: 1, duplicates: 0 });
    const row = await t.leader.store.db
      .selectFrom("check_results")
      .select("error_message")
      .where("monitor_id", "=", monitorId)
      .where("slot", "=", new Date(errorSlot))
      .executeTakeFirstOrThrow();
    expect(row.error_message).toBe(`body "${"x".repeat(20)}\uFFFD" and ab`);
    // The vote it cast is written with the monitor's state: the writes go on, nothing is held back.
    await until(
      "the monitor's state to hold the cleaned error",
      async () => {
        const state = await t.leader.store.db
          .selectFrom("monitor_state")
          .select("last_result")
          .where("monitor_id", "=", monitorId)
          .executeTakeFirst();
        return JSON.stringify(state?.last_result ?? null).includes("and ab");
      },
      10_000,
      100,
    );
    const health = (await (await fetch(`${t.url}/api/health`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ status: "ok", writeBacklog: 0 });
    expect(health.database).toBeUndefined();
  });
});
