#!/usr/bin/env node
// Leader ingest: N simulated probes post result batches (the protocol's shape) at increasing
// rates to a real leader process on a fresh Postgres database. Prints accepted results/s, p50/p99
// POST latency, and the CPU the Postgres backends spent. Build first (`pnpm build`), then
//   node bench/ingest.mjs [--probes 5] [--batch 200] [--rates 1000,2500,5000,10000] [--duration 5]
// Postgres: UPTOP_TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = fileURLToPath(new URL("..", import.meta.url));
const { createTempDatabase } = await import(join(root, "tools/test-kit/dist/index.js"));
const { values: args } = parseArgs({
  options: {
    probes: { type: "string", default: "5" },
    batch: { type: "string", default: "200" },
    rates: { type: "string", default: "1000,2500,5000,10000" },
    duration: { type: "string", default: "5" },
    monitors: { type: "string", default: "100" },
  },
});
const PROBES = Number(args.probes);
const BATCH = Number(args.batch);
const DURATION_MS = Number(args.duration) * 1000;
const SECRET = "bench-cluster-secret-0123456789";
const TOKEN = "bench-admin-token-0123456789";
const CLK_TCK = 100;

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** user+system CPU seconds of every postgres process on this machine. */
function postgresCpuS() {
  let ticks = 0;
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      if (!comm.startsWith("postgres")) continue;
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // the process ended while we looked
    }
  }
  return ticks / CLK_TCK;
}

function pct(sorted, p) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;
}

const db = await createTempDatabase("uptop_bench_ingest");
const port = await freePort();
const leader = spawn(process.execPath, [join(root, "apps/leader/dist/main.js")], {
  env: {
    PATH: process.env.PATH,
    UPTOP_DB_TYPE: "postgres",
    UPTOP_DB_DSN: db.dsn,
    UPTOP_DATA_DIR: mkdtempSync(join(tmpdir(), "uptop-bench-")),
    UPTOP_HTTP_HOST: "127.0.0.1",
    UPTOP_HTTP_PORT: String(port),
    UPTOP_API_TOKEN: TOKEN,
    UPTOP_CLUSTER_SECRET: SECRET,
    UPTOP_LEADER_CHECKS: "false",
    UPTOP_LOG_LEVEL: "warn",
  },
  stdio: ["ignore", "pipe", "inherit"],
});
const base = `http://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${base}/api/health`)).ok) break;
  } catch {
    if (i > 200) throw new Error("leader did not start");
  }
  await new Promise((r) => setTimeout(r, 100));
}

const cluster = { "X-Upkeep-Secret": SECRET, "X-Uptop-Protocol": "1", "content-type": "application/json" };
const ids = [];
for (let i = 0; i < Number(args.monitors); i++) {
  const res = await fetch(`${base}/api/monitors`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({
      name: `bench-${i}`,
      type: "tcp",
      hostname: "db.internal",
      port: 5432,
      interval: 5,
      regions: ["bench"],
    }),
  });
  ids.push((await res.json()).id);
}
const probes = [];
for (let p = 0; p < PROBES; p++) {
  const nodeId = `bench-probe-${p}`;
  await fetch(`${base}/api/probe/register`, {
    method: "POST",
    headers: cluster,
    body: JSON.stringify({ nodeId, name: nodeId, region: "bench", version: "1.0.0", role: "probe" }),
  });
  probes.push({ nodeId, slot: Date.UTC(2026, 0, 1) });
}

function batchFor(probe) {
  const results = [];
  for (let i = 0; i < BATCH; i++) {
    const monitorId = ids[i % ids.length];
    if (i % ids.length === 0) probe.slot += 5000;
    const at = new Date(probe.slot).toISOString();
    results.push({
      monitorId,
      slot: at,
      checkedAt: at,
      ok: i % 7 !== 0,
      latencyMs: 12.5,
      statusCode: null,
      error: i % 7 === 0 ? { code: "TIMEOUT", message: "no answer" } : null,
    });
  }
  return JSON.stringify({ nodeId: probe.nodeId, results });
}

console.log(`probes=${PROBES} batch=${BATCH} monitors=${ids.length} duration=${DURATION_MS / 1000}s`);
console.log("target/s  accepted/s  p50 ms  p99 ms  max ms  postgres CPU %");
for (const rate of args.rates.split(",").map(Number)) {
  const latencies = [];
  let accepted = 0;
  const perProbeEveryMs = (BATCH * PROBES * 1000) / rate;
  const cpu0 = postgresCpuS();
  const t0 = performance.now();
  await Promise.all(
    probes.map(async (probe, i) => {
      let next = t0 + (i * perProbeEveryMs) / PROBES;
      while (performance.now() - t0 < DURATION_MS) {
        const wait = next - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        next += perProbeEveryMs;
        const body = batchFor(probe);
        const s = performance.now();
        const res = await fetch(`${base}/api/probe/results`, { method: "POST", headers: cluster, body });
        const answer = await res.json();
        latencies.push(performance.now() - s);
        if (res.ok) accepted += answer.accepted;
      }
    }),
  );
  const wall = (performance.now() - t0) / 1000;
  const cpu = postgresCpuS() - cpu0;
  latencies.sort((a, b) => a - b);
  console.log(
    [
      rate,
      Math.round(accepted / wall),
      pct(latencies, 50).toFixed(1),
      pct(latencies, 99).toFixed(1),
      latencies.at(-1).toFixed(1),
      ((cpu / wall) * 100).toFixed(0),
    ]
      .map((v) => String(v).padStart(9))
      .join(" "),
  );
}
// Let the leader's write queue drain, then count what reached the table.
await new Promise((r) => setTimeout(r, 3000));
const { default: pg } = await import(join(root, "packages/store/node_modules/pg/lib/index.js"));
const client = new pg.Client({ connectionString: db.dsn });
await client.connect();
const { rows } = await client.query("select count(*)::int as n from check_results");
console.log(`rows stored: ${rows[0].n}`);
await client.end();
leader.kill("SIGTERM");
await new Promise((r) => leader.on("exit", r));
await db.drop();
