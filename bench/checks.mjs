#!/usr/bin/env node
// CPU cost of an @uptop/checks check next to blackbox_exporter's, side by side in one run.
// Both answer the same `GET /probe?target=…&module=http_2xx|tcp_connect` requests, each in its
// own process pinned to the same core, against the same loopback target (a child process on the
// other core, `Connection: close`, so every check opens a fresh connection). The two take turns
// step by step (which goes first alternates by round). Each step checks its own pair of target
// ports: a step at 1000/s leaves ~15 000 sockets in TIME_WAIT towards its port for a minute, and
// connect() then searches the ephemeral range past them, so a shared port made whichever step came
// later pay for the ones before it (round 2 read up to 1.9x round 1 on the same code). CPU is read from /proc for each process
// (user + system), so other load on the machine moves latency, not the CPU figures.
// A third process, "front", is the uptop side answering every request without checking: what
// Node's HTTP server costs per /probe request at that rate, before any check.
// A fourth, "probe", is uptop as deployed: a probe process (bench/probe.mjs) holding rate × 5
// monitors at 5 s against the same target, on the same core, its results posted to a fake leader.
// No /probe request reaches it; its CPU per check includes its scheduling and result posts, and its
// p50/p99 are the checks' own latencies, not a request's.
// Build first (`pnpm build`; `pnpm --filter @uptop/checks... build` for all rows but "probe"), then
//   node bench/checks.mjs [--duration 15] [--rates 300,1000] [--types http,tcp] [--rounds 2] [--warmup 10] [--core 1]
// blackbox_exporter comes from Debian's `prometheus-blackbox-exporter` (or --blackbox <path>);
// without it the bench runs the uptop side alone and says so.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseQuery } from "node:querystring";
import { parseArgs } from "node:util";
import { cpuSecondsOf, fmt, hasTaskset, pct, sleep } from "./lib/harness.mjs";

const self = fileURLToPath(import.meta.url);
const PROBE_MAIN = fileURLToPath(new URL("../apps/probe/dist/main.js", import.meta.url));
const { values: args } = parseArgs({
  options: {
    duration: { type: "string", default: "15" },
    rates: { type: "string", default: "300,1000" },
    types: { type: "string", default: "http,tcp" },
    rounds: { type: "string", default: "2" },
    warmup: { type: "string", default: "10" },
    core: { type: "string", default: "1" },
    blackbox: { type: "string", default: "" },
    // Internal: the child process modes.
    target: { type: "boolean", default: false },
    listeners: { type: "string", default: "1" },
    serve: { type: "boolean", default: false },
    "no-check": { type: "boolean", default: false },
  },
});

if (args.target) await runTarget();
else if (args.serve) await runUptopServer();
else await main();

/** The target: a tiny HTTP server and a TCP acceptor, each on `--listeners` ports; prints them. */
async function runTarget() {
  const body = Buffer.from("ok\n");
  const answer = (_req, res) => {
    res.writeHead(200, { "content-type": "text/plain", "content-length": body.length, connection: "close" });
    res.end(body);
  };
  const hangUp = (s) => {
    s.on("error", () => {});
    s.end();
  };
  const listen = (server) =>
    new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server.address().port)));
  const ports = { http: [], tcp: [] };
  for (let i = 0; i < Number(args.listeners); i++) {
    ports.http.push(await listen(http.createServer(answer)));
    ports.tcp.push(await listen(net.createServer(hangUp)));
  }
  process.stdout.write(`${JSON.stringify(ports)}\n`);
  process.stdin.on("end", () => process.exit(0));
  process.stdin.resume();
}

/**
 * The uptop side: blackbox_exporter's /probe interface over runCheck, answering in the
 * exposition format so both sides do comparable work per request.
 */
async function runUptopServer() {
  const { runCheck } = await import(new URL("../packages/checks/dist/index.js", import.meta.url).href);
  const options = { allowPrivateTargets: true };
  const server = http.createServer(async (req, res) => {
    // The harness's own share of each request is kept small: a query string parse, not a URL.
    const q = parseQuery(req.url.slice(req.url.indexOf("?") + 1));
    const target = String(q.target ?? "");
    let spec;
    if (q.module === "tcp_connect") {
      const i = target.lastIndexOf(":");
      spec = { type: "tcp", hostname: target.slice(0, i), port: Number(target.slice(i + 1)), timeoutS: 5 };
    } else spec = { type: "http", url: target, timeoutS: 5 };
    const r = args["no-check"] ? { ok: true, latencyMs: 0 } : await runCheck(spec, options);
    const text =
      `probe_success ${r.ok ? 1 : 0}\nprobe_duration_seconds ${(r.latencyMs ?? 0) / 1000}\n` +
      (r.ok ? "" : `# error ${r.error.code}: ${r.error.message}\n`);
    res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
    res.end(text);
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, "127.0.0.1", () => process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`));
  process.stdin.on("end", () => process.exit(0));
  process.stdin.resume();
}

function findBlackbox() {
  if (args.blackbox) return existsSync(args.blackbox) ? args.blackbox : null;
  for (const name of ["prometheus-blackbox-exporter", "blackbox_exporter"]) {
    const r = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  return null;
}

/** `taskset -c core …` when taskset exists. */
function pinned(core, cmd, argv) {
  return hasTaskset() ? ["taskset", ["-c", String(core), cmd, ...argv]] : [cmd, argv];
}

function firstLine(child) {
  return new Promise((resolve, reject) => {
    let buf = "";
    child.stdout.on("data", (d) => {
      buf += d;
      const nl = buf.indexOf("\n");
      if (nl >= 0) resolve(JSON.parse(buf.slice(0, nl)));
    });
    child.once("exit", (code) => reject(new Error(`child exited with ${code}`)));
  });
}

async function freePort() {
  const s = net.createServer();
  await new Promise((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

async function startBlackbox(binary, core, dir) {
  // Every probe builds its own client in blackbox_exporter, so each check is a fresh connection;
  // the target's `Connection: close` makes sure of it.
  const config = join(dir, "blackbox.yml");
  writeFileSync(
    config,
    [
      "modules:",
      "  http_2xx:",
      "    prober: http",
      "    timeout: 5s",
      "    http:",
      "      preferred_ip_protocol: ip4",
      "      ip_protocol_fallback: false",
      "  tcp_connect:",
      "    prober: tcp",
      "    timeout: 5s",
      "    tcp:",
      "      preferred_ip_protocol: ip4",
      "      ip_protocol_fallback: false",
      "",
    ].join("\n"),
  );
  const port = await freePort();
  const [cmd, argv] = pinned(core, binary, [
    `--config.file=${config}`,
    `--web.listen-address=127.0.0.1:${port}`,
    "--log.level=error",
  ]);
  const child = spawn(cmd, argv, { stdio: ["ignore", "ignore", "inherit"] });
  for (let i = 0; i < 100; i++) {
    const up = await fetch(`http://127.0.0.1:${port}/-/healthy`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return { name: "blackbox", child, port };
    await sleep(100);
  }
  child.kill();
  throw new Error("blackbox_exporter did not come up");
}

async function main() {
  const core = Number(args.core);
  const other = core === 0 ? 1 : 0;
  const blackboxBinary = findBlackbox();
  if (!blackboxBinary) {
    console.log(
      "blackbox_exporter not found (Debian: apt-get install --no-install-recommends prometheus-blackbox-exporter, " +
        "or --blackbox <path>): measuring @uptop/checks alone",
    );
  }
  // This driver runs on the other core with the target.
  if (hasTaskset()) spawnSync("taskset", ["-pc", String(other), String(process.pid)], { stdio: "ignore" });
  const dir = mkdtempSync(join(tmpdir(), "checks-bench-"));
  const durationS = Number(args.duration);
  const rates = args.rates.split(",").map(Number);
  const types = args.types.split(",");
  const rounds = Number(args.rounds);
  const steps = 4 * types.length * (1 + rounds * rates.length);
  const [tcmd, targv] = pinned(other, process.execPath, [self, "--target", "--listeners", String(steps)]);
  const target = spawn(tcmd, targv, { stdio: ["pipe", "pipe", "inherit"] });
  const ports = await firstLine(target);
  const [ucmd, uargv] = pinned(core, process.execPath, [self, "--serve"]);
  const uptopChild = spawn(ucmd, uargv, { stdio: ["pipe", "pipe", "inherit"] });
  const uptop = { name: "uptop", child: uptopChild, port: (await firstLine(uptopChild)).port };
  const [fcmd, fargv] = pinned(core, process.execPath, [self, "--serve", "--no-check"]);
  const frontChild = spawn(fcmd, fargv, { stdio: ["pipe", "pipe", "inherit"] });
  const front = { name: "front", child: frontChild, port: (await firstLine(frontChild)).port };
  const blackbox = blackboxBinary ? await startBlackbox(blackboxBinary, core, dir) : null;
  const probe = existsSync(PROBE_MAIN) ? { name: "probe", core } : null;
  if (!probe) console.log("apps/probe is not built: no probe row (pnpm build)");
  const systems = [blackbox, uptop, front, probe].filter(Boolean);

  // A fresh port of the same target for every step (see the top of this file).
  const fresh = {
    http: (port = ports.http.shift()) => ({ module: "http_2xx", target: `http://127.0.0.1:${port}/`, port }),
    tcp: (port = ports.tcp.shift()) => ({ module: "tcp_connect", target: `127.0.0.1:${port}`, port }),
  };
  console.log(
    `node ${process.version}, ${durationS} s per step, checkers pinned to core ${hasTaskset() ? core : "(no taskset)"}, ` +
      `target and driver on core ${other}; ${blackbox ? blackboxBinary : "no blackbox_exporter"}`,
  );
  // Warm-up, not counted: JIT for uptop, connection setup paths for both. A probe runs for days,
  // so its steady state is what counts; a short warm-up measured tcp 300/s ~30 % dearer.
  const warmupS = Number(args.warmup);
  // The probe row warms up inside each of its steps (a new process each time).
  for (const s of systems) if (s !== probe) for (const type of types) await step(s, fresh[type](), 500, warmupS);

  const rows = [];
  console.log("round type rate  system    checks/s  CPU-ms/check  failed  p50 ms  p99 ms");
  for (let round = 1; round <= rounds; round++) {
    const order = round % 2 === 1 ? systems : [...systems].reverse();
    for (const type of types) {
      for (const rate of rates) {
        const got = {};
        for (const s of order) {
          const r =
            s === probe
              ? await probeStep(core, type, fresh[type](), rate, durationS, warmupS)
              : await step(s, fresh[type](), rate, durationS);
          got[s.name] = r;
          console.log(
            `${String(round).padEnd(5)} ${type.padEnd(4)} ${String(rate).padEnd(5)} ${s.name.padEnd(8)} ` +
              `${fmt(r.perSec, 0).padStart(9)}  ${fmt(r.cpuMs, 3).padStart(12)}  ${String(r.failed).padStart(6)}  ` +
              `${fmt(r.p50, 2).padStart(6)}  ${fmt(r.p99, 2).padStart(6)}`,
          );
          if (r.firstError) console.log(`      first failure: ${r.firstError}`);
        }
        rows.push({ round, type, rate, ...got });
      }
    }
  }
  if (blackbox) {
    console.log(
      "\n| round | mode | rate/s | blackbox CPU-ms/check | uptop CPU-ms/check | ratio | front alone | " +
        "p99 ms blackbox / uptop | probe as deployed (ratio) |",
    );
    console.log("|---|---|---|---|---|---|---|---|---|");
    for (const r of rows) {
      console.log(
        `| ${r.round} | ${r.type} | ${r.rate} | ${fmt(r.blackbox.cpuMs, 3)} | ${fmt(r.uptop.cpuMs, 3)} | ` +
          `${fmt(r.uptop.cpuMs / r.blackbox.cpuMs, 2)} | ${fmt(r.front.cpuMs, 3)} ` +
          `(${fmt(r.front.cpuMs / r.blackbox.cpuMs, 2)}) | ${fmt(r.blackbox.p99, 1)} / ${fmt(r.uptop.p99, 1)} | ` +
          `${r.probe ? `${fmt(r.probe.cpuMs, 3)} (${fmt(r.probe.cpuMs / r.blackbox.cpuMs, 2)})` : "–"} |`,
      );
    }
  }
  for (const s of systems) s.child?.kill();
  target.stdin.end();
  target.kill();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

/**
 * `rate` /probe requests per second for `durationS` (open loop: sent on schedule whether or not
 * earlier ones finished) over kept-alive connections to the checker. Returns the checker's CPU
 * per completed check, failures and request latency percentiles.
 */
async function step(system, { module, target }, rate, durationS) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const path = `/probe?module=${module}&target=${encodeURIComponent(target)}`;
  const latencies = [];
  let failed = 0;
  let firstError = null;
  let sent = 0;
  let done = 0;
  const once = () =>
    new Promise((resolve) => {
      const start = performance.now();
      const req = http.get({ host: "127.0.0.1", port: system.port, path, agent }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c) => (text += c));
        res.on("end", () => {
          latencies.push(performance.now() - start);
          if (!/^probe_success 1$/m.test(text)) {
            failed++;
            firstError ??= text.split("\n").find((l) => l.startsWith("# error")) ?? "probe_success 0";
          }
          done++;
          resolve();
        });
      });
      req.on("error", (err) => {
        failed++;
        firstError ??= err.message;
        done++;
        resolve();
      });
    });
  const cpu0 = cpuSecondsOf(system.child.pid);
  const t0 = performance.now();
  await new Promise((resolve) => {
    const timer = setInterval(() => {
      const elapsed = performance.now() - t0;
      if (elapsed >= durationS * 1000) {
        clearInterval(timer);
        const wait = setInterval(() => done === sent && (clearInterval(wait), resolve()), 5);
        return;
      }
      const due = Math.floor((elapsed / 1000) * rate) - sent;
      for (let i = 0; i < due; i++) {
        sent++;
        once();
      }
    }, 2);
  });
  const wallS = (performance.now() - t0) / 1000;
  const cpuS = cpuSecondsOf(system.child.pid) - cpu0;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    perSec: done / wallS,
    cpuMs: (cpuS * 1000) / Math.max(1, done),
    failed,
    firstError,
    p50: pct(latencies, 50),
    p99: pct(latencies, 99),
  };
}

/**
 * The probe row: bench/probe.mjs with `rate` checks a second (rate × 5 monitors at 5 s) against
 * this step's target port, the probe process on `core`; returns its figures as step() does.
 */
async function probeStep(core, type, { port }, rate, durationS, warmupS) {
  const script = fileURLToPath(new URL("./probe.mjs", import.meta.url));
  const child = spawn(
    process.execPath,
    [
      script,
      ...["--type", type, "--monitors", String(rate * 5), "--interval", "5", "--duration", String(durationS)],
      ...["--warmup", String(warmupS), "--core", String(core), "--target-port", String(port), "--json"],
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  const code = await new Promise((r) => child.on("exit", r));
  const last = out.trim().split("\n").at(-1);
  if (code !== 0 || !last?.startsWith("{")) throw new Error(`bench/probe.mjs exited with ${code}:\n${out}`);
  const r = JSON.parse(last);
  return { ...r, failed: r.failed + r.missed, firstError: r.missed ? `${r.missed} slots missed` : null };
}
