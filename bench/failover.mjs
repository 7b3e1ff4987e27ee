#!/usr/bin/env node
// Failover timings with real processes: a leader and a follower with the DEFAULT poll (5 s) and
// threshold (3), each on its own temporary Postgres database, one HTTP monitor at 5 s on a
// loopback target. Each run: wait a random 0–5 s (so the kill lands anywhere in the follower's
// poll cycle), kill -9 the leader, time until the follower's /api/health says active and until
// its first own check; wait another random 0–5 s, restart the leader on the same database and
// time, from the leader's first healthy answer, until the follower says standby and until the
// leader says active again.
// The first check waits for the monitor's next grid slot after take-over (up to one interval);
// with the interval equal to the poll (5 s) that wait is the same in every run of one session,
// so pass e.g. --interval 7 to see its spread. Build first (`pnpm build`), then
//   node bench/failover.mjs [--runs 5] [--max-wait 5] [--interval 5]
// Postgres: UPTOP_TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { freePort, startTarget } from "../scripts/smoke/loopback.mjs";
import { Proc } from "../scripts/smoke/processes.mjs";
import { fmt } from "./lib/harness.mjs";

const { values: args } = parseArgs({
  options: {
    runs: { type: "string", default: "5" },
    "max-wait": { type: "string", default: "5" },
    interval: { type: "string", default: "5" },
  },
});
const RUNS = Number(args.runs);
const MAX_WAIT_MS = Number(args["max-wait"]) * 1000;
const INTERVAL_S = Number(args.interval);
if (!Number.isInteger(RUNS) || RUNS < 1 || !(MAX_WAIT_MS >= 0) || !Number.isInteger(INTERVAL_S) || INTERVAL_S < 5) {
  console.error("usage: node bench/failover.mjs [--runs N (≥ 1)] [--max-wait seconds] [--interval seconds (≥ 5)]");
  process.exit(2);
}

const { createTempDatabase, sleep, StopWaiting, until } = await import(
  new URL("../tools/test-kit/dist/index.js", import.meta.url).href
);
const main = (app) => fileURLToPath(new URL(`../apps/${app}/dist/main.js`, import.meta.url));

// The targets: the follower's first check ≤ 16 s after the leader dies; it stands down ≤ 6 s
// after the leader returns.
const TAKEOVER_TARGET_MS = 16_000;
const STANDDOWN_TARGET_MS = 6_000;
// The figures are read by polling /api/health this often; they carry up to this much error.
const POLL_MS = 50;
const PHASE_TIMEOUT_MS = 60_000;
const TOKEN = randomBytes(24).toString("hex");
const SECRET = randomBytes(24).toString("hex");
const KEY = randomBytes(32).toString("hex");

const work = mkdtempSync(join(tmpdir(), "uptop-bench-failover-"));
const procs = new Map();
const dbs = [];
let target;

function start(name, vars) {
  const dataDir = join(work, name);
  mkdirSync(dataDir, { recursive: true });
  const env = {
    PATH: process.env.PATH ?? "",
    UPTOP_HTTP_HOST: "127.0.0.1",
    UPTOP_DATA_DIR: dataDir,
    UPTOP_CLUSTER_SECRET: SECRET,
    UPTOP_API_TOKEN: TOKEN,
    UPTOP_ENCRYPTION_KEY: KEY,
    UPTOP_ALLOW_PRIVATE_TARGETS: "true",
    UPTOP_LOG_LEVEL: "info",
    UPTOP_DB_TYPE: "postgres",
    UPTOP_NODE_ID: name,
    ...vars,
  };
  const p = new Proc(name, main(name), env);
  procs.set(name, p);
  return p;
}

async function health(port) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(1500) });
    return res.ok ? await res.json() : null;
  } catch {
    return null;
  }
}

async function api(port, path, init = {}) {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    signal: AbortSignal.timeout(5000),
  });
  const body = await res.text();
  if (res.status >= 300) throw new Error(`${init.method ?? "GET"} ${path} on :${port}: ${res.status} ${body}`);
  return JSON.parse(body);
}

function alive(...names) {
  for (const n of names) {
    const p = procs.get(n);
    if (p && !p.running) throw new StopWaiting(`${n} exited (${p.child.exitCode ?? p.child.signalCode})`);
  }
}

/** Polls every POLL_MS until `fn` is truthy; resolves to the ms since `from`. */
async function msUntil(what, from, fn) {
  await until(what, fn, PHASE_TIMEOUT_MS, POLL_MS);
  return Date.now() - from;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const sec = (ms) => fmt(ms / 1000, 2);

async function bench() {
  const ports = { leader: await freePort(), follower: await freePort() };
  const leaderUrl = `http://127.0.0.1:${ports.leader}`;
  const [leaderDb, followerDb] = [
    await createTempDatabase("uptop_bench_fo_leader"),
    await createTempDatabase("uptop_bench_fo_follower"),
  ];
  dbs.push(leaderDb, followerDb);
  target = await startTarget();

  const startLeader = () =>
    start("leader", {
      UPTOP_CLUSTER_MODE: "leader",
      UPTOP_DB_DSN: leaderDb.dsn,
      UPTOP_HTTP_PORT: String(ports.leader),
    });
  startLeader();
  await until("the leader's /api/health", async () => (alive("leader"), health(ports.leader)), PHASE_TIMEOUT_MS);
  // Created before the follower starts, so its first mirror already holds work for the engine.
  const monitor = await api(ports.leader, "/api/monitors", {
    method: "POST",
    body: JSON.stringify({
      name: "bench-failover",
      type: "http",
      url: target.url,
      interval: INTERVAL_S,
      timeout: 2,
      retries: 0,
    }),
  });
  start("follower", {
    UPTOP_CLUSTER_MODE: "follower",
    UPTOP_PEER_URL: leaderUrl,
    UPTOP_DB_DSN: followerDb.dsn,
    UPTOP_HTTP_PORT: String(ports.follower),
  });
  await until(
    "the follower on standby with the monitor mirrored",
    async () => {
      alive("leader", "follower");
      if ((await health(ports.follower))?.state !== "standby") return false;
      return (await api(ports.follower, "/api/monitors")).some((m) => m.id === monitor.id);
    },
    PHASE_TIMEOUT_MS,
  );
  await until(
    "the leader active",
    async () => (alive("leader"), (await health(ports.leader))?.state === "active"),
    PHASE_TIMEOUT_MS,
  );
  console.log(
    `leader :${ports.leader}, follower :${ports.follower}, monitor #${monitor.id} every ${INTERVAL_S} s on ${target.url}; poll 5 s, threshold 3 (defaults); ${RUNS} runs`,
  );
  console.log(
    "run  wait-before-kill  take-over  first-check  wait-before-restart  leader-serving  stand-down  leader-active   (s)",
  );

  const runs = [];
  for (let i = 1; i <= RUNS; i++) {
    const wait = Math.random() * MAX_WAIT_MS;
    await sleep(wait);
    const killedAt = Date.now();
    await procs.get("leader").kill("SIGKILL");
    const takeover = await msUntil(
      "the follower active",
      killedAt,
      async () => (alive("follower"), (await health(ports.follower))?.state === "active"),
    );
    // Take-over counts to the follower's first check; a check at a slot before the kill is the
    // leader's, mirrored.
    const firstCheck = await msUntil("the follower's first check", killedAt, async () => {
      alive("follower");
      const at = (await api(ports.follower, `/api/monitors/${monitor.id}`)).lastCheck?.at;
      return at !== undefined && Date.parse(at) >= killedAt;
    });

    // Likewise for the restart: right after the first check it would land at the same point of
    // the follower's poll cycle in every run.
    const restartWait = Math.random() * MAX_WAIT_MS;
    await sleep(restartWait);
    const startedAt = Date.now();
    startLeader();
    const serving = await msUntil(
      "the leader's first healthy answer",
      startedAt,
      async () => (alive("leader"), (await health(ports.leader))?.role === "leader"),
    );
    const answeredAt = startedAt + serving;
    const [standDown, leaderActive] = await Promise.all([
      msUntil(
        "the follower on standby",
        answeredAt,
        async () => (alive("follower"), (await health(ports.follower))?.state === "standby"),
      ),
      msUntil(
        "the leader active",
        answeredAt,
        async () => (alive("leader"), (await health(ports.leader))?.state === "active"),
      ),
    ]);
    runs.push({ takeover, firstCheck, standDown, leaderActive });
    console.log(
      [
        String(i).padStart(3),
        sec(wait).padStart(16),
        sec(takeover).padStart(10),
        sec(firstCheck).padStart(12),
        sec(restartWait).padStart(20),
        sec(serving).padStart(15),
        sec(standDown).padStart(11),
        sec(leaderActive).padStart(14),
      ].join(" "),
    );
  }

  console.log(`\nover ${RUNS} runs (s)       min  median     max   target`);
  const row = (label, key, targetMs) => {
    const xs = runs.map((r) => r[key]);
    const worst = Math.max(...xs);
    const verdict = targetMs === null ? "" : `≤ ${targetMs / 1000} ${worst <= targetMs ? "met" : "MISSED"}`;
    console.log(
      `${label.padEnd(20)} ${sec(Math.min(...xs)).padStart(6)} ${sec(median(xs)).padStart(7)} ${sec(worst).padStart(7)}   ${verdict}`,
    );
  };
  row("take-over (active)", "takeover", TAKEOVER_TARGET_MS);
  row("first check", "firstCheck", TAKEOVER_TARGET_MS);
  row("stand-down", "standDown", STANDDOWN_TARGET_MS);
  row("leader active again", "leaderActive", null);
  console.log(
    `take-over and first check count from kill -9; stand-down and leader active from the restarted leader's first healthy answer; ±${POLL_MS} ms polling`,
  );
}

let cleaning = null;
let interrupted = false;
const cleanUp = () => (cleaning ??= cleanUpOnce());

async function cleanUpOnce() {
  await Promise.all([...procs.values()].map((p) => p.kill("SIGKILL")));
  await target?.close();
  for (const d of dbs) {
    try {
      await d.drop();
    } catch (err) {
      console.error(`failover bench: could not drop database ${d.name}: ${err instanceof Error ? err.message : err}`);
    }
  }
  rmSync(work, { recursive: true, force: true });
}

// An interrupted bench must not leave servers or databases behind.
process.on("exit", () => {
  for (const p of procs.values()) if (p.running) p.child.kill("SIGKILL");
});
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    interrupted = true;
    console.error(`failover bench: ${sig}, stopping`);
    void cleanUp().finally(() => process.exit(130));
  });
}

let ok = true;
try {
  await bench();
} catch (err) {
  ok = false;
  // An interrupt kills the processes under the running phase; its error says nothing new.
  if (interrupted) await new Promise(() => {});
  console.error(err instanceof Error ? err.message : err);
  for (const p of procs.values()) {
    console.error(`\n--- last lines of ${p.name}${p.running ? "" : " (exited)"} ---`);
    console.error(p.tail(30).join("\n"));
  }
}
await cleanUp();
process.exit(ok ? 0 : 1);
