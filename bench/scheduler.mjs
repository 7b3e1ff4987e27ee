#!/usr/bin/env node
// The leader's engine at scale: N HTTP monitors (default 10 000 at 30 s) created directly in the
// store, checked locally by the real Engine against a loopback target in a child process, the
// engine pinned to one core. Prints checks/s, scheduling lag (actual start − slot) p50/p99/max,
// missed and skipped slots, CPU %, RSS and the database write batch sizes. Build first
// (`pnpm build`), then
//   node bench/scheduler.mjs [--monitors 10000] [--interval 30] [--duration 90] [--db postgres|sqlite]
// The leader and follower images run node with --max-old-space-size=1024; put it before the script
// name to measure as deployed. Add --cpu-prof before the script name to profile; --heap-snapshot 30,60 writes V8 heap snapshots
// at those seconds of the window (summarise them with bench/heap-summary.mjs); --alloc-prof all
// prints where the window's bytes were allocated (collected garbage included), --alloc-prof heap
// where the bytes still on the heap at the end came from (promoted garbage no major GC took yet
// included: that is what grows the old space and RSS). Postgres: UPTOP_TEST_DATABASE_URL (default
// postgres://postgres@127.0.0.1:5432/postgres), a fresh database per run.
import { Writable } from "node:stream";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getHeapStatistics, writeHeapSnapshot } from "node:v8";
import { Session } from "node:inspector/promises";
import { parseArgs } from "node:util";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { fmt, pct, postgresCpuSeconds, reexecPinned, sleep, startTarget } from "./lib/harness.mjs";

const { values: args } = parseArgs({
  options: {
    monitors: { type: "string", default: "10000" },
    interval: { type: "string", default: "30" },
    duration: { type: "string", default: "90" },
    db: { type: "string", default: "postgres" },
    concurrency: { type: "string", default: "100" },
    pinned: { type: "boolean", default: false },
    "heap-snapshot": { type: "string", default: "" },
    "alloc-prof": { type: "string", default: "" },
  },
});
reexecPinned(import.meta.url, args.pinned);

const dist = (p) => import(new URL(`../${p}/dist/index.js`, import.meta.url).href);
const { Engine, EngineMetrics } = await dist("packages/engine");
const { openAndMigrate, createMonitorIn } = await dist("packages/store");
const { SecretBox, createLogger, slotOffsetMs } = await dist("packages/core");
const { runCheck } = await dist("packages/checks");
const { createTempDatabase } = await import(new URL("../tools/test-kit/dist/index.js", import.meta.url).href);

const MONITORS = Number(args.monitors);
const INTERVAL_MS = Number(args.interval) * 1000;
const DURATION_MS = Number(args.duration) * 1000;
const MB = (b) => fmt(b / 1e6, 0);
const SNAPSHOT_AT = new Set(args["heap-snapshot"].split(",").filter(Boolean).map(Number));

const target = await startTarget();
const temp = args.db === "postgres" ? await createTempDatabase("uptop_bench_sched") : null;
const store = await openAndMigrate(temp ? { type: "postgres", dsn: temp.dsn } : { type: "sqlite", dsn: ":memory:" });
const box = new SecretBox(null);

let t = performance.now();
const ids = [];
const draft = (i) => ({
  name: `bench-${i}`,
  type: "http",
  url: target.url,
  description: null,
  hostname: null,
  port: null,
  interval: INTERVAL_MS / 1000,
  timeout: 5,
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
  parent: null,
  regions: [],
  aggregation: null,
  paused: false,
  channels: [],
});
for (let from = 0; from < MONITORS; from += 1000) {
  await store.db.transaction().execute(async (tx) => {
    for (let i = from; i < Math.min(MONITORS, from + 1000); i++)
      ids.push((await createMonitorIn(tx, box, draft(i))).id);
  });
}
console.log(
  `${MONITORS} monitors at ${INTERVAL_MS / 1000} s on ${args.db} created in ${fmt((performance.now() - t) / 1000)} s; node ${process.version}, pinned: ${args.pinned ? "core 0" : "no"}, heap limit ${MB(getHeapStatistics().heap_size_limit)} MB`,
);

// Skipped slots and failed runs arrive as log lines; count them without parsing everything.
const logCounts = { skippedLate: 0, skippedOverlap: 0, runFailed: 0, writeFailed: 0, firstWriteError: "" };
const logSink = new Writable({
  write(chunk, _enc, done) {
    const line = String(chunk);
    if (line.includes('"slot skipped"'))
      line.includes('"overlap"') ? logCounts.skippedOverlap++ : logCounts.skippedLate++;
    else if (line.includes('"check run failed"')) logCounts.runFailed++;
    else if (line.includes('"database write failed')) {
      logCounts.writeFailed++;
      logCounts.firstWriteError ||= JSON.parse(line).error;
    }
    done();
  },
});

const metrics = new EngineMetrics();
const lags = []; // [dueMs, lagMs]
const observe = metrics.schedulerLag.observe.bind(metrics.schedulerLag);
metrics.schedulerLag.observe = (seconds) => {
  const now = Date.now();
  lags.push([now - seconds * 1000, seconds * 1000]);
  observe(seconds);
};
const batches = { results: [], critical: [] };
let checksDone = 0;
let checksFailed = 0;
const engine = new Engine({
  db: store.db,
  box,
  logger: createLogger({ level: "debug", stream: logSink }),
  metrics,
  node: { id: "leader", name: "leader", region: "local", role: "leader", version: "bench" },
  strategy: "any-down",
  localChecks: true,
  checkOptions: { allowPrivateTargets: true },
  epoch: () => 1,
  concurrency: Number(args.concurrency),
  runCheck: async (spec, options) => {
    const r = await runCheck(spec, options);
    checksDone++;
    if (!r.ok) checksFailed++;
    return r;
  },
  writeQueue: { onBatch: (kind, size) => batches[kind].push(size) },
});

t = performance.now();
await engine.start();
console.log(`engine started in ${fmt(performance.now() - t, 0)} ms`);
// Sampling, with collected objects kept: what the engine allocates, not only what it retains.
const inspector = args["alloc-prof"] ? new Session() : null;
if (inspector) {
  const all = args["alloc-prof"] === "all";
  inspector.connect();
  await inspector.post("HeapProfiler.startSampling", {
    samplingInterval: 64 * 1024,
    includeObjectsCollectedByMajorGC: all,
    includeObjectsCollectedByMinorGC: all,
  });
}
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
const t0 = Date.now();
const cpu0 = process.cpuUsage();
const pg0 = temp ? postgresCpuSeconds() : 0;
let rssMax = 0;
let heapMax = 0;
let heapTotalMax = 0;
let externalMax = 0;
while (Date.now() - t0 < DURATION_MS) {
  await sleep(1000);
  const mem = process.memoryUsage();
  rssMax = Math.max(rssMax, mem.rss);
  heapMax = Math.max(heapMax, mem.heapUsed);
  heapTotalMax = Math.max(heapTotalMax, mem.heapTotal);
  externalMax = Math.max(externalMax, mem.external);
  const s = Math.round((Date.now() - t0) / 1000);
  if (s % 15 === 0) {
    // RSS = V8 heap reserved (used + headroom) + external/array buffers + code, stacks and malloc.
    const old = getHeapStatistics();
    console.log(
      `  ${s} s: ${checksDone} checks, RSS ${MB(mem.rss)} MB (heap used ${MB(mem.heapUsed)} of ${MB(mem.heapTotal)}, external ${MB(mem.external)}, array buffers ${MB(mem.arrayBuffers)}, malloced ${MB(old.malloced_memory)}), write backlog ${engine.writeStats().results}`,
    );
  }
  if (SNAPSHOT_AT.delete(s)) {
    const file = writeHeapSnapshot(join(tmpdir(), `scheduler-${process.pid}-${s}s.heapsnapshot`));
    console.log(`  ${s} s: heap snapshot ${file}`);
  }
}
const t1 = Date.now();
const cpu = process.cpuUsage(cpu0);
const allocSites = inspector ? await allocationSites(inspector) : "";
const pgCpu = temp ? postgresCpuSeconds() - pg0 : 0;
loopDelay.disable();
const wallS = (t1 - t0) / 1000;

// Every slot that began inside the window (leaving the last 5 s for late starts) must have run.
const until = t1 - 5000;
let expected = 0;
for (const id of ids) {
  const off = slotOffsetMs(id, INTERVAL_MS);
  expected += Math.max(0, Math.ceil((until - off) / INTERVAL_MS) - Math.ceil((t0 - off) / INTERVAL_MS));
}
const inWindow = lags.filter(([due]) => due >= t0 && due < until);
const started = inWindow.length;
const lagMs = inWindow.map(([, l]) => l).sort((a, b) => a - b);
const sizes = (xs) =>
  xs.length
    ? `${xs.length} batches, mean ${fmt(xs.reduce((a, b) => a + b, 0) / xs.length)}, max ${Math.max(...xs)}`
    : "none";

await engine.stop();
const stats = engine.writeStats();
await store.close();
await temp?.drop();
target.stop();

console.log(`
window            ${fmt(wallS)} s
checks/s          ${fmt(checksDone / wallS)} (${checksDone} checks, ${checksFailed} failed)
lag ms            p50 ${fmt(pct(lagMs, 50))}  p99 ${fmt(pct(lagMs, 99))}  max ${fmt(lagMs.at(-1) ?? NaN)}  (${started} starts)
missed slots      ${Math.max(0, expected - started)} of ${expected}
skipped slots     late ${logCounts.skippedLate}, overlap ${logCounts.skippedOverlap}; failed runs ${logCounts.runFailed}
CPU %             engine ${fmt(((cpu.user + cpu.system) / 1e6 / wallS) * 100)}${temp ? `, postgres ${pgCpu >= 0 ? fmt((pgCpu / wallS) * 100) : "n/a (other backends exited meanwhile)"}` : ""}
memory            RSS max ${MB(rssMax)} MB, heap used max ${MB(heapMax)} MB, heap total max ${MB(heapTotalMax)} MB, external max ${MB(externalMax)} MB
event loop delay  p50 ${fmt(loopDelay.percentile(50) / 1e6)} ms, p99 ${fmt(loopDelay.percentile(99) / 1e6)} ms, max ${fmt(loopDelay.max / 1e6)} ms
write batches     results: ${sizes(batches.results)}; state changes: ${sizes(batches.critical)}
write failures    ${logCounts.writeFailed}${logCounts.firstWriteError ? ` (first: ${logCounts.firstWriteError})` : ""}; dropped results ${stats.droppedResults}${allocSites}`);
process.exit(0);

/** The top allocating functions of the sampling profile, by bytes allocated in the window. */
async function allocationSites(session) {
  const { profile } = await session.post("HeapProfiler.stopSampling");
  session.disconnect();
  const bySite = new Map();
  let total = 0;
  const walk = (node, stack) => {
    const f = node.callFrame;
    const here = `${f.functionName || "(anonymous)"} ${f.url.replace(/^.*\/(node_modules\/(?:\.pnpm\/)?)?/, "")}:${f.lineNumber + 1}`;
    if (node.selfSize) {
      total += node.selfSize;
      // Charged to the allocating frame, with its two callers: "who asked" matters more than "new".
      const key = [here, ...stack.slice(-2).reverse()].join(" < ");
      bySite.set(key, (bySite.get(key) ?? 0) + node.selfSize);
    }
    for (const c of node.children) walk(c, [...stack, here]);
  };
  walk(profile.head, []);
  const top = [...bySite].sort((a, b) => b[1] - a[1]).slice(0, 30);
  return `\nallocated         ${fmt(total / 1e6, 0)} MB sampled (${args["alloc-prof"] === "all" ? "all allocated in the window" : "still on the heap at its end"}); top sites:\n${top.map(([k, v]) => `  ${fmt(v / 1e6, 1).padStart(7)} MB  ${k}`).join("\n")}`;
}
