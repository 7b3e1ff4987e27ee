import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
export const LEADER_MAIN = join(HERE, "..", "..", "leader", "dist", "main.js");
export const FOLLOWER_MAIN = join(HERE, "..", "dist", "main.js");
export const SECRET = "failover-test-secret-0123456789";
export const TOKEN = "failover-test-admin-token-012345";

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 30_000, everyMs = 200): Promise<T> {
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

export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

export class Proc {
  out = "";
  readonly exited: Promise<number | null>;
  constructor(readonly name: string, readonly child: ChildProcess) {
    child.stdout!.on("data", (b: Buffer) => (this.out += b));
    child.stderr!.on("data", (b: Buffer) => (this.out += b));
    this.exited = new Promise((r) => child.on("exit", (code) => r(code)));
  }
  async kill(sig: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(sig);
    return this.exited;
  }
}

export function startProcess(name: string, main: string, env: Record<string, string>): Proc {
  const child = spawn(process.execPath, [main], {
    env: { PATH: process.env.PATH ?? "", UPTOP_LOG_LEVEL: "info", UPTOP_ALLOW_PRIVATE_TARGETS: "true", UPTOP_CLUSTER_SECRET: SECRET, UPTOP_API_TOKEN: TOKEN, UPTOP_HTTP_HOST: "127.0.0.1", UPTOP_DATA_DIR: mkdtempSync(join(tmpdir(), `uptop-${name}-`)), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Proc(name, child);
}

export async function health(port: number): Promise<{ state: string; epoch: number; role: string; [k: string]: unknown } | null> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(1000) });
    return res.ok ? ((await res.json()) as { state: string; epoch: number; role: string }) : null;
  } catch {
    return null;
  }
}

export async function api<T = unknown>(port: number, path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...(init.headers ?? {}) },
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

/** A loopback HTTP target the test switches between healthy and failing. */
export class Target {
  up = true;
  private server = http.createServer((_req, res) => {
    res.statusCode = this.up ? 200 : 503;
    res.end(this.up ? "ok" : "down");
  });
  port = 0;
  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this;
  }
  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

export interface Delivery {
  event: string;
  status: string;
  monitor: { name: string } | null;
  epoch: number;
  at: string;
}

/** A webhook receiver: every notification that reached "the outside world". */
export class Receiver {
  readonly received: Delivery[] = [];
  private server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c));
    req.on("end", () => {
      try {
        this.received.push(JSON.parse(body) as Delivery);
      } catch {
        /* not ours */
      }
      res.end("ok");
    });
  });
  port = 0;
  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this;
  }
  events(monitor: string, event: string): Delivery[] {
    return this.received.filter((d) => d.monitor?.name === monitor && d.event === event);
  }
  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

/**
 * A TCP proxy between follower and leader: cutting it makes the leader unreachable to the
 * follower only — a network partition — while everything else still reaches the leader.
 */
export class Proxy {
  private sockets = new Set<net.Socket>();
  private server: net.Server | null = null;
  constructor(readonly port: number, private readonly targetPort: number) {}
  async open(): Promise<void> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.targetPort, "127.0.0.1");
      this.sockets.add(client).add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.on("error", drop).on("close", drop);
      upstream.on("error", drop).on("close", drop);
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r) => this.server!.listen(this.port, "127.0.0.1", r));
  }
  async cut(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    const srv = this.server;
    this.server = null;
    if (srv) await new Promise<void>((r) => srv.close(() => r()));
  }
}
