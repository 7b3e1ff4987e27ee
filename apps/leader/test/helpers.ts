import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger, loadConfig } from "@uptop/core";
import { PassThrough } from "node:stream";
import { startLeader, type RunningLeader } from "../src/leader.js";

export const TOKEN = "test-admin-token-0123456789";

export interface TestLeader {
  leader: RunningLeader;
  url: string;
  api(path: string, init?: RequestInit & { token?: string | null }): Promise<Response>;
}

/** A leader in this process on an in-memory PGlite and a random loopback port. */
export async function startTestLeader(env: Record<string, string> = {}): Promise<TestLeader> {
  const config = loadConfig({
    UPTOP_DB_DSN: "memory://",
    UPTOP_DATA_DIR: mkdtempSync(join(tmpdir(), "uptop-leader-")),
    UPTOP_HTTP_HOST: "127.0.0.1",
    UPTOP_HTTP_PORT: "0",
    UPTOP_API_TOKEN: TOKEN,
    UPTOP_LOG_LEVEL: "error",
    ...env,
  });
  const logger = createLogger({ level: "error", stream: new PassThrough() });
  const leader = await startLeader(config, logger);
  const url = `http://127.0.0.1:${leader.port}`;
  return {
    leader,
    url,
    api(path, init = {}) {
      const { token = TOKEN, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (token !== null) headers.set("authorization", `Bearer ${token}`);
      if (rest.body !== undefined && !headers.has("content-type")) headers.set("content-type", "application/json");
      return fetch(url + path, { ...rest, headers });
    },
  };
}
