// What the failover tests share: leader and follower processes as a cluster runs them, and
// their health and admin API by port.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { openDatabase } from "@uptop/store";
import {
  ADMIN_TOKEN,
  apiClient,
  type ApiInit,
  type Backend,
  createTempDatabase,
  freePort,
  spawnNode,
  TcpProxy,
  until,
  type Env,
  type Proc,
  type TempDatabase,
} from "@uptop/test-kit";

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
  init: ApiInit = {},
): Promise<{ status: number; body: T }> {
  const res = await apiClient(`http://127.0.0.1:${port}`)(path, init);
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

export const stateOf = async (port: number) => (await health(port))?.state;

export const statusOf = async (port: number, id: number) =>
  (await api<{ status: string }>(port, `/api/monitors/${id}`)).body.status;

export const mirrored = async (port: number, name: string) =>
  ((await api<Array<{ name: string }>>(port, "/api/monitors")).body ?? []).some((m) => m.name === name);

/** A webhook channel for every monitor, written straight into the leader's database (either kind). */
export async function addWebhook(db: TempDatabase, url: string): Promise<void> {
  const store = await openDatabase(db);
  try {
    await store.db
      .insertInto("channels")
      .values({
        name: "hook",
        type: "webhook",
        settings: JSON.stringify({ url }),
        is_default: true,
        enabled: true,
        reminder_interval_s: null,
        updated_at: new Date(),
      })
      .execute();
  } finally {
    await store.close();
  }
}

/** An http monitor of `url` checked every 5 s, created through the leader's API; returns its id. */
export async function addMonitor(port: number, name: string, url: string): Promise<number> {
  const monitor = { name, type: "http", url, interval: 5, timeout: 2 };
  const res = await api<{ id: number }>(port, "/api/monitors", { method: "POST", body: JSON.stringify(monitor) });
  if (res.status !== 201) throw new Error(`creating ${name}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

export interface Cluster {
  leaderPort: number;
  followerPort: number;
  /** Between the follower and the leader: cut it to part them without stopping the leader. */
  proxy: TcpProxy;
  /** The leader's database, for what a test writes into it directly. */
  leaderDb: TempDatabase;
  startLeader(env?: Env): Promise<Proc>;
  startFollower(env?: Env): Proc;
}

/**
 * A leader and a follower on their own databases (Postgres unless `backend` says SQLite: then a
 * file each), the follower reaching the leader through a proxy. Everything it starts is killed
 * and dropped by `cleanup`.
 */
export class ClusterFixture {
  private dbs: TempDatabase[] = [];
  private proxies: TcpProxy[] = [];
  procs: Proc[] = [];

  async cluster(env: Env = {}, backend: Backend = "postgres"): Promise<Cluster> {
    const a = await createTempDatabase("uptop_fo_leader", backend, { onDisk: true });
    const b = await createTempDatabase("uptop_fo_follower", backend, { onDisk: true });
    this.dbs.push(a, b);
    const leaderPort = await freePort();
    const followerPort = await freePort();
    const proxy = await new TcpProxy("127.0.0.1", leaderPort).open();
    this.proxies.push(proxy);
    const started = (p: Proc) => {
      this.procs.push(p);
      return p;
    };
    return {
      leaderPort,
      followerPort,
      proxy,
      leaderDb: a,
      async startLeader(extra: Env = {}) {
        const p = started(
          startProcess("leader", LEADER_MAIN, {
            UPTOP_DB_TYPE: a.type,
            UPTOP_DB_DSN: a.dsn,
            UPTOP_HTTP_PORT: String(leaderPort),
            ...env,
            ...extra,
          }),
        );
        await until("leader health", () => health(leaderPort), 60_000);
        return p;
      },
      startFollower(extra: Env = {}) {
        return started(
          startProcess("follower", FOLLOWER_MAIN, {
            UPTOP_CLUSTER_MODE: "follower",
            UPTOP_PEER_URL: `http://127.0.0.1:${proxy.port}`,
            UPTOP_DB_TYPE: b.type,
            UPTOP_DB_DSN: b.dsn,
            UPTOP_HTTP_PORT: String(followerPort),
            ...env,
            ...extra,
          }),
        );
      },
    };
  }

  forget(p: Proc): void {
    this.procs = this.procs.filter((x) => x !== p);
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.procs.map((p) => p.kill("SIGKILL")));
    this.procs = [];
    // A proxy left listening keeps jest from exiting after the file.
    for (const p of this.proxies.splice(0)) await p.cut();
    for (const d of this.dbs) await d.drop().catch(() => {});
    this.dbs = [];
  }
}
