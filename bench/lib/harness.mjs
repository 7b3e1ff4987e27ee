// What the benches share: pinning to one core, a target in a child process, percentiles and a
// CPU/RSS sampler.
import { spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const hasTaskset = () => spawnSync("taskset", ["-V"], { stdio: "ignore" }).status === 0;

/**
 * Re-runs the calling script under `taskset -c <core>` (once: the child gets --pinned) so "one
 * core" means one core; returns false when the caller should go on in this process.
 */
export function reexecPinned(scriptUrl, pinned, core = 0) {
  if (pinned || !hasTaskset()) return false;
  const r = spawnSync(
    "taskset",
    [
      "-c",
      String(core),
      process.execPath,
      ...process.execArgv,
      fileURLToPath(scriptUrl),
      ...process.argv.slice(2),
      "--pinned",
    ],
    { stdio: "inherit" },
  );
  process.exit(r.status ?? 1);
}

/**
 * Starts bench/lib/target.mjs on `core` (when taskset exists), answering after `delayMs`;
 * resolves its port and a stop.
 */
export async function startTarget(delayMs = 0, core = 1) {
  const script = fileURLToPath(new URL("./target.mjs", import.meta.url));
  const node = [process.execPath, script, String(delayMs)];
  const [cmd, argv] = hasTaskset() ? ["taskset", ["-c", String(core), ...node]] : [node[0], node.slice(1)];
  const child = spawn(cmd, argv, { stdio: ["pipe", "pipe", "inherit"] });
  const { port } = await new Promise((resolve) => child.stdout.once("data", (d) => resolve(JSON.parse(String(d)))));
  return {
    port,
    url: `http://127.0.0.1:${port}/`,
    stop() {
      child.stdin.end();
      child.kill();
    },
  };
}

/** The p-th percentile of an ascending array. */
export function pct(sorted, p) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;
}

const CLK_TCK = 100;

/** user+system CPU seconds of a process, from /proc (Linux). */
export function cpuSecondsOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;
}

/** Resident set size of a process in MB, from /proc (Linux). */
export function rssMbOf(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const fmt = (v, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : "n/a");

/** user+system CPU seconds of every postgres process on this machine (Linux). */
export function postgresCpuSeconds() {
  let total = 0;
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      if (!stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")).startsWith("postgres")) continue;
      total += cpuSecondsOf(pid);
    } catch {
      // the process ended while we looked
    }
  }
  return total;
}

/**
 * CPU seconds of the Postgres processes working for one database, counted per process so a
 * backend that ends in the window takes none of the total with it (postgresCpuSeconds sums the
 * processes alive at each call, and goes down when a pooled connection closes). `sample()` at the
 * start, then often (every second) so a backend that exits loses at most one interval; `seconds()`
 * splits the window's CPU into the database's own backends (their command line names it) and the
 * server's shared processes (postmaster, checkpointer, WAL writer…: not only this database's).
 */
export function postgresCpuTracker(dbName) {
  const seen = new Map();
  let started = false;
  const read = () => {
    for (const pid of readdirSync("/proc")) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        if (!stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")).startsWith("postgres")) continue;
        const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
        const client = /\(\d+\)|\[local\]/.test(cmd);
        const kind = cmd.includes(` ${dbName} `) ? "own" : client ? null : "shared";
        if (!kind) continue;
        const cpu = cpuSecondsOf(pid);
        const known = seen.get(pid);
        if (known) known.last = cpu;
        // A process first seen after the start began in the window: all its CPU is the window's.
        else seen.set(pid, { kind, first: started ? 0 : cpu, last: cpu });
      } catch {
        // the process ended while we looked
      }
    }
    started = true;
  };
  return {
    sample: read,
    seconds() {
      read();
      const out = { own: 0, shared: 0 };
      for (const p of seen.values()) out[p.kind] += p.last - p.first;
      return out;
    },
  };
}
