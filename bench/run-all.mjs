#!/usr/bin/env node
// Lists or runs the benches. Build first (`pnpm build`).
//   pnpm bench                 lists them
//   pnpm bench all             runs each with its defaults, one after the other
//   pnpm bench scheduler -- --duration 30   runs one, passing the rest of the arguments on
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const BENCHES = {
  checks: "CPU per HTTP and TCP check of @uptop/checks next to blackbox_exporter (when installed) on one core",
  "check-floor":
    "in one process, CPU per @uptop/checks HTTP and TCP check next to a bare http.get / net.connect, " +
    "back to back and spaced as at 300/s",
  ingest: "leader ingest of probe result batches into Postgres, POST latency",
  scheduler:
    "the leader's engine with 10 000 HTTP monitors at 30 s on one core: lag, missed slots, CPU, RSS, write batches",
  probe:
    "one probe process with 10 000 HTTP monitors at 30 s on one core (--type tcp for TCP): " +
    "lag, missed slots, CPU, CPU-ms per check, RSS",
  failover:
    "leader + follower on Postgres, default poll/threshold: alert latency added by replication, " +
    "kill -9 to follower active, leader back to follower standby",
  "health-under-load":
    "a leader on Postgres with 200 monitors: /api/health p50/p99/max while 50 connections flood /status",
  text: "making outside text storable: wellFormed on clean and damaged strings, the deep check of a result",
  "slow-bodies": "a leader on Postgres: RSS growth while 400 unauthenticated connections trickle 1 MB bodies for 30 s",
  embedded:
    "the leader process as a user runs it, on SQLite then Postgres: cold start to healthy, idle RSS, " +
    "then 1 000 HTTP monitors at 60 s for 600 s: RSS, CPU-ms per check",
  tui: "the terminal dashboard with 10 000 monitors at 160×48 and 80×24: frame time, key press to frame",
  web: "the web dashboard in Chromium with 1 000 monitors: navigation to the last row, frames during a burst of live changes",
};

const [which, ...rest] = process.argv.slice(2).filter((a, i) => !(i === 1 && a === "--"));
if (!which) {
  console.log("benches (pnpm bench <name> [-- args] | pnpm bench all):");
  for (const [name, what] of Object.entries(BENCHES)) console.log(`  ${name.padEnd(17)} ${what}`);
  process.exit(0);
}
const names = which === "all" ? Object.keys(BENCHES) : [which];
for (const name of names) {
  if (!(name in BENCHES)) {
    console.error(`no bench named ${name}; one of: ${Object.keys(BENCHES).join(", ")}, all`);
    process.exit(2);
  }
  console.log(`\n== ${name}: ${BENCHES[name]}`);
  const script = fileURLToPath(new URL(`./${name}.mjs`, import.meta.url));
  const r = spawnSync(process.execPath, [script, ...(which === "all" ? [] : rest)], { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
