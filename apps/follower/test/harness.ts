// What the failover tests share: leader and follower processes as a cluster runs them, and
// their health and admin API by port.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ADMIN_TOKEN, apiClient, spawnNode, type Env, type Proc } from "@uptop/test-kit";

const HERE = dirname(fileURLToPath(import.meta.url));
export const LEADER_MAIN = join(HERE, "..", "..", "leader", "dist", "main.js");
export const FOLLOWER_MAIN = join(HERE, "..", "dist", "main.js");
export const PROBE_MAIN = join(HERE, "..", "..", "probe", "dist", "main.js");
const SECRET = "failover-test-secret-0123456789";

/** A leader, follower or probe process: the settings they share, then `env`. */
export function startProcess(name: string, main: string, env: Env): Proc {
  return spawnNode(name, main, {
    UPTOP_LOG_LEVEL: "info",
    UPTOP_ALLOW_PRIVATE_TARGETS: "true",
    UPTOP_CLUSTER_SECRET: SECRET,
    UPTOP_API_TOKEN: ADMIN_TOKEN,
    UPTOP_HTTP_HOST: "127.0.0.1",
    UPTOP_DATA_DIR: mkdtempSync(join(tmpdir(), `uptop-${name}-`)),
    ...env,
  });
}

export interface Health {
  state: string;
  epoch: number;
  role: string;
  [k: string]: unknown;
}

/** The node's /api/health, or null while it does not answer. */
export async function health(port: number): Promise<Health | null> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(1000) });
    return res.ok ? ((await res.json()) as Health) : null;
  } catch {
    return null;
  }
}

/** An admin request to the node on `port`, with its answer parsed. */
export async function api<T = unknown>(
  port: number,
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; body: T }> {
  const res = await apiClient(`http://127.0.0.1:${port}`)(path, init);
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}
