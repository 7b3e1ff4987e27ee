import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
export const LEADER_MAIN = join(HERE, "..", "dist", "main.js");
export const PROBE_MAIN = join(HERE, "..", "..", "probe", "dist", "main.js");
export const SECRET = "cluster-test-secret-0123456789";
export const TOKEN = "cluster-test-admin-token-0123456789";

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function freePort(): Promise<number> {
  const srv = createNetServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** Polls until `fn` returns a truthy value; fails with the last value seen. */
export async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 30_000, everyMs = 500): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    await sleep(everyMs);
  }
}

export class Proc {
  out = "";
  private readonly exited: Promise<number | null>;
  constructor(readonly name: string, readonly child: ChildProcess) {
    child.stdout!.on("data", (b: Buffer) => (this.out += b));
    child.stderr!.on("data", (b: Buffer) => (this.out += b));
    this.exited = new Promise((r) => child.on("exit", (code) => r(code)));
  }
  get pid(): number {
    return this.child.pid!;
  }
  waitFor(text: string, timeoutMs = 60_000): Promise<void> {
    return until(`${this.name} to log "${text}"`, async () => this.out.includes(text), timeoutMs, 100).then(() => undefined);
  }
  async kill(sig: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(sig);
    return this.exited;
  }
}

function start(name: string, main: string, env: Record<string, string>): Proc {
  const child = spawn(process.execPath, [main], { env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  return new Proc(name, child);
}

export interface LeaderEnv {
  dsn: string;
  port: number;
  dataDir?: string;
  strategy?: string;
  extra?: Record<string, string>;
}

export async function startLeaderProcess(o: LeaderEnv, wait = true): Promise<Proc> {
  const p = start("leader", LEADER_MAIN, {
    UPTOP_DB_TYPE: "postgres",
    UPTOP_DB_DSN: o.dsn,
    UPTOP_DATA_DIR: o.dataDir ?? mkdtempSync(join(tmpdir(), "uptop-cl-")),
    UPTOP_HTTP_HOST: "127.0.0.1",
    UPTOP_HTTP_PORT: String(o.port),
    UPTOP_API_TOKEN: TOKEN,
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
  return start(o.id, PROBE_MAIN, {
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

export function api(port: number, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("authorization", `Bearer ${TOKEN}`);
  if (init.body !== undefined) headers.set("content-type", "application/json");
  return fetch(`http://127.0.0.1:${port}${path}`, { ...init, headers });
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
export class RegionTarget {
  readonly down = new Map<string, Set<string>>();
  readonly probes = new Map<number, string>();
  private server: Server | null = null;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const name = (req.url ?? "/").slice(1).split("?")[0]!;
      const pid = pidOwningPort(req.socket.remotePort!, this.port, [...this.probes.keys()]);
      const probe = pid === null ? null : this.probes.get(pid)!;
      const failing = probe !== null && (this.down.get(name)?.has(probe) ?? false);
      res.writeHead(failing ? 500 : 200, { "content-type": "text/plain", connection: "close" });
      res.end(failing ? `down for ${probe}` : `ok ${probe ?? "?"}`);
    });
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
    this.port = (this.server.address() as { port: number }).port;
  }

  url(name: string): string {
    return `http://127.0.0.1:${this.port}/${name}`;
  }

  stop(): Promise<void> {
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

export interface MonitorView {
  id: number;
  name: string;
  status: string;
  votes: Array<{ node: string; region: string; ok: boolean; error: { code: string } | null; at: string }>;
}

export async function createMonitor(port: number, body: Record<string, unknown>): Promise<MonitorView> {
  const res = await api(port, "/api/monitors", { method: "POST", body: JSON.stringify({ type: "http", interval: 5, timeout: 2, retries: 0, ...body }) });
  if (res.status !== 201) throw new Error(`create monitor: ${res.status} ${await res.text()}`);
  return (await res.json()) as MonitorView;
}
