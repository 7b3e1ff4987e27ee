// The server for bench/tui.mjs: a serving node (no engine) on an in-memory SQLite with N
// monitors in groups of 20, one in ten DOWN; prints its URL, serves until SIGTERM.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [count, TOKEN] = [Number(process.argv[2]), process.argv[3]];
const dist = (p) => import(new URL(`../../${p}/dist/index.js`, import.meta.url).href);
const { loadConfig, SecretBox, normalizeMonitor } = await dist("packages/core");
const { openAndMigrate, createMonitorIn, saveMonitorStates } = await dist("packages/store");
const { ServingNode, EpochHolder } = await dist("packages/serving-node");
const STATUSES = ["UP", "UP", "UP", "UP", "UP", "UP", "UP", "DOWN", "PENDING", "LATE"];

const config = loadConfig({
  UPTOP_DB_DSN: ":memory:",
  UPTOP_DATA_DIR: mkdtempSync(join(tmpdir(), "uptop-bench-tui-")),
  UPTOP_HTTP_HOST: "127.0.0.1",
  UPTOP_HTTP_PORT: "0",
  UPTOP_API_TOKEN: TOKEN,
  UPTOP_ENCRYPTION_KEY: "c".repeat(64),
  UPTOP_LOG_LEVEL: "error",
});
const store = await openAndMigrate({ type: "sqlite", dsn: ":memory:" });
const epoch = new EpochHolder(store.db, config.cluster.nodeId);
await epoch.load();
const box = new SecretBox(config.security.encryptionKey);
const logger = { error() {}, warn() {}, info() {}, debug() {}, child: () => logger };
const node = new ServingNode({ config, logger, store, box, apiToken: TOKEN, role: "leader", epoch });
const ids = [];
await store.db.transaction().execute(async (tx) => {
  for (let i = 0; i < count; i++) {
    const group = i % 20 === 0;
    const body = group
      ? { name: `group-${i / 20}`, type: "group" }
      : {
          name: `svc-${String(i).padStart(5, "0")}`,
          type: "http",
          url: `https://svc${i}.example/health`,
          parent: `group-${Math.floor(i / 20)}`,
          retries: 2,
        };
    ids.push((await createMonitorIn(tx, box, normalizeMonitor(body))).id);
  }
});
const at = new Date().toISOString();
await saveMonitorStates(
  store.db,
  ids.map((id, i) => {
    const status = STATUSES[i % STATUSES.length];
    const ok = status !== "DOWN";
    const vote = { node: "leader", region: "eu-west", ok, latencyMs: ok ? 20 + (i % 900) : null, error: null, at };
    return {
      monitorId: id,
      status,
      health: ok ? "UP" : "DOWN",
      since: at,
      failures: ok ? 0 : 1,
      successes: ok ? 1 : 0,
      lastCheck: { at, ok, latencyMs: vote.latencyMs, error: null, node: "leader" },
      votes: [vote],
      lastPushAt: null,
      downSince: ok ? null : at,
      noData: false,
    };
  }),
);
const port = await node.listen();
process.stdout.write(`http://127.0.0.1:${port}\n`);
process.on("SIGTERM", async () => {
  await node.stop();
  await store.close();
  process.exit(0);
});
