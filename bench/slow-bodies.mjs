#!/usr/bin/env node
// Can unauthenticated clients pin the leader's memory with slow request bodies? A real leader
// process on a fresh Postgres database; its RSS is sampled while C connections (default 400) each
// declare a large body (default 1 000 000 bytes, just under the largest limit a reader had before
// bodies were judged by their headers) on a route they hold no credentials for, and trickle it
// (default 4 KiB every 100 ms) for the hold time (default 30 s). A connection the leader closes is
// opened again after --reconnect ms (default 1000; 0: never), so the attack keeps its connections
// coming without turning into a flood of new ones. Routes in turn:
// an admin POST without the token, probe results and the handback without the cluster secret,
// config apply without the token. The leader runs with the heap cap the Kubernetes manifests set
// (--heap 384 MB; 0: node's default). Prints RSS before, peak and after, the growth, the answers
// the clients got and how much of their bodies the leader let them send. Build first, then
//   node bench/slow-bodies.mjs [--connections 400] [--declared 1000000] [--hold 30]
//     [--chunk 4096] [--every 100] [--reconnect 1000] [--heap 384]
// UPTOP_BENCH_DURATION_S shortens the hold without arguments. Postgres: UPTOP_TEST_DATABASE_URL
// (default postgres://postgres@127.0.0.1:5432/postgres), a fresh database per run.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { fmt, rssMbOf, sleep } from "./lib/harness.mjs";

const ROUTES = ["/api/monitors", "/api/probe/results", "/api/cluster/handback", "/api/config/apply"];

/**
 * One attacker connection, opened again whenever the leader closes it, until `stop()`: headers
 * declaring `declared` bytes, then `chunk` bytes every `everyMs`. Counts answers and bytes sent.
 */
function slowClient({ port, path, declared, chunk, everyMs, reconnectMs }, tally) {
  let stopped = false;
  let socket = null;
  let timer = null;
  const payload = Buffer.alloc(chunk, 0x61);
  const open = () => {
    if (stopped) return;
    let sent = 0;
    let head = "";
    socket = net.connect(port, "127.0.0.1");
    tally.connections++;
    socket.on("connect", () => {
      socket.write(
        `POST ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n` +
          `content-length: ${declared}\r\n\r\n`,
      );
      timer = setInterval(() => {
        if (sent >= declared || socket.destroyed) return clearInterval(timer);
        const n = Math.min(chunk, declared - sent);
        socket.write(n === chunk ? payload : payload.subarray(0, n));
        sent += n;
        tally.bytesSent += n;
      }, everyMs);
    });
    socket.on("data", (d) => {
      if (head.length < 16) head += d.toString("latin1", 0, 16);
      const status = /^HTTP\/1\.1 (\d{3})/.exec(head)?.[1];
      if (status && !head.includes("|")) {
        tally.answers[status] = (tally.answers[status] ?? 0) + 1;
        head += "|";
      }
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      clearInterval(timer);
      if (!stopped && reconnectMs > 0) setTimeout(open, reconnectMs);
    });
  };
  open();
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
      socket?.destroy();
    },
  };
}

async function main() {
  const { values: args } = parseArgs({
    options: {
      connections: { type: "string", default: "400" },
      declared: { type: "string", default: "1000000" },
      hold: { type: "string", default: process.env.UPTOP_BENCH_DURATION_S ?? "30" },
      chunk: { type: "string", default: "4096" },
      every: { type: "string", default: "100" },
      reconnect: { type: "string", default: "1000" },
      heap: { type: "string", default: "384" },
    },
  });
  const CONNECTIONS = Number(args.connections);
  const DECLARED = Number(args.declared);
  const HOLD_MS = Number(args.hold) * 1000;
  const CHUNK = Number(args.chunk);
  const EVERY_MS = Number(args.every);
  const RECONNECT_MS = Number(args.reconnect);
  const HEAP_MB = Number(args.heap);
  if (
    ![CONNECTIONS, DECLARED, HOLD_MS, CHUNK, EVERY_MS].every((n) => Number.isInteger(n) && n > 0) ||
    ![RECONNECT_MS, HEAP_MB].every((n) => Number.isInteger(n) && n >= 0)
  ) {
    console.error("usage: node bench/slow-bodies.mjs [--connections N] [--declared bytes] [--hold s] [--chunk bytes]");
    process.exit(2);
  }

  const dist = (p) => import(new URL(`../${p}/dist/index.js`, import.meta.url).href);
  const { createTempDatabase, freePort, spawnNode, until } = await dist("tools/test-kit");
  const temp = await createTempDatabase("uptop_bench_slow_bodies");
  const dataDir = mkdtempSync(join(tmpdir(), "uptop-bench-slow-bodies-"));
  let leader = null;
  const clients = [];
  // An interrupted bench must not leave its leader or its database behind.
  process.once("SIGINT", () => {
    for (const c of clients) c.stop();
    leader?.child.kill("SIGKILL");
    void temp.drop().finally(() => process.exit(130));
  });
  try {
    const port = await freePort();
    leader = spawnNode("leader", fileURLToPath(new URL("../apps/leader/dist/main.js", import.meta.url)), {
      UPTOP_DB_TYPE: "postgres",
      UPTOP_DB_DSN: temp.dsn,
      UPTOP_DATA_DIR: dataDir,
      UPTOP_HTTP_HOST: "127.0.0.1",
      UPTOP_HTTP_PORT: String(port),
      UPTOP_API_TOKEN: randomBytes(24).toString("hex"),
      UPTOP_CLUSTER_SECRET: randomBytes(24).toString("hex"),
      UPTOP_LOG_LEVEL: "warn",
      ...(HEAP_MB ? { NODE_OPTIONS: `--max-old-space-size=${HEAP_MB}` } : {}),
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
    // Let start-up allocations settle before the baseline.
    await sleep(3000);
    const before = rssMbOf(leader.pid);
    const heap = HEAP_MB ? `heap cap ${HEAP_MB} MB` : "node's default heap cap";
    console.log(`leader :${port} active (pid ${leader.pid}, ${heap}); RSS ${fmt(before)} MB before the attack`);
    console.log(
      `${CONNECTIONS} connections, each declaring ${DECLARED} bytes and sending ${CHUNK} every ${EVERY_MS} ms ` +
        `for ${fmt(HOLD_MS / 1000, 0)} s, ` +
        (RECONNECT_MS ? `reconnecting ${RECONNECT_MS} ms after the leader closes one` : "never reconnecting"),
    );

    const tally = { connections: 0, bytesSent: 0, answers: {} };
    for (let i = 0; i < CONNECTIONS; i++) {
      const path = ROUTES[i % ROUTES.length];
      const options = { port, path, declared: DECLARED, chunk: CHUNK, everyMs: EVERY_MS, reconnectMs: RECONNECT_MS };
      clients.push(slowClient(options, tally));
    }
    let peak = before;
    const started = performance.now();
    while (performance.now() - started < HOLD_MS) {
      await sleep(500);
      if (!leader.running) throw new Error(`leader exited during the attack:\n${leader.out.slice(-2000)}`);
      peak = Math.max(peak, rssMbOf(leader.pid));
    }
    for (const c of clients) c.stop();
    await sleep(2000);
    const after = rssMbOf(leader.pid);
    const health = await fetch(`http://127.0.0.1:${port}/api/health`);

    const answers = Object.entries(tally.answers)
      .map(([code, n]) => `${n}×${code}`)
      .join(" ");
    console.log(`\nRSS before ${fmt(before)} MB, peak ${fmt(peak)} MB, 2 s after ${fmt(after)} MB`);
    console.log(`growth (peak - before): ${fmt(peak - before)} MB (target < 50 MB)`);
    console.log(
      `connections opened ${tally.connections}; answers ${answers || "none"}; ` +
        `body bytes the clients sent ${fmt(tally.bytesSent / 1e6)} MB ` +
        `(${fmt(tally.bytesSent / Math.max(1, tally.connections) / 1024)} KiB per connection)`,
    );
    console.log(`health after the attack: ${health.status}`);
  } finally {
    for (const c of clients) c.stop();
    await leader?.kill("SIGKILL");
    await temp.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
