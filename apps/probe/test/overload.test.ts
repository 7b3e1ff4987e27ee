import http from "node:http";
import type { AddressInfo } from "node:net";
import { SlotScheduler, type Monitor } from "@uptop/core";
import type { ResultItem } from "@uptop/cluster-protocol";
import { createCheckRunner } from "../src/check-runner.js";
import { ProbeMetrics } from "../src/metrics.js";

const ANSWER_MS = 200;
const CHECKS = 20;
const CONCURRENCY = 2;

function monitor(id: number, url: string): Monitor {
  return {
    id,
    name: `m${id}`,
    type: "http",
    description: null,
    url,
    hostname: null,
    port: null,
    interval: 3600,
    // Each check takes 200 ms; the last of 20 run two at a time waits ~1.8 s for its turn.
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

describe("a probe with more due checks than concurrency", () => {
  let server: http.Server;
  let url: string;

  beforeAll(async () => {
    server = http.createServer((_req, res) => setTimeout(() => res.end("ok"), ANSWER_MS));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it("runs them late, reports the lag, and times none out while they wait for a slot", async () => {
    const runMonitor = createCheckRunner({ allowPrivateTargets: true });
    const monitors = new Map<number, Monitor>();
    for (let id = 1; id <= CHECKS; id++) monitors.set(id, monitor(id, url));
    const results: ResultItem[] = [];
    const lags: number[] = [];
    const scheduler = new SlotScheduler<{ id: number; intervalMs: number }>({
      concurrency: CONCURRENCY,
      run: async (item, slotMs) => {
        const r = await runMonitor(monitors.get(item.id) as Monitor, slotMs);
        if (r) results.push(r);
      },
      onLag: (lagMs) => lags.push(lagMs),
    });
    for (const id of monitors.keys()) scheduler.upsert({ id, intervalMs: 3_600_000 });
    const metrics = new ProbeMetrics("probe-1", "test");
    metrics.schedulerLagNow = () => scheduler.stats().lagMs;
    scheduler.start();
    const now = Date.now();
    for (const id of monitors.keys()) scheduler.runAt(id, now);

    // While the queue drains, the scheduler says how far behind it is.
    let behindSeen = 0;
    let scrapedBehind = 0;
    while (results.length < CHECKS) {
      const s = scheduler.stats();
      behindSeen = Math.max(behindSeen, s.lagMs);
      const scraped = /^uptop_scheduler_behind_seconds\{[^}]*\} (\S+)$/m.exec(await metrics.registry.metrics());
      scrapedBehind = Math.max(scrapedBehind, Number(scraped?.[1]));
      expect(s.inFlight).toBeLessThanOrEqual(CONCURRENCY);
      await new Promise((r) => setTimeout(r, 50));
    }
    await scheduler.stop();

    expect(results.filter((r) => !r.ok).map((r) => r.error)).toEqual([]);
    // The last checks started well after the 1 s timeout had passed since they were due.
    expect(Math.max(...lags)).toBeGreaterThan(1000);
    expect(behindSeen).toBeGreaterThan(1000);
    expect(scrapedBehind).toBeGreaterThan(1);
    // Drained: nothing waits, and the latest start tells how late it was.
    expect(scheduler.stats().queued).toBe(0);
  }, 30_000);
});
