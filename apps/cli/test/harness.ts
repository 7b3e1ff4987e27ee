import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { createLogger, loadConfig, SecretBox } from "@uptop/core";
import { EpochHolder, ServingNode } from "@uptop/serving-node";
import { openAndMigrate, type Store } from "@uptop/store";

export const TOKEN = "cli-test-admin-token-0123456789";
const KEY = "a".repeat(64);

export interface TestServer {
  url: string;
  store: Store;
  api(path: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
}

/**
 * A serving node in this process on an in-memory PGlite and a loopback port. The engine is not
 * activated: these tests are about configuration, and no check should reach the network.
 */
export async function startTestServer(): Promise<TestServer> {
  const config = loadConfig({
    UPTOP_DB_DSN: "memory://",
    UPTOP_DATA_DIR: mkdtempSync(join(tmpdir(), "uptop-cli-")),
    UPTOP_HTTP_HOST: "127.0.0.1",
    UPTOP_HTTP_PORT: "0",
    UPTOP_API_TOKEN: TOKEN,
    UPTOP_ENCRYPTION_KEY: KEY,
    UPTOP_LOG_LEVEL: "error",
  });
  const logger = createLogger({ level: "error", stream: new PassThrough() });
  const store = await openAndMigrate({ type: "pglite", dsn: "memory://" });
  const epoch = new EpochHolder(store.db, config.cluster.nodeId);
  await epoch.load();
  const node = new ServingNode({ config, logger, store, box: new SecretBox(config.security.encryptionKey), apiToken: TOKEN, role: "leader", epoch });
  const port = await node.listen();
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    store,
    api(path, init = {}) {
      const headers = new Headers(init.headers);
      headers.set("authorization", `Bearer ${TOKEN}`);
      if (init.body !== undefined && !headers.has("content-type")) headers.set("content-type", "application/json");
      return fetch(url + path, { ...init, headers });
    },
    async stop() {
      await node.stop();
      await store.close();
    },
  };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));

/** Runs the built CLI as a real process, with only the environment given (plus PATH). */
export function runCli(args: string[], env: Record<string, string> = {}, cwd?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { env: { PATH: process.env.PATH ?? "", ...env }, cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

export function serverArgs(s: TestServer): string[] {
  return ["--server", s.url, "--token", TOKEN];
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "uptop-cli-files-"));
}
