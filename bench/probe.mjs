#!/usr/bin/env node
// One real probe process (apps/probe/dist/main.js) pinned to core 0, holding N HTTP monitors
// (default 10 000 at 30 s) against a loopback target, fed by a minimal fake leader speaking the
// cluster protocol (validated with @uptop/cluster-protocol's schemas). The leader, the target
// and this script run on core 1. Prints scheduling lag p50/p99/max (from the results, and the
// probe's own /metrics histogram), missed slots, CPU % and RSS of the probe. Build first
// (`pnpm build`), then
//   node bench/probe.mjs [--monitors 10000] [--interval 30] [--duration 90] [--concurrency 10]
// Overload: a slow target (--target-delay-ms) and few slots offer more than the probe can run,
// e.g. `--monitors 3600 --interval 30 --concurrency 2 --target-delay-ms 50 --duration 60` offers
// 120 checks/s where two slots of ~50 ms sustain ~40/s: checks must start late (lag in /metrics),
// never fail for it. --timeout sets the monitors' timeout in s. --type tcp holds TCP monitors on
// the same target instead. "CPU-ms/check" is what the probe as deployed spends per check
// (scheduling and the batched reports to the leader included), next to `bench/checks.mjs`'s figures,
// where every check is one /probe request.
// Profile the probe with --probe-cpu-prof (writes a .cpuprofile into the working directory).
// `bench/checks.mjs` runs this script for its "probe" row: --core puts the probe on that core (the
// fake leader and target on the other), --target-port checks a target already running there,
// --warmup waits that many seconds before measuring, and --json ends with a line of figures.
import { spawn } from "node:child_process";
import http from "node:http";
import { createServer } from "node:net";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { cpuSecondsOf, fmt, hasTaskset, pct, reexecPinned, rssMbOf, sleep, startTarget } from "./lib/harness.mjs";

const { values: args } = parseArgs({
  options: {
    monitors: { type: "string", default: "10000" },
    interval: { type: "string", default: "30" },
    duration: { type: "string", default: "90" },
    concurrency: { type: "string", default: "10" },
    "target-delay-ms": { type: "string", default: "0" },
    timeout: { type: "string", default: "5" },
    type: { type: "string", default: "http" },
    "probe-cpu-prof": { type: "boolean", default: false },
    pinned: { type: "boolean", default: false },
    core: { type: "string", default: "0" },
    "target-port": { type: "string", default: "" },
    warmup: { type: "string", default: "1" },
    json: { type: "boolean", default: false },
  },
});
const PROBE_CORE = Number(args.core);
const OTHER_CORE = PROBE_CORE === 0 ? 1 : 0;
// This script (the fake leader) stays off the probe's core.
reexecPinned(import.meta.url, args.pinned, OTHER_CORE);

const proto = await import(new URL("../packages/cluster-protocol/dist/index.js", import.meta.url).href);
const { slotOffsetMs } = await import(new URL("../packages/core/dist/index.js", import.meta.url).href);
const MONITORS = Number(args.monitors);
const INTERVAL_MS = Number(args.interval) * 1000;
const DURATION_MS = Number(args.duration) * 1000;
const SECRET = "bench-cluster-secret-0123456789";
const NODE = "bench-probe";

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const TYPE = args.type;
if (TYPE !== "http" && TYPE !== "tcp") throw new Error(`--type is http or tcp, not ${TYPE}`);
const target = args["target-port"]
  ? { port: Number(args["target-port"]), url: `http://127.0.0.1:${args["target-port"]}/`, stop() {} }
  : await startTarget(Number(args["target-delay-ms"]), OTHER_CORE);
const monitors = [];
for (let id = 1; id <= MONITORS; id++) {
  monitors.push({
    id,
    name: `bench-${id}`,
    type: TYPE,
    description: null,
    url: TYPE === "http" ? target.url : null,
    hostname: TYPE === "tcp" ? "127.0.0.1" : null,
    port: TYPE === "tcp" ? target.port : null,
    interval: INTERVAL_MS / 1000,
    timeout: Number(args.timeout),
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
    pingCount: 1,
    token: null,
    grace: null,
    parentId: null,
    parent: null,
    regions: [],
    aggregation: null,
    paused: false,
    channels: [],
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
  });
}
const ETAG = `"bench-${MONITORS}-${INTERVAL_MS}"`;
const assignments = JSON.stringify(proto.assignmentsResponseSchema.parse({ etag: ETAG, epoch: 1, monitors }));

// What the fake leader saw: per monitor, the slots it got results for; lags in ms.
const slotsSeen = new Map();
const received = []; // [slotMs, startLagMs, ok]
let assignedAt = 0;
let posts = 0;
let badRequests = 0;

const send = (res, status, body) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(typeof body === "string" ? body : JSON.stringify(body));
};
const leader = http.createServer((req, res) => {
  let raw = "";
  req.on("data", (c) => (raw += c));
  req.on("end", () => {
    if (req.headers["x-upkeep-secret"] !== SECRET && req.headers["x-uptop-secret"] !== SECRET)
      return send(res, 401, { error: { code: "UNAUTHORIZED", message: "bad secret" } });
    const path = req.url.split("?")[0];
    if (req.method === "POST" && path === "/api/probe/register") {
      proto.registerRequestSchema.parse(JSON.parse(raw));
      return send(res, 200, { epoch: 1, leaderId: "bench-leader", version: "1.0.0", syncIntervalMs: 30_000 });
    }
    if (req.method === "GET" && path === "/api/probe/assignments") {
      if (req.headers["if-none-match"] === ETAG) {
        res.writeHead(304, { etag: ETAG });
        return res.end();
      }
      assignedAt ||= Date.now();
      res.setHeader("etag", ETAG);
      return send(res, 200, assignments);
    }
    if (req.method === "POST" && path === "/api/probe/results") {
      const parsed = proto.resultsRequestSchema.safeParse(JSON.parse(raw));
      if (!parsed.success) {
        badRequests++;
        return send(res, 400, { error: { code: "VALIDATION", message: parsed.error.message } });
      }
      posts++;
      for (const r of parsed.data.results) {
        const slot = Date.parse(r.slot);
        let seen = slotsSeen.get(r.monitorId);
        if (!seen) {
          seen = new Set();
          slotsSeen.set(r.monitorId, seen);
        }
        seen.add(slot);
        // checkedAt is when the check ended: its start is checkedAt − latency.
        received.push([slot, Date.parse(r.checkedAt) - (r.latencyMs ?? 0) - slot, r.ok, r.error?.code, r.latencyMs]);
      }
      return send(res, 200, { accepted: parsed.data.results.length, duplicates: 0, epoch: 1 });
    }
    send(res, 404, { error: { code: "NOT_FOUND", message: path } });
  });
});
const leaderPort = await freePort();
await new Promise((r) => leader.listen(leaderPort, "127.0.0.1", r));

const healthPort = await freePort();
const probeMain = fileURLToPath(new URL("../apps/probe/dist/main.js", import.meta.url));
const nodeArgs = [...(args["probe-cpu-prof"] ? ["--cpu-prof"] : []), probeMain];
const [cmd, argv] = hasTaskset()
  ? ["taskset", ["-c", String(PROBE_CORE), process.execPath, ...nodeArgs]]
  : [process.execPath, nodeArgs];
const probe = spawn(cmd, argv, {
  env: {
    PATH: process.env.PATH,
    UPTOP_CLUSTER_MODE: "probe",
    UPTOP_PEER_URL: `http://127.0.0.1:${leaderPort}`,
    UPTOP_NODE_ID: NODE,
    UPTOP_NODE_REGION: "bench",
    UPTOP_CLUSTER_SECRET: SECRET,
    UPTOP_PROBE_CONCURRENCY: args.concurrency,
    UPTOP_HTTP_PORT: String(healthPort),
    UPTOP_HTTP_HOST: "127.0.0.1",
    UPTOP_ALLOW_PRIVATE_TARGETS: "true",
    UPTOP_LOG_LEVEL: "warn",
  },
  stdio: ["ignore", "inherit", "inherit"],
});
const exited = new Promise((r) => probe.on("exit", r));

while (!assignedAt) await sleep(100);
console.log(
  `probe pid ${probe.pid} holds ${MONITORS} ${TYPE} monitors at ${INTERVAL_MS / 1000} s, concurrency ${args.concurrency}, pinned: ${hasTaskset() ? `core ${PROBE_CORE}` : "no"}; node ${process.version}`,
);
// Scheduling starts once the probe applied the assignments; measure after the warm-up.
await sleep(Number(args.warmup) * 1000);
const t0 = Date.now();
const cpu0 = cpuSecondsOf(probe.pid);
let rssMax = 0;
while (Date.now() - t0 < DURATION_MS) {
  await sleep(1000);
  const rss = rssMbOf(probe.pid);
  rssMax = Math.max(rssMax, rss);
  const s = Math.round((Date.now() - t0) / 1000);
  if (s % 15 === 0) console.log(`  ${s} s: ${received.length} results, probe RSS ${fmt(rss, 0)} MB`);
}
const t1 = Date.now();
const cpuS = cpuSecondsOf(probe.pid) - cpu0;
const metrics = await (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text();
// Results are posted every 2 s: give the last ones time to arrive before counting.
await sleep(5000);
probe.kill("SIGTERM");
await exited;
leader.close();
target.stop();

// Every slot that began inside the window (leaving the last 5 s for late starts) must be here.
const until = t1 - 5000;
let expected = 0;
let missed = 0;
for (const m of monitors) {
  const off = slotOffsetMs(m.id, INTERVAL_MS);
  const seen = slotsSeen.get(m.id);
  for (let k = Math.ceil((t0 - off) / INTERVAL_MS); off + k * INTERVAL_MS < until; k++) {
    expected++;
    if (!seen?.has(off + k * INTERVAL_MS)) missed++;
  }
}
const inWindow = received.filter(([slot]) => slot >= t0 && slot < until);
const lags = inWindow.map(([, lag]) => lag).sort((a, b) => a - b);
const failed = inWindow.filter(([, , ok]) => !ok).length;
const failedCodes = new Map();
for (const [, , ok, code] of inWindow) if (!ok) failedCodes.set(code ?? "?", (failedCodes.get(code ?? "?") ?? 0) + 1);
const failedBy = [...failedCodes].map(([code, n]) => `${code} ${n}`).join(", ");
const behind = /^uptop_scheduler_behind_seconds\{[^}]*\} (\S+)$/m.exec(metrics)?.[1] ?? "n/a";
const wallS = (t1 - t0) / 1000;
// The checks whose slot fell in the CPU window (each starts within ms of its slot unless behind).
const ranInCpuWindow = received.filter(([slot]) => slot >= t0 && slot < t1).length;

// The probe's own histogram: cumulative buckets, so a percentile is the first bucket past it.
const buckets = [...metrics.matchAll(/^uptop_scheduler_lag_seconds_bucket\{[^}]*le="([^"]+)"[^}]*\} (\d+)/gm)].map(
  (m) => [m[1], Number(m[2])],
);
const total = buckets.at(-1)?.[1] ?? 0;
const bucketPct = (p) => buckets.find(([, n]) => n >= (p / 100) * total)?.[0] ?? "n/a";
const skipped =
  [...metrics.matchAll(/^uptop_scheduler_skipped_total\{[^}]*reason="([^"]+)"[^}]*\} (\d+)/gm)]
    .map((m) => `${m[1]} ${m[2]}`)
    .join(", ") || "0";

console.log(`
window            ${fmt(wallS)} s
offered/s         ${fmt(MONITORS / (INTERVAL_MS / 1000))} (${MONITORS} monitors every ${INTERVAL_MS / 1000} s)
results/s         ${fmt(inWindow.length / ((until - t0) / 1000))} (${inWindow.length} in window, ${failed} failed${failedBy ? ` (${failedBy})` : ""}, ${posts} posts, ${badRequests} refused)
start lag ms      p50 ${fmt(pct(lags, 50))}  p99 ${fmt(pct(lags, 99))}  max ${fmt(lags.at(-1) ?? NaN)}  (checkedAt − latency − slot)
/metrics lag      p50 ≤ ${bucketPct(50)} s, p99 ≤ ${bucketPct(99)} s over ${total} starts; skipped slots: ${skipped}
/metrics behind   ${behind} s (uptop_scheduler_behind_seconds at the end)
missed slots      ${missed} of ${expected}
probe CPU %       ${fmt((cpuS / wallS) * 100)}
CPU-ms/check      ${fmt((cpuS * 1000) / ranInCpuWindow, 3)} (${ranInCpuWindow} checks slotted in the CPU window)
probe RSS         max ${fmt(rssMax, 0)} MB`);
if (args.json) {
  const latencies = inWindow.map(([, , , , ms]) => ms ?? 0).sort((a, b) => a - b);
  const figures = {
    perSec: inWindow.length / ((until - t0) / 1000),
    cpuMs: (cpuS * 1000) / ranInCpuWindow,
    failed,
    missed,
    lagP99: pct(lags, 99),
    p50: pct(latencies, 50),
    p99: pct(latencies, 99),
  };
  console.log(JSON.stringify(figures));
}
process.exit(0);
