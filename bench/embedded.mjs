#!/usr/bin/env node
// The leader as a user runs it: `node apps/leader/dist/main.js` on a fresh data directory, with
// the embedded SQLite (UPTOP_DB_TYPE unset) and/or a fresh Postgres database, default log level,
// no heap flags. Measures, per database:
//   cold start   spawn to the first 200 from /api/health (polled every 20 ms), and to /api/ready
//   idle         RSS (from /proc/<pid>/status, every second) median/max/end and CPU, no monitors
//   load         N HTTP monitors (default 1 000 at 60 s) created through POST /api/monitors against
//                a loopback target in this process, then the load window (default 600 s): RSS
//                median/p95/peak, leader CPU-ms per check (checks counted by the target, and from
//                uptop_checks_total in /metrics as a cross-check), monitors not UP at the end
//   restart      SIGTERM (time to exit), then a start on the same data with the N monitors
// SQLite runs inside the leader, so its work is in the leader's CPU and RSS; on Postgres the CPU of
// the backends serving the bench's database and of the server's shared processes is reported too,
// so the comparison charges the database's work to the database. Postgres' own RSS is not the
// leader's and is not counted. The figures are the machine's: other work on it shows up in them.
// Build first (`pnpm build`), then
//   node bench/embedded.mjs [--db sqlite|postgres|both] [--monitors 1000] [--interval 60]
//     [--idle 60] [--duration 600]
// A short run: `pnpm bench embedded -- --idle 10 --duration 60 --monitors 200`. Postgres:
// UPTOP_TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres), a fresh
// database per run, dropped at the end.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { cpuSecondsOf, fmt, pct, postgresCpuTracker, rssMbOf, sleep } from "./lib/harness.mjs";

const { values: args } = parseArgs({
  options: {
    db: { type: "string", default: "both" },
    monitors: { type: "string", default: "1000" },
    interval: { type: "string", default: "60" },
    idle: { type: "string", default: "60" },
    duration: { type: "string", default: "600" },
  },
});
const DBS = args.db === "both" ? ["sqlite", "postgres"] : [args.db];
const MONITORS = Number(args.monitors);
const INTERVAL_S = Number(args.interval);
const IDLE_S = Number(args.idle);
const DURATION_S = Number(args.duration);
if (
  !DBS.every((d) => d === "sqlite" || d === "postgres") ||
  ![MONITORS, INTERVAL_S, DURATION_S].every((n) => Number.isInteger(n) && n > 0) ||
  !(Number.isInteger(IDLE_S) && IDLE_S >= 0)
) {
  console.error(
    "usage: node bench/embedded.mjs [--db sqlite|postgres|both] [--monitors N] [--interval s] " +
      "[--idle s] [--duration s]",
  );
  process.exit(2);
}

const { createTempDatabase, freePort, spawnNode } = await import(
  new URL("../tools/test-kit/dist/index.js", import.meta.url).href
);
const LEADER_MAIN = fileURLToPath(new URL("../apps/leader/dist/main.js", import.meta.url));
const HEALTH_POLL_MS = 20;
const CREATE_CONCURRENCY = 8;

/** The loopback target, in this process: its CPU is not the leader's, and it counts what it answers. */
async function startCountingTarget() {
  const body = Buffer.from("ok\n");
  let requests = 0;
  const server = http.createServer((_req, res) => {
    requests++;
    res.writeHead(200, { "content-type": "text/plain", "content-length": body.length });
    res.end(body);
  });
  server.keepAliveTimeout = 0;
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    get requests() {
      return requests;
    },
    stop: () => new Promise((r) => server.close(r)),
  };
}

/** RSS and CPU of a process, sampled every second until `stop()`. */
function sampleProcess(pid) {
  const rss = [];
  const take = () => {
    try {
      rss.push(rssMbOf(pid));
    } catch {
      // the process ended between two samples
    }
  };
  take();
  const timer = setInterval(take, 1000);
  return {
    rss,
    stop() {
      clearInterval(timer);
      take();
      return rss;
    },
  };
}

function rssStats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: pct(sorted, 50), p95: pct(sorted, 95), max: sorted.at(-1) ?? NaN, end: samples.at(-1) ?? NaN };
}

/** Polls `path` every HEALTH_POLL_MS until it answers 200; the ms since `t0`. */
async function firstOk(proc, port, path, t0, timeoutMs = 120_000) {
  while (performance.now() - t0 < timeoutMs) {
    if (!proc.running) throw new Error(`leader exited before ${path} answered 200:\n${proc.out.slice(-2000)}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 200) return performance.now() - t0;
    } catch {
      // not listening yet
    }
    await sleep(HEALTH_POLL_MS);
  }
  throw new Error(`${path} did not answer 200 within ${timeoutMs / 1000} s`);
}

/** The sum of a counter's series in the leader's /metrics, split by one label. */
async function metrics(base, token) {
  const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  const checks = {};
  const gauges = {};
  for (const line of text.split("\n")) {
    if (line.startsWith("uptop_checks_total{")) {
      const result = /result="([^"]*)"/.exec(line)?.[1] ?? "?";
      checks[result] = (checks[result] ?? 0) + Number(line.slice(line.lastIndexOf(" ") + 1));
    } else if (/^(nodejs_heap_size_used_bytes|nodejs_heap_size_total_bytes|nodejs_external_memory_bytes) /.test(line)) {
      const [name, value] = line.split(" ");
      gauges[name] = Number(value);
    }
  }
  return { checks, gauges };
}

const sumChecks = (m) => Object.values(m.checks).reduce((a, b) => a + b, 0);

/** POSTs N monitors, CREATE_CONCURRENCY at a time, waiting out a 429's Retry-After. */
async function createMonitors(base, token, targetUrl) {
  let next = 0;
  let limited = 0;
  const one = async (i) => {
    for (;;) {
      const res = await fetch(`${base}/api/monitors`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({
          name: `bench-${String(i).padStart(5, "0")}`,
          type: "http",
          url: `${targetUrl}/m/${i}`,
          interval: INTERVAL_S,
          timeout: 5,
        }),
      });
      const text = await res.text();
      if (res.status === 201) return;
      if (res.status === 429) {
        limited++;
        await sleep(Number(res.headers.get("retry-after") ?? 60) * 1000);
        continue;
      }
      throw new Error(`POST /api/monitors answered ${res.status}: ${text.slice(0, 500)}`);
    }
  };
  const worker = async () => {
    while (next < MONITORS) await one(next++);
  };
  await Promise.all(Array.from({ length: CREATE_CONCURRENCY }, worker));
  return limited;
}

function dirMb(dir) {
  let bytes = 0;
  for (const name of readdirSync(dir, { recursive: true })) {
    const s = statSync(join(dir, String(name)));
    if (s.isFile()) bytes += s.size;
  }
  return bytes / 1024 / 1024;
}

async function startLeader(env) {
  const port = await freePort();
  const t0 = performance.now();
  const proc = spawnNode("leader", LEADER_MAIN, { ...env, UPTOP_HTTP_PORT: String(port) });
  const healthMs = await firstOk(proc, port, "/api/health", t0);
  const readyMs = await firstOk(proc, port, "/api/ready", t0);
  return { proc, port, base: `http://127.0.0.1:${port}`, healthMs, readyMs };
}

async function stopLeader(proc) {
  const t = performance.now();
  const code = await proc.kill("SIGTERM");
  return { ms: performance.now() - t, code };
}

async function runOne(db, target) {
  const r = { db };
  const dataDir = mkdtempSync(join(tmpdir(), "uptop-bench-embedded-"));
  const temp = db === "postgres" ? await createTempDatabase("uptop_bench_embedded", "postgres") : null;
  const token = randomBytes(16).toString("hex");
  const env = {
    UPTOP_DATA_DIR: dataDir,
    UPTOP_HTTP_HOST: "127.0.0.1",
    UPTOP_API_TOKEN: token,
    // The target listens on loopback, which the SSRF guard refuses unless told otherwise.
    UPTOP_ALLOW_PRIVATE_TARGETS: "true",
    ...(temp ? { UPTOP_DB_TYPE: "postgres", UPTOP_DB_DSN: temp.dsn } : {}),
  };
  let leader = null;
  const onSigint = () => {
    leader?.proc.child.kill("SIGKILL");
    void (temp?.drop() ?? Promise.resolve()).finally(() => {
      rmSync(dataDir, { recursive: true, force: true });
      process.exit(130);
    });
  };
  process.once("SIGINT", onSigint);
  try {
    leader = await startLeader(env);
    const { proc, base } = leader;
    const pid = proc.pid;
    r.coldHealthMs = leader.healthMs;
    r.coldReadyMs = leader.readyMs;
    console.log(
      `[${db}] pid ${pid}: /api/health 200 after ${fmt(r.coldHealthMs, 0)} ms, ` +
        `/api/ready after ${fmt(r.coldReadyMs, 0)} ms`,
    );
    const all = sampleProcess(pid);

    // Idle: no monitors.
    let cpu0 = cpuSecondsOf(pid);
    let s = sampleProcess(pid);
    await sleep(IDLE_S * 1000);
    r.idle = rssStats(s.stop());
    r.idleCpuPct = ((cpuSecondsOf(pid) - cpu0) / Math.max(IDLE_S, 1)) * 100;
    r.idleHeap = (await metrics(base, token)).gauges;
    console.log(
      `[${db}] idle ${IDLE_S} s: RSS median ${fmt(r.idle.median)} max ${fmt(r.idle.max)} end ${fmt(r.idle.end)} MB, ` +
        `CPU ${fmt(r.idleCpuPct, 2)} %`,
    );

    // Creating the monitors, through the API.
    cpu0 = cpuSecondsOf(pid);
    let t = performance.now();
    r.rateLimited = await createMonitors(base, token, target.url);
    r.createS = (performance.now() - t) / 1000;
    r.createCpuS = cpuSecondsOf(pid) - cpu0;
    console.log(
      `[${db}] ${MONITORS} monitors created in ${fmt(r.createS)} s` +
        `${r.rateLimited ? ` (${r.rateLimited} × 429)` : ""}, leader CPU ${fmt(r.createCpuS, 2)} s`,
    );

    // Load window.
    const m0 = await metrics(base, token);
    const req0 = target.requests;
    const pg = temp ? postgresCpuTracker(temp.name) : null;
    pg?.sample();
    const pgSampler = pg ? setInterval(pg.sample, 1000) : null;
    cpu0 = cpuSecondsOf(pid);
    t = performance.now();
    s = sampleProcess(pid);
    const progress = setInterval(
      () =>
        console.log(
          `[${db}]   ${fmt((performance.now() - t) / 1000, 0)} s: RSS ${fmt(rssMbOf(pid))} MB, ` +
            `${target.requests - req0} checks`,
        ),
      60_000,
    );
    await sleep(DURATION_S * 1000);
    clearInterval(progress);
    const wallS = (performance.now() - t) / 1000;
    r.load = rssStats(s.stop());
    r.loadCpuS = cpuSecondsOf(pid) - cpu0;
    clearInterval(pgSampler);
    r.pgCpu = pg ? pg.seconds() : null;
    r.checks = target.requests - req0;
    const m1 = await metrics(base, token);
    r.metricChecks = sumChecks(m1) - sumChecks(m0);
    r.metricDown = (m1.checks.down ?? 0) - (m0.checks.down ?? 0);
    r.loadHeap = m1.gauges;
    r.checksPerS = r.checks / wallS;
    r.loadCpuPct = (r.loadCpuS / wallS) * 100;
    r.aboveIdleCpuS = r.loadCpuS - (r.idleCpuPct / 100) * wallS;
    const res = await fetch(`${base}/api/monitors`, { headers: { authorization: `Bearer ${token}` } });
    const list = await res.json();
    const byStatus = {};
    for (const m of list) byStatus[m.status] = (byStatus[m.status] ?? 0) + 1;
    r.statuses = byStatus;
    r.notUp = list.length - (byStatus.UP ?? 0) + (MONITORS - list.length);
    r.peak = Math.max(rssStats(all.stop()).max, r.idle.max, r.load.max);
    console.log(
      `[${db}] load ${fmt(wallS, 0)} s: ${r.checks} checks (metrics ${r.metricChecks}), ` +
        `RSS median ${fmt(r.load.median)} p95 ${fmt(r.load.p95)} max ${fmt(r.load.max)} MB, ` +
        `CPU ${fmt(r.loadCpuS, 2)} s; statuses ${JSON.stringify(byStatus)}`,
    );

    const stop = await stopLeader(proc);
    r.stopMs = stop.ms;
    r.stopCode = stop.code;
    leader = null;
    r.dataMb = temp ? null : dirMb(dataDir);

    // A restart on the same data: what a user sees after an upgrade or a reboot.
    leader = await startLeader(env);
    r.warmHealthMs = leader.healthMs;
    r.warmReadyMs = leader.readyMs;
    console.log(
      `[${db}] restart with ${MONITORS} monitors: /api/health 200 after ${fmt(r.warmHealthMs, 0)} ms, ` +
        `/api/ready after ${fmt(r.warmReadyMs, 0)} ms`,
    );
    await stopLeader(leader.proc);
    leader = null;
    return r;
  } finally {
    process.off("SIGINT", onSigint);
    if (leader) await leader.proc.kill("SIGKILL");
    await temp?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const MB = (b) => (Number.isFinite(b) ? fmt(b / 1024 / 1024) : "n/a");

function printTable(results) {
  const rows = [
    ["cold start: spawn to /api/health 200 (ms)", (r) => fmt(r.coldHealthMs, 0)],
    ["cold start: spawn to /api/ready 200 (ms)", (r) => fmt(r.coldReadyMs, 0)],
    [`idle ${IDLE_S} s, no monitors: RSS median (MB)`, (r) => fmt(r.idle.median)],
    ["  RSS max (MB)", (r) => fmt(r.idle.max)],
    ["  RSS at the end (MB)", (r) => fmt(r.idle.end)],
    ["  heap used / heap total / external (MB)", (r) => heapCell(r.idleHeap)],
    ["  CPU (%)", (r) => fmt(r.idleCpuPct, 2)],
    [`create ${MONITORS} monitors via API (s)`, (r) => fmt(r.createS)],
    ["  leader CPU (s)", (r) => fmt(r.createCpuS, 2)],
    [`load ${DURATION_S} s, ${MONITORS} × ${INTERVAL_S} s: RSS median (MB)`, (r) => fmt(r.load.median)],
    ["  RSS p95 (MB)", (r) => fmt(r.load.p95)],
    ["  RSS max (MB)", (r) => fmt(r.load.max)],
    ["  heap used / heap total / external (MB)", (r) => heapCell(r.loadHeap)],
    ["  checks (target) / (uptop_checks_total)", (r) => `${r.checks} / ${r.metricChecks}`],
    ["  checks/s", (r) => fmt(r.checksPerS)],
    ["  leader CPU (s) / (%)", (r) => `${fmt(r.loadCpuS, 1)} / ${fmt(r.loadCpuPct, 1)}`],
    ["  leader CPU-ms per check", (r) => fmt((r.loadCpuS * 1000) / r.checks, 3)],
    ["  leader CPU-ms per check above idle", (r) => (IDLE_S ? fmt((r.aboveIdleCpuS * 1000) / r.checks, 3) : "-")],
    ["  postgres CPU-ms per check: backends", (r) => (r.pgCpu ? fmt((r.pgCpu.own * 1000) / r.checks, 3) : "-")],
    ["  postgres CPU-ms per check: shared procs", (r) => (r.pgCpu ? fmt((r.pgCpu.shared * 1000) / r.checks, 3) : "-")],
    [
      "  leader + postgres CPU-ms per check",
      (r) => fmt(((r.loadCpuS + (r.pgCpu ? r.pgCpu.own + r.pgCpu.shared : 0)) * 1000) / r.checks, 3),
    ],
    ["  checks down (metrics) / monitors not UP", (r) => `${r.metricDown} / ${r.notUp}`],
    ["peak RSS, start to SIGTERM (MB)", (r) => fmt(r.peak)],
    ["SIGTERM to exit (ms) / exit code", (r) => `${fmt(r.stopMs, 0)} / ${r.stopCode}`],
    ["data directory after the run (MB)", (r) => (r.dataMb === null ? "-" : fmt(r.dataMb))],
    [`restart, ${MONITORS} monitors: /api/health 200 (ms)`, (r) => fmt(r.warmHealthMs, 0)],
    ["  /api/ready 200 (ms)", (r) => fmt(r.warmReadyMs, 0)],
  ];
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  console.log(`\n${"".padEnd(width)}${results.map((r) => r.db.padStart(20)).join("")}`);
  for (const [label, cell] of rows)
    console.log(`${label.padEnd(width)}${results.map((r) => cell(r).padStart(20)).join("")}`);
  console.log(
    "\nRSS is the leader process's alone (Postgres' own memory is outside it). Postgres CPU: the backends " +
      "serving the bench's database, and the server's shared processes (checkpointer, WAL writer…), which " +
      "also work for anything else on that server. Above idle: less the idle phase's CPU rate.",
  );
}

function heapCell(g) {
  const used = MB(g?.nodejs_heap_size_used_bytes);
  return `${used}/${MB(g?.nodejs_heap_size_total_bytes)}/${MB(g?.nodejs_external_memory_bytes)}`;
}

const target = await startCountingTarget();
console.log(
  `leader: ${DBS.join(" then ")}; idle ${IDLE_S} s, then ${MONITORS} HTTP monitors at ${INTERVAL_S} s ` +
    `for ${DURATION_S} s against ${target.url}`,
);
const results = [];
try {
  for (const db of DBS) results.push(await runOne(db, target));
} finally {
  await target.stop();
}
printTable(results);
