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
// so pass e.g. --interval 7 to see its spread.
// Before the kills, the alert latency replication adds: --monitors HTTP monitors at 5 s, with a
// default webhook channel pointed at a loopback receiver, have their target flipped down and up
// --flips times, first with the leader alone, then with the follower tailing its change feed.
// Per alert it reports the leader's wait for the follower (its debug line "notification
// replicated"; "sent before the follower held it" counts as unreplicated), and in both phases the
// time from the first answer in the flipped mode to the webhook's arrival, and from the flip itself
// (which adds the wait for the monitor's next slot). --flips 0 skips this part.
// Build first (`pnpm build`), then
//   node bench/failover.mjs [--runs 5] [--max-wait 5] [--interval 5] [--monitors 20] [--flips 3]
// Postgres: UPTOP_TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Proc } from "../scripts/smoke/processes.mjs";
import {
  FlipTarget,
  flipCycles,
  replicationHistogram,
  startStampingReceiver,
  summary,
  tapLog,
} from "./lib/alert-latency.mjs";
import { fmt } from "./lib/harness.mjs";

const { values: args } = parseArgs({
  options: {
    runs: { type: "string", default: "5" },
    "max-wait": { type: "string", default: "5" },
    interval: { type: "string", default: "5" },
    monitors: { type: "string", default: "20" },
    flips: { type: "string", default: "3" },
  },
});
const RUNS = Number(args.runs);
const MAX_WAIT_MS = Number(args["max-wait"]) * 1000;
const INTERVAL_S = Number(args.interval);
const MONITORS = Number(args.monitors);
const FLIPS = Number(args.flips);
if (
  !Number.isInteger(RUNS) ||
  RUNS < 1 ||
  !(MAX_WAIT_MS >= 0) ||
  !Number.isInteger(INTERVAL_S) ||
  INTERVAL_S < 5 ||
  !Number.isInteger(MONITORS) ||
  MONITORS < 1 ||
  !Number.isInteger(FLIPS) ||
  FLIPS < 0
) {
  console.error(
    "usage: node bench/failover.mjs [--runs N (≥ 1)] [--max-wait seconds] [--interval seconds (≥ 5)] " +
      "[--monitors N (≥ 1)] [--flips N (0: no alert latency)]",
  );
  process.exit(2);
}

const { createTempDatabase, freePort, sleep, StopWaiting, until } = await import(
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
// The alerting monitors check at the shortest interval, so a flip turns into an alert soonest.
const ALERT_INTERVAL_S = 5;
const TOKEN = randomBytes(24).toString("hex");
const SECRET = randomBytes(24).toString("hex");
const KEY = randomBytes(32).toString("hex");

const work = mkdtempSync(join(tmpdir(), "uptop-bench-failover-"));
const procs = new Map();
const dbs = [];
let target;
let receiver;

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
    // The leader logs each alert's wait for the follower at debug level.
    UPTOP_LOG_LEVEL: name === "leader" ? "debug" : "info",
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

/** A default webhook channel to the receiver, and the alerting monitors, one target path each. */
async function createAlerting(port) {
  await api(port, "/api/channels", {
    method: "POST",
    body: JSON.stringify({ name: "bench-hook", type: "webhook", default: true, settings: { url: receiver.url } }),
  });
  const monitors = [];
  for (let i = 1; i <= MONITORS; i++) {
    const name = `bench-alert-${String(i).padStart(3, "0")}`;
    const path = `/${name}`;
    const m = await api(port, "/api/monitors", {
      method: "POST",
      body: JSON.stringify({
        name,
        type: "http",
        url: target.urlOf(path),
        interval: ALERT_INTERVAL_S,
        timeout: 2,
        retries: 0,
      }),
    });
    monitors.push({ id: m.id, name, path });
  }
  return monitors;
}

async function flipPhase(port, monitors, alive) {
  const ids = new Set(monitors.map((m) => m.id));
  await until(
    `the ${monitors.length} alerting monitors UP`,
    async () => {
      alive();
      return (await api(port, "/api/monitors")).filter((m) => ids.has(m.id) && m.status === "UP").length === ids.size;
    },
    PHASE_TIMEOUT_MS,
  );
  return flipCycles({ target, receiver, monitors, cycles: FLIPS, intervalS: ALERT_INTERVAL_S, alive });
}

const ms = (v) => fmt(v, 1);

/** Prints the replication wait per alert, and the alert latency with the leader alone and with the follower. */
function reportAlertLatency(alone, withFollower, lines, histogram) {
  const waits = lines.filter((l) => l.message === "notification replicated").map((l) => l.waitedMs);
  const unreplicated = lines.filter((l) => l.message !== "notification replicated").map((l) => l.waitedMs);
  const fromAnswer = (alerts) => alerts.map((a) => a.arrivedAt - a.answerAt);
  const fromFlip = (alerts) => alerts.map((a) => a.arrivedAt - a.flipAt);
  console.log(`\nalerts (ms)                          n     p50     p99     max    mean`);
  const row = (label, xs) => {
    const s = summary(xs);
    const cells = [s.p50, s.p99, s.max, s.mean].map((v) => ms(v).padStart(7));
    console.log(`${label.padEnd(33)} ${String(s.n).padStart(4)} ${cells.join(" ")}`);
    return s;
  };
  row("replication wait (leader's log)", waits);
  const a = row("check answer → webhook, alone", fromAnswer(alone));
  const f = row("check answer → webhook, follower", fromAnswer(withFollower));
  row("target flip → webhook, alone", fromFlip(alone));
  row("target flip → webhook, follower", fromFlip(withFollower));
  // The dispatcher polls its outbox every second, so answer → webhook spreads over a second
  // either way: the difference of the means carries this standard error.
  const variance = (xs, mean) => xs.reduce((acc, x) => acc + (x - mean) ** 2, 0) / Math.max(1, xs.length - 1);
  const se = Math.sqrt(variance(fromAnswer(alone), a.mean) / a.n + variance(fromAnswer(withFollower), f.mean) / f.n);
  console.log(
    `added by the follower (check answer → webhook): p50 ${ms(f.p50 - a.p50)} ms, ` +
      `mean ${ms(f.mean - a.mean)} ± ${ms(se)} ms (one standard error)`,
  );
  console.log(
    `unreplicated ("sent before the follower held it"): ${unreplicated.length}` +
      (unreplicated.length ? `, waited up to ${ms(Math.max(...unreplicated))} ms` : ""),
  );
  // Every alert sent with the follower attached waits for it: one that logged neither line went
  // out as if there were no follower, and nothing records that the follower may lack it.
  const silent = withFollower.length - waits.length - unreplicated.length;
  if (silent !== 0) console.log(`with the follower but neither replicated nor unreplicated: ${silent} (expected 0)`);
  const h = (outcome) => histogram[outcome] ?? { count: 0, sum: 0 };
  const meanMs = ({ count, sum }) => (count ? ms((sum / count) * 1000) : "n/a");
  console.log(
    `the leader's uptop_alert_replication_wait_seconds: replicated ${h("replicated").count} ` +
      `(mean ${meanMs(h("replicated"))} ms), unreplicated ${h("unreplicated").count}`,
  );
}

async function bench() {
  const ports = { leader: await freePort(), follower: await freePort() };
  const leaderUrl = `http://127.0.0.1:${ports.leader}`;
  const [leaderDb, followerDb] = [
    await createTempDatabase("uptop_bench_fo_leader"),
    await createTempDatabase("uptop_bench_fo_follower"),
  ];
  dbs.push(leaderDb, followerDb);
  target = await new FlipTarget().start();
  receiver = await startStampingReceiver();

  const startLeader = () =>
    start("leader", {
      UPTOP_CLUSTER_MODE: "leader",
      UPTOP_DB_DSN: leaderDb.dsn,
      UPTOP_HTTP_PORT: String(ports.leader),
    });
  // Only the first leader process sends alerts; the restarted ones of the kill runs need no tap.
  const replicationLog = tapLog(startLeader().child.stdout, [
    "notification replicated",
    "notification sent before the follower held it",
  ]);
  await until("the leader's /api/health", async () => (alive("leader"), health(ports.leader)), PHASE_TIMEOUT_MS);
  // Created before the follower starts, so its first mirror already holds work for the engine.
  const monitor = await api(ports.leader, "/api/monitors", {
    method: "POST",
    body: JSON.stringify({
      name: "bench-failover",
      type: "http",
      url: target.urlOf("/health"),
      interval: INTERVAL_S,
      timeout: 2,
      retries: 0,
    }),
  });
  const alerting = FLIPS > 0 ? await createAlerting(ports.leader) : [];
  let alone = [];
  if (FLIPS > 0) {
    await until(
      "the leader active",
      async () => (alive("leader"), (await health(ports.leader))?.state === "active"),
      PHASE_TIMEOUT_MS,
    );
    console.log(
      `alert latency: ${MONITORS} monitors every ${ALERT_INTERVAL_S} s, a default webhook channel, ` +
        `${FLIPS} down/up flips each; leader alone…`,
    );
    alone = await flipPhase(ports.leader, alerting, () => alive("leader"));
  }
  const logMark = replicationLog.length;

  start("follower", {
    UPTOP_CLUSTER_MODE: "follower",
    UPTOP_PEER_URL: leaderUrl,
    UPTOP_DB_DSN: followerDb.dsn,
    UPTOP_HTTP_PORT: String(ports.follower),
  });
  await until(
    "the follower on standby with the monitors mirrored, tailing the change feed",
    async () => {
      alive("leader", "follower");
      const h = await health(ports.follower);
      // Applied entries mean the follower asks the leader's feed; a mirror alone does not.
      if (h?.state !== "standby" || !h.leader?.feed?.lastAppliedAt) return false;
      const mirrored = new Set((await api(ports.follower, "/api/monitors")).map((m) => m.id));
      return [monitor, ...alerting].every((m) => mirrored.has(m.id));
    },
    PHASE_TIMEOUT_MS,
  );
  await until(
    "the leader active",
    async () => (alive("leader"), (await health(ports.leader))?.state === "active"),
    PHASE_TIMEOUT_MS,
  );
  if (FLIPS > 0) {
    console.log("… and with the follower");
    const withFollower = await flipPhase(ports.leader, alerting, () => alive("leader", "follower"));
    const metricsText = await (
      await fetch(`http://127.0.0.1:${ports.leader}/metrics`, {
        headers: { authorization: `Bearer ${TOKEN}` },
        signal: AbortSignal.timeout(5000),
      })
    ).text();
    reportAlertLatency(alone, withFollower, replicationLog.slice(logMark), replicationHistogram(metricsText));
  }
  console.log(
    `\nleader :${ports.leader}, follower :${ports.follower}, monitor #${monitor.id} every ${INTERVAL_S} s on ${target.urlOf("/health")}; poll 5 s, threshold 3 (defaults); ${RUNS} runs`,
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
  await target?.stop();
  await receiver?.stop();
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
