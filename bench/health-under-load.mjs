#!/usr/bin/env node
// Is /api/health starved by public status-page traffic? A real leader process on a fresh Postgres
// database with N HTTP monitors (default 200 at 30 s, checked against a loopback target) and a day
// of results and 90 days of rollups behind them, so each status-page build reads real volumes.
// First /api/health is polled alone, then while C connections (default 50) request /status back
// to back, each request from one of V client addresses (default 2 000; the leader trusts loopback
// as a proxy) so the per-client limit does not turn the flood into cheap 429s. Health is polled
// every 100 ms on a new connection, like the follower's poll; prints p50/p99/max per phase, how
// many polls took longer than the follower's 2 s timeout, the flood's rate and latency, and the
// leader's CPU. A follower (its own database, poll 1 s, threshold 3) stands by throughout and
// must never take over; its state is sampled every 200 ms and printed. The flood asks for gzip like a browser, does not inflate what it gets, and runs in
// a worker thread, so its own work delays neither the leader nor the health poller more than it
// must. Build first (`pnpm build`), then
//   node bench/health-under-load.mjs [--monitors 200] [--connections 50] [--visitors 2000]
//     [--duration 60] [--idle 5]
// UPTOP_BENCH_DURATION_S shortens the flood without arguments (`UPTOP_BENCH_DURATION_S=10 pnpm bench
// health-under-load`). Postgres: UPTOP_TEST_DATABASE_URL (default
// postgres://postgres@127.0.0.1:5432/postgres), a fresh database per run.
import { randomBytes } from "node:crypto";
import http from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { cpuSecondsOf, fmt, pct, sleep, startTarget } from "./lib/harness.mjs";

// The follower counts a health poll slower than this as a failed one.
const FOLLOWER_TIMEOUT_MS = 2000;
const POLL_EVERY_MS = 100;

if (!isMainThread) await flood(workerData);
else await main();

/**
 * The worker: `connections` loops of back-to-back GETs on kept-alive connections until told to
 * stop; posts what it saw. It asks for gzip as a browser does and does not inflate the answer:
 * that work is the visitor's, not the server's.
 */
async function flood({ url, connections, visitors }) {
  let stopping = false;
  parentPort.once("message", () => (stopping = true));
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const latencies = [];
  const codes = {};
  let bytes = 0;
  let errors = 0;
  // Each request comes from one of `visitors` addresses (10.0.x.y): many visitors, as a public
  // page has, each under the per-client limit, and a bounded number for the limiter to track.
  const address = () => {
    const n = Math.floor(Math.random() * visitors);
    return `10.0.${n >> 8}.${n & 255}`;
  };
  const once = () =>
    new Promise((resolve) => {
      const started = performance.now();
      const req = http.get(
        url,
        {
          agent,
          headers: { "accept-encoding": "gzip", "x-forwarded-for": address() },
        },
        (res) => {
          res.on("data", (chunk) => (bytes += chunk.length));
          res.on("end", () => {
            codes[res.statusCode] = (codes[res.statusCode] ?? 0) + 1;
            latencies.push(performance.now() - started);
            resolve();
          });
        },
      );
      req.setTimeout(30_000, () => req.destroy());
      req.on("error", () => {
        errors++;
        resolve();
      });
    });
  const loop = async () => {
    while (!stopping) await once();
  };
  await Promise.all(Array.from({ length: connections }, loop));
  agent.destroy();
  parentPort.postMessage({ latencies, codes, bytes, errors });
}

/** One GET /api/health on a new connection; its latency in ms, or null past the follower's timeout. */
function healthOnce(port) {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = http.get({ host: "127.0.0.1", port, path: "/api/health", agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode === 200 ? performance.now() - started : null));
    });
    req.setTimeout(FOLLOWER_TIMEOUT_MS, () => req.destroy());
    req.on("error", () => resolve(null));
  });
}

/** Polls health every POLL_EVERY_MS (or right after a slower answer) until `stop()`; the latencies. */
function pollHealth(port) {
  const samples = [];
  let failures = 0;
  let stopping = false;
  const done = (async () => {
    while (!stopping) {
      const started = performance.now();
      const ms = await healthOnce(port);
      if (ms === null) failures++;
      else samples.push(ms);
      await sleep(Math.max(0, POLL_EVERY_MS - (performance.now() - started)));
    }
  })();
  return {
    async stop() {
      stopping = true;
      await done;
      return { samples: samples.sort((a, b) => a - b), failures };
    },
  };
}

async function main() {
  const { values: args } = parseArgs({
    options: {
      monitors: { type: "string", default: "200" },
      connections: { type: "string", default: "50" },
      visitors: { type: "string", default: "2000" },
      duration: { type: "string", default: process.env.UPTOP_BENCH_DURATION_S ?? "60" },
      idle: { type: "string", default: "5" },
      interval: { type: "string", default: "30" },
    },
  });
  const MONITORS = Number(args.monitors);
  const CONNECTIONS = Number(args.connections);
  const VISITORS = Number(args.visitors);
  const DURATION_MS = Number(args.duration) * 1000;
  const IDLE_MS = Number(args.idle) * 1000;
  const INTERVAL_S = Number(args.interval);
  if (
    ![MONITORS, CONNECTIONS, VISITORS, DURATION_MS, INTERVAL_S].every((n) => Number.isInteger(n) && n > 0) ||
    !(IDLE_MS >= 0)
  ) {
    console.error("usage: node bench/health-under-load.mjs [--monitors N] [--connections N] [--duration s] [--idle s]");
    process.exit(2);
  }

  const dist = (p) => import(new URL(`../${p}/dist/index.js`, import.meta.url).href);
  const { openAndMigrate, createMonitorIn, insertResults, upsertRollups } = await dist("packages/store");
  const { SecretBox, normalizeMonitor } = await dist("packages/core");
  const { createTempDatabase, freePort, spawnNode, until } = await dist("tools/test-kit");

  const target = await startTarget();
  const temp = await createTempDatabase("uptop_bench_health");
  const followerDb = await createTempDatabase("uptop_bench_health_follower");
  const dataDir = mkdtempSync(join(tmpdir(), "uptop-bench-health-"));
  let leader = null;
  let follower = null;
  // An interrupted bench must not leave its nodes or its databases behind.
  process.once("SIGINT", () => {
    leader?.child.kill("SIGKILL");
    follower?.child.kill("SIGKILL");
    target.stop();
    void Promise.all([temp.drop(), followerDb.drop()]).finally(() => process.exit(130));
  });
  try {
    const t0 = performance.now();
    await seed({ openAndMigrate, createMonitorIn, insertResults, upsertRollups, SecretBox, normalizeMonitor }, temp, {
      monitors: MONITORS,
      intervalS: INTERVAL_S,
      url: target.url,
    });
    console.log(
      `${MONITORS} HTTP monitors at ${INTERVAL_S} s, 24 h of results and 90 days of rollups seeded ` +
        `in ${fmt((performance.now() - t0) / 1000)} s`,
    );

    const port = await freePort();
    const secret = randomBytes(24).toString("hex");
    leader = spawnNode("leader", fileURLToPath(new URL("../apps/leader/dist/main.js", import.meta.url)), {
      UPTOP_DB_TYPE: "postgres",
      UPTOP_DB_DSN: temp.dsn,
      UPTOP_DATA_DIR: dataDir,
      UPTOP_HTTP_HOST: "127.0.0.1",
      UPTOP_HTTP_PORT: String(port),
      UPTOP_API_TOKEN: randomBytes(24).toString("hex"),
      UPTOP_CLUSTER_SECRET: secret,
      UPTOP_ALLOW_PRIVATE_TARGETS: "true",
      UPTOP_STATUS_ENABLED: "true",
      UPTOP_TRUSTED_PROXIES: "127.0.0.1",
      UPTOP_LOG_LEVEL: "warn",
    });
    await until(
      "the leader active",
      async () => {
        if (!leader.running) throw new Error(`leader exited:\n${leader.out.slice(-2000)}`);
        const res = await fetch(`http://127.0.0.1:${port}/api/health`);
        return res.ok && (await res.json()).state === "active";
      },
      60_000,
      200,
    );
    const followerPort = await freePort();
    follower = spawnNode("follower", fileURLToPath(new URL("../apps/follower/dist/main.js", import.meta.url)), {
      UPTOP_CLUSTER_MODE: "follower",
      UPTOP_PEER_URL: `http://127.0.0.1:${port}`,
      UPTOP_DB_TYPE: "postgres",
      UPTOP_DB_DSN: followerDb.dsn,
      UPTOP_DATA_DIR: mkdtempSync(join(dataDir, "follower-")),
      UPTOP_HTTP_HOST: "127.0.0.1",
      UPTOP_HTTP_PORT: String(followerPort),
      UPTOP_API_TOKEN: randomBytes(24).toString("hex"),
      UPTOP_CLUSTER_SECRET: secret,
      UPTOP_FAILOVER_POLL: "1s",
      UPTOP_FAILOVER_THRESHOLD: "3",
      UPTOP_LOG_LEVEL: "warn",
    });
    const followerState = async () => {
      try {
        const res = await fetch(`http://127.0.0.1:${followerPort}/api/health`, { signal: AbortSignal.timeout(1000) });
        return (await res.json()).state;
      } catch {
        return "unanswered";
      }
    };
    await until("the follower standing by", async () => (await followerState()) === "standby", 60_000, 200);
    // The follower's view, sampled through every phase: it must never take over a live leader.
    const followerSeen = new Map();
    const sampler = setInterval(() => {
      void followerState().then((st) => followerSeen.set(st, (followerSeen.get(st) ?? 0) + 1));
    }, 200);
    // One page first, so the flood measures serving it rather than the very first build.
    const first = await fetch(`http://127.0.0.1:${port}/status`);
    console.log(
      `leader :${port} active (pid ${leader.pid}); /status answers ${first.status}, ` +
        `${(await first.text()).length} bytes (uncompressed)`,
    );

    const phase = async (label, ms, withFlood) => {
      const cpu0 = cpuSecondsOf(leader.pid);
      const t = performance.now();
      const poller = pollHealth(port);
      const worker = withFlood
        ? new Worker(new URL(import.meta.url), {
            workerData: { url: `http://127.0.0.1:${port}/status`, connections: CONNECTIONS, visitors: VISITORS },
          })
        : null;
      const floodDone = worker ? new Promise((r) => worker.once("message", r)) : null;
      await sleep(ms);
      worker?.postMessage("stop");
      const [health, floodStats] = await Promise.all([poller.stop(), floodDone]);
      await worker?.terminate();
      const wallS = (performance.now() - t) / 1000;
      const cpuPct = ((cpuSecondsOf(leader.pid) - cpu0) / wallS) * 100;
      return { label, wallS, cpuPct, health, flood: floodStats };
    };

    console.log(
      `\nhealth every ${POLL_EVERY_MS} ms on a new connection; ` +
        `flood: ${CONNECTIONS} connections on /status, back to back`,
    );
    const results = [];
    if (IDLE_MS > 0) results.push(await phase("idle", IDLE_MS, false));
    results.push(await phase(`flood ${fmt(DURATION_MS / 1000, 0)} s`, DURATION_MS, true));
    if (!leader.running) throw new Error(`leader exited during the flood:\n${leader.out.slice(-2000)}`);

    console.log(
      `\nphase         polls  health p50 ms  p99 ms  max ms  > ${FOLLOWER_TIMEOUT_MS / 1000} s  leader CPU %` +
        "  /status req/s  p50 ms  p99 ms  answers",
    );
    for (const r of results) {
      const s = r.health.samples;
      const f = r.flood;
      const fl = f ? [...f.latencies].sort((a, b) => a - b) : [];
      const answers = f
        ? Object.entries(f.codes)
            .map(([code, n]) => `${n}×${code}`)
            .concat(f.errors ? [`${f.errors} errors`] : [])
            .concat([`(${fmt(f.bytes / 1e6 / r.wallS)} MB/s on the wire)`])
            .join(" ")
        : "";
      console.log(
        [
          r.label.padEnd(12),
          String(s.length + r.health.failures).padStart(6),
          fmt(pct(s, 50), 1).padStart(14),
          fmt(pct(s, 99), 1).padStart(7),
          fmt(s.at(-1), 1).padStart(7),
          String(r.health.failures).padStart(7),
          fmt(r.cpuPct, 0).padStart(13),
          (f ? fmt(fl.length / r.wallS, 0) : "").padStart(14),
          (f ? fmt(pct(fl, 50), 1) : "").padStart(7),
          (f ? fmt(pct(fl, 99), 1) : "").padStart(7),
          `  ${answers}`,
        ].join(" "),
      );
    }
    console.log(
      `\n"> ${FOLLOWER_TIMEOUT_MS / 1000} s": polls unanswered within the follower's timeout (failed polls to it).`,
    );
    clearInterval(sampler);
    const states = [...followerSeen].map(([st, n]) => `${st} ${n}×`).join(", ");
    console.log(`follower (poll 1 s, threshold 3) sampled every 200 ms: ${states}`);
    if (followerSeen.has("active")) {
      console.log("FAIL: the follower took over a live leader");
      process.exitCode = 1;
    }
  } finally {
    await leader?.kill("SIGKILL");
    await follower?.kill("SIGKILL");
    target.stop();
    await temp.drop();
    await followerDb.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Monitors, a day of results (one per monitor per interval) and 89 days of rollups, written directly. */
async function seed(store, temp, { monitors, intervalS, url }) {
  const db = await store.openAndMigrate({ type: "postgres", dsn: temp.dsn });
  try {
    const box = new store.SecretBox(null);
    const ids = [];
    await db.db.transaction().execute(async (tx) => {
      for (let i = 0; i < monitors; i++) {
        const name = `service-${String(i).padStart(3, "0")}`;
        const draft = store.normalizeMonitor({ name, type: "http", url, interval: intervalS, timeout: 5 });
        ids.push((await store.createMonitorIn(tx, box, draft)).id);
      }
    });
    const now = Date.now();
    const stepMs = intervalS * 1000;
    const firstSlot = Math.floor((now - 86_400_000) / stepMs) * stepMs;
    let rows = [];
    for (let slot = firstSlot; slot < now - stepMs; slot += stepMs) {
      for (const id of ids) {
        const ok = Math.random() > 0.002;
        rows.push({
          monitorId: id,
          nodeId: "leader",
          slot: new Date(slot),
          checkedAt: new Date(slot + 5),
          ok,
          latencyMs: ok ? 20 + Math.random() * 80 : null,
          statusCode: ok ? 200 : null,
          errorCode: ok ? null : "TIMEOUT",
          errorMessage: ok ? null : "no answer",
        });
      }
      if (rows.length >= 5000) {
        await store.insertResults(db.db, rows);
        rows = [];
      }
    }
    await store.insertResults(db.db, rows);
    const today = Math.floor(now / 86_400_000) * 86_400_000;
    const rollups = [];
    for (let d = 1; d < 90; d++) {
      const day = new Date(today - d * 86_400_000).toISOString().slice(0, 10);
      for (const id of ids) {
        const downS = Math.random() < 0.05 ? Math.round(Math.random() * 600) : 0;
        rollups.push({
          monitorId: id,
          day,
          upS: 86_400 - downS,
          downS,
          maintenanceS: 0,
          checks: 86_400 / intervalS,
          failures: downS > 0 ? 1 : 0,
          latencyP50Ms: 40,
          latencyP95Ms: 90,
        });
      }
    }
    for (let i = 0; i < rollups.length; i += 5000) await store.upsertRollups(db.db, rollups.slice(i, i + 5000));
  } finally {
    await db.close();
  }
}
