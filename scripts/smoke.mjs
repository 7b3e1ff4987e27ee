// pnpm smoke: the whole uptop story on loopback with real processes. A leader and a
// follower, each on its own temporary Postgres database, two probes in two regions, a target the
// script switches between healthy and failing, and a webhook receiver standing for the outside
// world. Exits 0 only when every step passed; on a failure prints the last lines of every log.
// Needs `pnpm build` first and a Postgres server (UPTOP_TEST_DATABASE_URL, default
// postgres://postgres@127.0.0.1:5432/postgres).
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createTempDatabase } from "@uptop/test-kit";
import { freePort, startReceiver, startTarget } from "./smoke/loopback.mjs";
import { StopWaiting as Fatal, sleep, until } from "@uptop/test-kit";
import { Proc, run } from "./smoke/processes.mjs";
import { Report } from "./smoke/report.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const MAIN = {
  leader: join(ROOT, "apps", "leader", "dist", "main.js"),
  follower: join(ROOT, "apps", "follower", "dist", "main.js"),
  probe: join(ROOT, "apps", "probe", "dist", "main.js"),
  cli: join(ROOT, "apps", "cli", "dist", "main.js"),
};
const MONITOR = "smoke-shop";
const REGIONS = ["eu-west", "us-east"];
// A follower takes over within 3 missed polls 5 s apart, plus one second of slack.
const FAILOVER_LIMIT_MS = 16_000;
// How long "no second notification" is watched: longer than one check interval (5 s).
const QUIET_MS = 8_000;
const TOKEN = randomBytes(24).toString("hex");
const SECRET = randomBytes(24).toString("hex");
const KEY = randomBytes(32).toString("hex");

const report = new Report("smoke");
const work = mkdtempSync(join(tmpdir(), "uptop-smoke-"));
const procs = new Map();
const dbs = [];
let target;
let receiver;

function env(name, vars) {
  const dataDir = join(work, name);
  mkdirSync(dataDir, { recursive: true });
  return {
    PATH: process.env.PATH ?? "",
    UPTOP_HTTP_HOST: "127.0.0.1",
    UPTOP_DATA_DIR: dataDir,
    UPTOP_CLUSTER_SECRET: SECRET,
    UPTOP_ALLOW_PRIVATE_TARGETS: "true",
    UPTOP_LOG_LEVEL: "info",
    ...vars,
  };
}

function start(name, main, vars) {
  const p = new Proc(name, main, env(name, vars));
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

async function api(port, path) {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    headers: { authorization: `Bearer ${TOKEN}` },
    signal: AbortSignal.timeout(5000),
  });
  if (res.status !== 200) throw new Error(`GET ${path} on :${port}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Fails fast when a process that should be serving has died, instead of waiting out a timeout. */
function alive(...names) {
  for (const n of names) {
    const p = procs.get(n);
    if (p && !p.running) throw new Fatal(`${n} exited (${p.child.exitCode ?? p.child.signalCode})`);
  }
}

const stateOf = async (port) => (await health(port))?.state;

async function story() {
  const ports = { leader: await freePort(), follower: await freePort(), probes: [await freePort(), await freePort()] };
  const leaderUrl = `http://127.0.0.1:${ports.leader}`;
  const followerUrl = `http://127.0.0.1:${ports.follower}`;
  let leaderDb;
  let monitorId;

  await report.step("1. loopback target and webhook receiver", async () => {
    target = await startTarget();
    receiver = await startReceiver();
    return `target ${target.url}, receiver ${receiver.url}`;
  });

  const startLeader = async () => {
    const p = start("leader", MAIN.leader, {
      UPTOP_CLUSTER_MODE: "leader",
      UPTOP_DB_TYPE: "postgres",
      UPTOP_DB_DSN: leaderDb.dsn,
      UPTOP_HTTP_PORT: String(ports.leader),
      UPTOP_API_TOKEN: TOKEN,
      UPTOP_ENCRYPTION_KEY: KEY,
    });
    await until("the leader's /api/health", async () => (alive("leader"), health(ports.leader)), 60_000);
    return p;
  };

  await report.step("2. leader, follower and two probes on random ports", async () => {
    leaderDb = await createTempDatabase("uptop_smoke_leader");
    dbs.push(leaderDb);
    const followerDb = await createTempDatabase("uptop_smoke_follower");
    dbs.push(followerDb);
    await startLeader();
    start("follower", MAIN.follower, {
      UPTOP_CLUSTER_MODE: "follower",
      UPTOP_PEER_URL: leaderUrl,
      UPTOP_DB_TYPE: "postgres",
      UPTOP_DB_DSN: followerDb.dsn,
      UPTOP_HTTP_PORT: String(ports.follower),
      UPTOP_API_TOKEN: TOKEN,
      UPTOP_ENCRYPTION_KEY: KEY,
    });
    for (const [i, region] of REGIONS.entries()) {
      start(`probe-${region}`, MAIN.probe, {
        UPTOP_CLUSTER_MODE: "probe",
        UPTOP_PEER_URL: `${leaderUrl},${followerUrl}`,
        UPTOP_NODE_ID: `probe-${region}`,
        UPTOP_NODE_REGION: region,
        UPTOP_HTTP_PORT: String(ports.probes[i]),
        UPTOP_PROBE_SYNC_INTERVAL: "2s",
      });
    }
    const names = [...procs.keys()];
    await until(
      "the follower on standby",
      async () => (alive(...names), (await stateOf(ports.follower)) === "standby"),
      60_000,
    );
    await until(
      "both probes healthy",
      async () => (alive(...names), (await Promise.all(ports.probes.map(health))).every(Boolean)),
      60_000,
    );
    await until("the leader's state active", async () => (await stateOf(ports.leader)) === "active", 60_000);
    return `leader :${ports.leader}, follower :${ports.follower}, probes :${ports.probes.join(", :")}`;
  });

  await report.step("3. uptop apply: a default webhook channel and an http monitor in both regions", async () => {
    const file = join(work, "smoke.yaml");
    writeFileSync(
      file,
      [
        "channels:",
        "  - name: smoke-hook",
        "    type: webhook",
        "    default: true",
        "    settings:",
        `      url: ${receiver.url}`,
        "monitors:",
        `  - name: ${MONITOR}`,
        "    type: http",
        `    url: ${target.url}`,
        "    interval: 5",
        "    timeout: 2",
        "    retries: 0",
        `    regions: [${REGIONS.join(", ")}]`,
        "",
      ].join("\n"),
    );
    const { code, out } = await run(MAIN.cli, ["apply", "-f", file, "--server", leaderUrl, "--token", TOKEN], {
      PATH: process.env.PATH ?? "",
    });
    if (code !== 0) throw new Error(`uptop apply exited ${code}:\n${out}`);
    const monitors = await api(ports.leader, "/api/monitors");
    monitorId = monitors.find((m) => m.name === MONITOR)?.id;
    if (monitorId === undefined) throw new Error(`apply said ok but ${MONITOR} is not listed:\n${out}`);
    return `monitor ${MONITOR} is #${monitorId}; plan: ${out.trim().split("\n").join(" | ")}`;
  });

  const monitor = (port) => api(port, `/api/monitors/${monitorId}`);

  await report.step("4. the monitor is UP with votes from both regions", async () => {
    const m = await until(
      `${MONITOR} UP with a vote from each of ${REGIONS.join(", ")}`,
      async () => {
        alive(...procs.keys());
        const m = await monitor(ports.leader);
        const regions = new Set((m.votes ?? []).map((v) => v.region));
        if (m.status === "UP" && REGIONS.every((r) => regions.has(r))) return m;
        throw new Error(`status ${m.status}, votes from ${JSON.stringify(m.votes ?? [])}`);
      },
      60_000,
    );
    return `votes: ${m.votes.map((v) => `${v.node}@${v.region ?? "-"}=${v.ok ? "ok" : "fail"}`).join(", ")}`;
  });

  await report.step("5. the target breaks: exactly one DOWN notification", async () => {
    target.up = false;
    const brokeAt = Date.now();
    await until("a DOWN delivery at the receiver", async () => receiver.events(MONITOR, "down").length > 0, 60_000);
    const latency = Date.now() - brokeAt;
    await sleep(QUIET_MS);
    const downs = receiver.events(MONITOR, "down").length;
    if (downs !== 1) throw new Error(`${downs} DOWN notifications, expected 1`);
    return `delivered ${(latency / 1000).toFixed(1)} s after the break, no repeat within ${QUIET_MS / 1000} s`;
  });

  await report.step("6. kill -9 the leader: the follower takes over", async () => {
    // The follower mirrors every 30 s; it must hold the monitor's DOWN before the leader dies,
    // or it would lead with a stale picture.
    await until(
      "the follower's mirror to show the monitor DOWN",
      async () => (await monitor(ports.follower)).status === "DOWN",
      60_000,
      500,
    );
    await procs.get("leader").kill("SIGKILL");
    const killedAt = Date.now();
    await until(
      "the follower active",
      async () => (alive("follower"), (await stateOf(ports.follower)) === "active"),
      45_000,
      100,
    );
    const ms = Date.now() - killedAt;
    if (ms > FAILOVER_LIMIT_MS)
      throw new Error(`the follower took ${(ms / 1000).toFixed(1)} s, more than ${FAILOVER_LIMIT_MS / 1000} s`);
    return `follower active ${(ms / 1000).toFixed(1)} s after the kill (limit ${FAILOVER_LIMIT_MS / 1000} s)`;
  });

  await report.step("7. restart the leader on the same database: the follower stands down", async () => {
    const startedAt = Date.now();
    await startLeader();
    const answeredAt = Date.now();
    await until(
      "the follower back on standby",
      async () => (alive("follower"), (await stateOf(ports.follower)) === "standby"),
      45_000,
      100,
    );
    const standDownMs = Date.now() - answeredAt;
    await until(
      "the leader active",
      async () => (alive("leader"), (await stateOf(ports.leader)) === "active"),
      45_000,
      100,
    );
    const activeMs = Date.now() - answeredAt;
    return `leader serving ${((answeredAt - startedAt) / 1000).toFixed(1)} s after start; follower standby ${(standDownMs / 1000).toFixed(1)} s and leader active ${(activeMs / 1000).toFixed(1)} s after it answered`;
  });

  await report.step("8. the target recovers: exactly one UP, still exactly one DOWN", async () => {
    target.up = true;
    await until("an UP delivery at the receiver", async () => receiver.events(MONITOR, "up").length > 0, 60_000);
    await sleep(QUIET_MS);
    const ups = receiver.events(MONITOR, "up").length;
    const downs = receiver.events(MONITOR, "down").length;
    if (ups !== 1 || downs !== 1) throw new Error(`${ups} UP and ${downs} DOWN notifications, expected 1 and 1`);
    const status = (await monitor(ports.leader)).status;
    if (status !== "UP") throw new Error(`the leader shows ${status}, expected UP`);
    return `${receiver.received.length} deliveries in all: ${receiver.received.map((d) => d.event ?? "?").join(", ")}`;
  });

  await report.step("9. SIGTERM every process: each exits 0", async () => {
    const codes = await Promise.all([...procs].map(async ([name, p]) => [name, await p.stop(15_000)]));
    const bad = codes.filter(([, c]) => c !== 0);
    if (bad.length) throw new Error(bad.map(([n, c]) => `${n} exited ${c}`).join(", "));
    return codes.map(([n]) => n).join(", ");
  });
}

async function cleanUp() {
  await Promise.all([...procs.values()].map((p) => p.kill("SIGKILL")));
  await target?.close();
  await receiver?.close();
  for (const d of dbs) {
    try {
      await d.drop();
    } catch (err) {
      console.error(`smoke: could not drop database ${d.name}: ${err instanceof Error ? err.message : err}`);
    }
  }
  rmSync(work, { recursive: true, force: true });
}

// A killed smoke must not leave servers behind on the machine.
process.on("exit", () => {
  for (const p of procs.values()) if (p.running) p.child.kill("SIGKILL");
});
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    console.error(`smoke: ${sig}, stopping`);
    void cleanUp().finally(() => process.exit(130));
  });
}

let ok = true;
try {
  await story();
} catch (err) {
  ok = false;
  if (!(err instanceof Error) || report.failed === 0) console.error(err);
  for (const p of procs.values()) {
    console.error(`\n--- last lines of ${p.name}${p.running ? "" : " (exited)"} ---`);
    console.error(p.tail(30).join("\n"));
  }
}
await cleanUp();
console.log(report.summary());
process.exit(ok ? 0 : 1);
