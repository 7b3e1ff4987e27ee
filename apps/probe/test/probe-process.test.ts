import { fileURLToPath } from "node:url";
import { slotOf, type Monitor } from "@uptop/core";
import { freePort, HttpTarget, promtoolLint, spawnNode, until, type Proc } from "@uptop/test-kit";
import { FakeLeader } from "@uptop/test-kit/fake-leader";

jestTimeout(120_000);

function jestTimeout(ms: number): void {
  // The global is there in ESM mode too; only the jest object moved to import.meta.
  (import.meta as unknown as { jest: { setTimeout(ms: number): void } }).jest.setTimeout(ms);
}

const SECRET = "a-long-random-shared-secret-0123";
const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));

/** Polls every 100 ms: the probe syncs and sends every second. */
function waitFor<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>): Promise<T> {
  return until(what, fn, 30_000, 100);
}

function monitor(id: number, url: string, intervalS: number): Monitor {
  return {
    id,
    name: `m${id}`,
    type: "http",
    description: null,
    url,
    hostname: null,
    port: null,
    interval: intervalS,
    timeout: 1,
    retries: 0,
    retryInterval: null,
    recoveryThreshold: 1,
    method: "GET",
    headers: {},
    body: null,
    auth: null,
    acceptedCodes: "200-299",
    keyword: null,
    keywordAbsent: null,
    jsonAssertion: null,
    followRedirects: true,
    maxRedirects: 10,
    ignoreTls: false,
    certExpiryDays: 14,
    recordType: null,
    resolver: null,
    expected: [],
    expectedMode: "any",
    pingCount: 3,
    token: null,
    grace: null,
    parentId: null,
    parent: null,
    regions: [],
    aggregation: null,
    paused: false,
    channels: [],
    createdAt: "2030-01-01T00:00:00Z",
    updatedAt: "2030-01-01T00:00:00Z",
  };
}

async function health(port: number): Promise<Record<string, unknown>> {
  const res = await fetch(`http://127.0.0.1:${port}/api/health`);
  return (await res.json()) as Record<string, unknown>;
}

describe("probe process against a fake leader", () => {
  const target = new HttpTarget();
  let targetUrl: string;
  let leader: FakeLeader;
  let leaderPort: number;
  let healthPort: number;
  let probe: Proc;

  beforeAll(async () => {
    await target.start();
    targetUrl = target.urlOf("/health");
    leader = new FakeLeader(SECRET);
    leader.monitors = [monitor(101, targetUrl, 1), monitor(202, targetUrl, 2)];
    leaderPort = await freePort();
    healthPort = await freePort();
    // The leader is not up yet: the probe must keep trying to register.
    probe = spawnNode("probe", MAIN, {
      UPTOP_CLUSTER_MODE: "probe",
      UPTOP_PEER_URL: `http://127.0.0.1:${leaderPort}`,
      UPTOP_NODE_ID: "probe-test-1",
      UPTOP_NODE_REGION: "eu-west",
      UPTOP_CLUSTER_SECRET: SECRET,
      UPTOP_PROBE_SYNC_INTERVAL: "1s",
      UPTOP_PROBE_CONCURRENCY: "4",
      UPTOP_HTTP_PORT: String(healthPort),
      UPTOP_HTTP_HOST: "127.0.0.1",
      UPTOP_ALLOW_PRIVATE_TARGETS: "true",
      UPTOP_LOG_LEVEL: "info",
    });
  });

  afterAll(async () => {
    await probe.kill("SIGKILL");
    await leader.close();
    await target.stop();
  });

  it("serves its health port and retries registration while the leader is down", async () => {
    const h = await waitFor("health port", () => health(healthPort).catch(() => undefined));
    expect(h).toMatchObject({ role: "probe", state: "active", status: "degraded", nodeId: "probe-test-1" });
    await waitFor("two failed registrations", () => (probe.out.match(/registration failed/g) ?? []).length >= 2);
    expect(probe.out).toMatch(/peer URL is not https/);
  });

  it("registers once the leader is up", async () => {
    await leader.listen(leaderPort);
    await waitFor("registration", () => leader.registrations.length > 0);
    expect(leader.registrations[0]).toBe("probe-test-1");
  });

  it("pulls assignments with an ETag: a full answer first, then 304s", async () => {
    await waitFor("a 304", () => leader.assignmentStatuses.includes(304));
    expect(leader.assignmentStatuses[0]).toBe(200);
    expect(leader.assignmentStatuses.filter((s) => s === 200)).toHaveLength(1);
  });

  it("posts results in batches, each on its monitor's slot grid", async () => {
    await waitFor(
      "results of both monitors",
      () => leader.results.some((r) => r.monitorId === 101) && leader.results.some((r) => r.monitorId === 202),
    );
    for (const r of leader.results) {
      const slot = Date.parse(r.slot);
      const intervalMs = r.monitorId === 101 ? 1000 : 2000;
      expect(slotOf(r.monitorId, intervalMs, slot)).toBe(slot);
      expect(Date.parse(r.checkedAt)).toBeGreaterThanOrEqual(slot);
      expect(r.ok).toBe(true);
      expect(r.statusCode).toBe(200);
    }
    expect(leader.batchSizes.length).toBeGreaterThan(0);
  });

  it("buffers while the leader answers 503 and replays everything, in order, when it is back", async () => {
    leader.resultsStatus = 503;
    const before = leader.results.length;
    // Degraded only once a post has failed (three tries with backoff): results made before that
    // are still in the buffer, so the buffer size alone says nothing about the health answer yet.
    const failing = await waitFor("a failed post", async () => {
      const now = await health(healthPort);
      return (now.leader as { postFailing: boolean }).postFailing ? now : undefined;
    });
    expect(failing.status).toBe("degraded");
    await waitFor("buffered results", async () => ((await health(healthPort)).buffer as { size: number }).size >= 5);
    expect(leader.results.length).toBe(before);
    leader.resultsStatus = 200;
    await waitFor(
      "buffer drained",
      async () =>
        ((await health(healthPort)).buffer as { size: number }).size === 0 && leader.results.length > before + 5,
    );

    for (const [id, intervalMs] of [
      [101, 1000],
      [202, 2000],
    ] as const) {
      const slots = leader.results.filter((r) => r.monitorId === id).map((r) => Date.parse(r.slot));
      // Posted in order (a replay may repeat a batch, never reorder) and with no slot missing.
      expect(slots).toEqual([...slots].sort((a, b) => a - b));
      const unique = [...new Set(slots)];
      for (let i = 1; i < unique.length; i++)
        expect((unique[i] as number) - (unique[i - 1] as number)).toBe(intervalMs);
    }
    // Checks go on every second: a result may sit in the buffer between two posts.
    const h = await waitFor("the buffer empty between posts", async () => {
      const now = await health(healthPort);
      return (now.buffer as { size: number }).size === 0 ? now : undefined;
    });
    expect(h.buffer).toMatchObject({ size: 0, dropped: 0 });
  });

  it("registers again when the leader no longer knows it", async () => {
    const before = leader.registrations.length;
    leader.known.clear();
    await waitFor("a second registration", () => leader.registrations.length > before);
    expect(probe.out).toMatch(/registering again/);
  });

  it("exposes metrics", async () => {
    const text = await (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text();
    expect(text).toMatch(/uptop_checks_total\{.*result="up"/);
    expect(text).toMatch(/uptop_probe_buffer_depth/);
    expect(text).toMatch(/uptop_scheduler_lag_seconds_bucket/);
    expect(promtoolLint(text) ?? "").toBe("");
  });

  it("exits 0 on SIGTERM", async () => {
    expect(await probe.kill("SIGTERM")).toBe(0);
    expect(probe.out).toMatch(/"message":"stopped"/);
  });
});
