// What the leader's process tests share: the leader and probe processes as they run in a
// cluster, the admin API by port, and a target that tells the probes apart.
import { mkdtempSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import type http from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ADMIN_TOKEN, apiClient, LoopbackServer, spawnNode, type ApiInit, type Proc } from "@uptop/test-kit";

const HERE = dirname(fileURLToPath(import.meta.url));
const LEADER_MAIN = join(HERE, "..", "dist", "main.js");
const PROBE_MAIN = join(HERE, "..", "..", "probe", "dist", "main.js");
export const SECRET = "cluster-test-secret-0123456789";

export interface LeaderEnv {
  dsn: string;
  port: number;
  dataDir?: string;
  strategy?: string;
  extra?: Record<string, string>;
}

export async function startLeaderProcess(o: LeaderEnv, wait = true): Promise<Proc> {
  const p = spawnNode("leader", LEADER_MAIN, {
    UPTOP_DB_TYPE: "postgres",
    UPTOP_DB_DSN: o.dsn,
    UPTOP_DATA_DIR: o.dataDir ?? mkdtempSync(join(tmpdir(), "uptop-cl-")),
    UPTOP_HTTP_HOST: "127.0.0.1",
    UPTOP_HTTP_PORT: String(o.port),
    UPTOP_API_TOKEN: ADMIN_TOKEN,
    UPTOP_CLUSTER_SECRET: SECRET,
    UPTOP_AGG_STRATEGY: o.strategy ?? "any-down",
    // Only the probes vote, so each verdict is exactly the probes' combination.
    UPTOP_LEADER_CHECKS: "false",
    UPTOP_ALLOW_PRIVATE_TARGETS: "true",
    UPTOP_LOG_LEVEL: "info",
    ...o.extra,
  });
  if (wait) await p.waitFor("leader listening");
  return p;
}

export function startProbeProcess(o: { id: string; region: string; leaderPort: number; port: number }): Proc {
  return spawnNode(o.id, PROBE_MAIN, {
    UPTOP_CLUSTER_MODE: "probe",
    UPTOP_PEER_URL: `http://127.0.0.1:${o.leaderPort}`,
    UPTOP_NODE_ID: o.id,
    UPTOP_NODE_REGION: o.region,
    UPTOP_CLUSTER_SECRET: SECRET,
    UPTOP_HTTP_HOST: "127.0.0.1",
    UPTOP_HTTP_PORT: String(o.port),
    UPTOP_ALLOW_PRIVATE_TARGETS: "true",
    UPTOP_PROBE_SYNC_INTERVAL: "1s",
    UPTOP_LOG_LEVEL: "info",
  });
}

/** A request to the leader on `port`, as its admin. */
export function api(port: number, path: string, init: ApiInit = {}): Promise<Response> {
  return apiClient(`http://127.0.0.1:${port}`)(path, init);
}

export async function json<T = Record<string, unknown>>(port: number, path: string): Promise<T> {
  const res = await api(port, path);
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/**
 * Which of our child processes owns the client end of a loopback connection. Every probe checks
 * the same URL from 127.0.0.1, so the socket table is the one reliable way for a target to tell
 * them apart (Linux only, like the rest of these process tests).
 */
function pidOwningPort(clientPort: number, serverPort: number, pids: readonly number[]): number | null {
  const hex = (n: number) => n.toString(16).toUpperCase().padStart(4, "0");
  let inode: string | null = null;
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of readFileSync(file, "utf8").split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10) continue;
      if (f[1]!.endsWith(`:${hex(clientPort)}`) && f[2]!.endsWith(`:${hex(serverPort)}`)) inode = f[9]!;
    }
    if (inode) break;
  }
  if (!inode) return null;
  for (const pid of pids) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`) === `socket:[${inode}]`) return pid;
      } catch {
        // the fd closed while we looked
      }
    }
  }
  return null;
}

/**
 * A loopback target that answers per calling probe: `/<name>` is 500 for the probes listed in
 * `down[name]` (by probe id) and 200 for everyone else.
 */
export class RegionTarget extends LoopbackServer {
  readonly down = new Map<string, Set<string>>();
  readonly probes = new Map<number, string>();

  url(name: string): string {
    return this.urlOf(`/${name}`);
  }

  protected handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const name = (req.url ?? "/").slice(1).split("?")[0]!;
    const pid = pidOwningPort(req.socket.remotePort!, this.port, [...this.probes.keys()]);
    const probe = pid === null ? null : this.probes.get(pid)!;
    const failing = probe !== null && (this.down.get(name)?.has(probe) ?? false);
    res.writeHead(failing ? 500 : 200, { "content-type": "text/plain", connection: "close" });
    res.end(failing ? `down for ${probe}` : `ok ${probe ?? "?"}`);
  }
}

export interface MonitorView {
  id: number;
  name: string;
  status: string;
  votes: Array<{ node: string; region: string; ok: boolean; error: { code: string } | null; at: string }>;
}

export async function createMonitor(port: number, body: Record<string, unknown>): Promise<MonitorView> {
  const monitor = { type: "http", interval: 5, timeout: 2, retries: 0, ...body };
  const res = await api(port, "/api/monitors", { method: "POST", body: JSON.stringify(monitor) });
  if (res.status !== 201) throw new Error(`create monitor: ${res.status} ${await res.text()}`);
  return (await res.json()) as MonitorView;
}
