#!/usr/bin/env node
// Throughput and CPU cost of @uptop/checks on one core: HTTP and TCP checks with fresh
// connections against loopback targets that run in a child process (so their CPU is not
// counted). Build first: `pnpm --filter @uptop/checks... build`, then
//   node bench/checks.mjs [--duration 30] [--rates 100,300,1000,max] [--types http,tcp]
import { spawn, spawnSync } from "node:child_process";
import http from "node:http";
import net from "node:net";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const self = fileURLToPath(import.meta.url);
const { values: args } = parseArgs({
  options: {
    duration: { type: "string", default: "30" },
    rates: { type: "string", default: "100,300,1000,max" },
    types: { type: "string", default: "http,tcp" },
    concurrency: { type: "string", default: "64" },
    target: { type: "boolean", default: false },
    pinned: { type: "boolean", default: false },
  },
});

if (args.target) {
  // Target mode: a tiny HTTP server and a TCP acceptor; report ports on stdout.
  const body = Buffer.from("ok\n");
  const web = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/plain", "content-length": body.length });
    res.end(body);
  });
  web.keepAliveTimeout = 0;
  const tcp = net.createServer((s) => {
    s.on("error", () => {});
    s.destroy();
  });
  web.listen(0, "127.0.0.1", () =>
    tcp.listen(0, "127.0.0.1", () => {
      process.stdout.write(`${JSON.stringify({ http: web.address().port, tcp: tcp.address().port })}\n`);
    }),
  );
  process.stdin.on("end", () => process.exit(0));
  process.stdin.resume();
} else if (!args.pinned && hasTaskset()) {
  // Re-run pinned to core 0 so "per core" means one core.
  const r = spawnSync(
    "taskset",
    ["-c", "0", process.execPath, ...process.execArgv, self, ...process.argv.slice(2), "--pinned"],
    { stdio: "inherit" },
  );
  process.exit(r.status ?? 1);
} else {
  await main();
}

function hasTaskset() {
  return spawnSync("taskset", ["-V"], { stdio: "ignore" }).status === 0;
}

async function main() {
  const { runCheck } = await import("../packages/checks/dist/index.js");
  const targetCmd = hasTaskset()
    ? ["taskset", ["-c", "1", process.execPath, self, "--target"]]
    : [process.execPath, [self, "--target"]];
  const target = spawn(targetCmd[0], targetCmd[1], { stdio: ["pipe", "pipe", "inherit"] });
  const ports = await new Promise((resolve) => target.stdout.once("data", (d) => resolve(JSON.parse(String(d)))));
  const durationS = Number(args.duration);
  const rates = args.rates.split(",");
  const types = args.types.split(",");
  const options = { allowPrivateTargets: true };
  const specs = {
    http: { type: "http", url: `http://127.0.0.1:${ports.http}/`, timeoutS: 10 },
    tcp: { type: "tcp", hostname: "127.0.0.1", port: ports.tcp, timeoutS: 10 },
  };
  console.log(`node ${process.version}, ${durationS} s per step, pinned: ${args.pinned ? "core 0" : "no"}`);
  console.log("type  rate    checks/s  CPU-ms/check  failures  RSS MB  p50 ms  p99 ms");
  for (const type of types) {
    // Warm up the JIT so the first step is not charged for it.
    await step(runCheck, specs[type], options, 200, 2, 16);
    for (const rate of rates) {
      const r = await step(
        runCheck,
        specs[type],
        options,
        rate === "max" ? Infinity : Number(rate),
        durationS,
        Number(args.concurrency),
      );
      console.log(
        `${type.padEnd(5)} ${rate.padEnd(6)} ${r.perSec.toFixed(0).padStart(9)}  ${r.cpuMs.toFixed(3).padStart(12)}  ${String(r.failures).padStart(8)}  ${r.rssMb.toFixed(0).padStart(6)}  ${r.p50.toFixed(2).padStart(6)}  ${r.p99.toFixed(2).padStart(6)}`,
      );
      if (r.firstError) console.log(`      first failure: ${r.firstError}`);
    }
  }
  target.stdin.end();
  target.kill();
}

/**
 * Runs checks at `rate` per second (open loop: launched on schedule whether or not earlier ones
 * finished, up to a safety cap) or, at rate Infinity, with `concurrency` always in flight.
 */
async function step(runCheck, spec, options, rate, durationS, concurrency) {
  const latencies = [];
  let failures = 0;
  let firstError = null;
  let launched = 0;
  let inFlight = 0;
  let rssMax = 0;
  const durationMs = durationS * 1000;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const once = async () => {
    inFlight++;
    const start = performance.now();
    const r = await runCheck(spec, options);
    latencies.push(performance.now() - start);
    if (!r.ok) {
      failures++;
      firstError ??= `${r.error.code}: ${r.error.message}`;
    }
    inFlight--;
  };
  await new Promise((resolve) => {
    if (rate === Infinity) {
      const loop = () => {
        if (performance.now() - t0 >= durationMs) {
          if (inFlight === 0) resolve();
          return;
        }
        launched++;
        once().then(loop);
      };
      for (let i = 0; i < concurrency; i++) loop();
      return;
    }
    const timer = setInterval(() => {
      const elapsed = performance.now() - t0;
      rssMax = Math.max(rssMax, process.memoryUsage.rss());
      if (elapsed >= durationMs) {
        clearInterval(timer);
        const wait = setInterval(() => inFlight === 0 && (clearInterval(wait), resolve()), 5);
        return;
      }
      const due = Math.floor((elapsed / 1000) * rate) - launched;
      for (let i = 0; i < due && inFlight < 5000; i++) {
        launched++;
        once();
      }
    }, 5);
  });
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  rssMax = Math.max(rssMax, process.memoryUsage.rss());
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((latencies.length * p) / 100))] ?? 0;
  return {
    perSec: latencies.length / wallS,
    cpuMs: (cpu.user + cpu.system) / 1000 / Math.max(1, latencies.length),
    failures,
    firstError,
    rssMb: rssMax / 1e6,
    p50: pct(50),
    p99: pct(99),
  };
}
