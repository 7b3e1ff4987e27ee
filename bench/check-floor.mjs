#!/usr/bin/env node
// How close a check of @uptop/checks is to the least Node can do for it, in one process: CPU per
// HTTP check against a bare `http.get` with a connection of its own, and per TCP check against a
// bare `net.connect` + reset; each back to back and spaced as at 300 checks/s (one check, then
// idle until the next, which is how a probe runs). The target is a child process on the other
// core. Build first (`pnpm --filter @uptop/checks... build`), then
//   node bench/check-floor.mjs [--checks 3000] [--rounds 3]
import net from "node:net";
import http from "node:http";
import { parseArgs } from "node:util";
import { reexecPinned, sleep, startTarget } from "./lib/harness.mjs";

const { values: args } = parseArgs({
  options: {
    checks: { type: "string", default: "3000" },
    rounds: { type: "string", default: "3" },
    pinned: { type: "boolean", default: false },
  },
});
// This process on core 0, the target on core 1.
if (reexecPinned(import.meta.url, args.pinned, 0)) process.exit(0);

const { runCheck } = await import(new URL("../packages/checks/dist/index.js", import.meta.url).href);
const target = await startTarget();
const url = `http://127.0.0.1:${target.port}/`;
// TCP checks connect to the same target and reset at once, before a byte reaches its parser.
const options = { allowPrivateTargets: true };

const cases = {
  "http  bare http.get": () =>
    new Promise((resolve, reject) => {
      const req = http.get(url, { agent: false }, (res) => {
        res.on("data", () => {});
        res.on("end", resolve);
      });
      req.on("error", reject);
    }),
  "http  runCheck": () => runCheck({ type: "http", url, timeoutS: 5 }, options),
  "tcp   bare net.connect": () =>
    new Promise((resolve, reject) => {
      const s = net.connect({ host: "127.0.0.1", port: target.port });
      s.once("connect", () => {
        s.resetAndDestroy();
        resolve();
      });
      s.once("error", reject);
    }),
  "tcp   runCheck": () => runCheck({ type: "tcp", hostname: "127.0.0.1", port: target.port, timeoutS: 5 }, options),
  "idle  3.3 ms timer alone": async () => {},
};

async function cpuPerCall(fn, n, gapMs) {
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    await fn();
    if (gapMs) await sleep(gapMs);
  }
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000 / n;
}

const n = Number(args.checks);
// Warm-up, not counted: JIT and the connection paths of both sides.
for (const [name, fn] of Object.entries(cases)) if (!name.startsWith("idle")) await cpuPerCall(fn, n, 0);
console.log(`node ${process.version}, ${n} calls per figure; CPU-ms per call (user + system)`);
console.log("round  case                       back to back   spaced (300/s)");
for (let round = 1; round <= Number(args.rounds); round++) {
  for (const [name, fn] of Object.entries(cases)) {
    const tight = name.startsWith("idle") ? 0 : await cpuPerCall(fn, n, 0);
    const spaced = await cpuPerCall(fn, Math.ceil(n / 3), 3.3);
    console.log(
      `${String(round).padEnd(6)} ${name.padEnd(26)} ${tight.toFixed(3).padStart(12)}   ${spaced.toFixed(3).padStart(14)}`,
    );
  }
}
await target.stop();
process.exit(0);
