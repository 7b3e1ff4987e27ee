import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig, SecretBox } from "@uptop/core";
import { EpochHolder, ServingNode } from "@uptop/serving-node";
import { openAndMigrate, type Store } from "@uptop/store";
import { ADMIN_TOKEN, apiClient, quietLogger, runNode, type ApiClient, type Env, type NodeRun } from "@uptop/test-kit";

const KEY = "a".repeat(64);

export interface TestServer {
  url: string;
  store: Store;
  api: ApiClient;
  /** Starts the engine, for tests that need checks to run (against loopback targets only). */
  activate(): Promise<void>;
  stop(): Promise<void>;
}

export interface TestServerOptions {
  /** Let checks and channel tests reach loopback receivers (UPTOP_ALLOW_PRIVATE_TARGETS). */
  allowPrivateTargets?: boolean;
}

/**
 * A serving node in this process on an in-memory SQLite and a loopback port. The engine is not
 * activated unless a test asks: most are about configuration, and no check should reach the network.
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const config = loadConfig({
    UPTOP_DB_DSN: ":memory:",
    UPTOP_DATA_DIR: mkdtempSync(join(tmpdir(), "uptop-cli-")),
    UPTOP_HTTP_HOST: "127.0.0.1",
    UPTOP_HTTP_PORT: "0",
    UPTOP_API_TOKEN: ADMIN_TOKEN,
    UPTOP_ENCRYPTION_KEY: KEY,
    UPTOP_LOG_LEVEL: "error",
    ...(options.allowPrivateTargets ? { UPTOP_ALLOW_PRIVATE_TARGETS: "true" } : {}),
  });
  const store = await openAndMigrate({ type: "sqlite", dsn: ":memory:" });
  const epoch = new EpochHolder(store.db, config.cluster.nodeId);
  await epoch.load();
  const box = new SecretBox(config.security.encryptionKey);
  const logger = quietLogger();
  const node = new ServingNode({ config, logger, store, box, apiToken: ADMIN_TOKEN, role: "leader", epoch });
  const url = `http://127.0.0.1:${await node.listen()}`;
  return {
    url,
    store,
    api: apiClient(url),
    activate: () => node.activate("test"),
    async stop() {
      await node.stop();
      await store.close();
    },
  };
}

export interface CliResult extends NodeRun {
  code: number;
}

const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));

/** Runs the built CLI as a real process, with only the environment given (plus PATH). */
export async function runCli(args: string[], env: Env = {}, cwd?: string): Promise<CliResult> {
  const r = await runNode(MAIN, args, { env, cwd });
  return { ...r, code: r.code ?? -1 };
}

export function serverArgs(s: TestServer): string[] {
  return ["--server", s.url, "--token", ADMIN_TOKEN];
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "uptop-cli-files-"));
}
