import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "@uptop/core";
import { ADMIN_TOKEN, apiClient, quietLogger, type ApiClient } from "@uptop/test-kit";
import { startLeader, type RunningLeader } from "../src/leader.js";

export interface TestLeader {
  leader: RunningLeader;
  url: string;
  api: ApiClient;
}

/** A leader in this process on an in-memory SQLite and a random loopback port, private targets allowed. */
export async function startTestLeader(env: Record<string, string> = {}): Promise<TestLeader> {
  const config = loadConfig({
    UPTOP_DB_DSN: ":memory:",
    UPTOP_DATA_DIR: mkdtempSync(join(tmpdir(), "uptop-leader-")),
    UPTOP_HTTP_HOST: "127.0.0.1",
    UPTOP_HTTP_PORT: "0",
    UPTOP_API_TOKEN: ADMIN_TOKEN,
    UPTOP_LOG_LEVEL: "error",
    // Targets and notification receivers in these tests listen on loopback.
    UPTOP_ALLOW_PRIVATE_TARGETS: "true",
    ...env,
  });
  const leader = await startLeader(config, quietLogger());
  const url = `http://127.0.0.1:${leader.port}`;
  return { leader, url, api: apiClient(url) };
}
