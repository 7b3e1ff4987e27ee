// What the single-leader process tests share on top of cluster-harness.ts: a loopback target
// switched per path, a private throwaway PostgreSQL server, and readers for the API and /metrics.
import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { api, freePort, json, until } from "./cluster-harness.js";

export type TargetMode = "up" | "down" | "slow";

/**
 * A loopback HTTP target whose every path answers as the test sets it: 200 (`up`), 500
 * (`down`) or 200 after `slowMs` (`slow`, longer than the monitors' timeout). Paths not set are up.
 */
export class SwitchTarget {
  readonly modes = new Map<string, TargetMode>();
  readonly hits: Array<{ path: string; at: number }> = [];
  slowMs = 3000;
  private server: Server | null = null;
  port = 0;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const path = (req.url ?? "/").split("?")[0]!;
      this.hits.push({ path, at: Date.now() });
      const mode = this.modes.get(path) ?? "up";
      if (mode === "down") {
        res.writeHead(500, { connection: "close" }).end("broken");
      } else if (mode === "slow") {
        setTimeout(() => res.writeHead(200, { connection: "close" }).end("late"), this.slowMs).unref();
      } else {
        res.writeHead(200, { connection: "close" }).end("ok");
      }
    });
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  set(path: string, mode: TargetMode): void {
    this.modes.set(path, mode);
  }

  hitsOf(path: string, after = 0): number {
    return this.hits.filter((h) => h.path === path && h.at > after).length;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server!.close(() => r()));
  }
}

/** A loopback receiver for webhook channels: keeps every JSON body it is sent. */
export class WebhookReceiver {
  readonly bodies: Array<{ event: string; status: string; monitor: { id: number } | null; reason: string }> = [];
  private server: Server | null = null;
  port = 0;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let body = "";
      req.on("data", (b: Buffer) => (body += b));
      req.on("end", () => {
        try {
          this.bodies.push(JSON.parse(body));
        } catch {
          // not ours
        }
        res.writeHead(200).end("ok");
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server!.close(() => r()));
  }
}

// ---- the API -------------------------------------------------------------------------------

export interface StateChangeView {
  from: string;
  to: string;
  reason: string;
  at: string;
}

export interface ResultView {
  slot: string;
  checkedAt: string;
  ok: boolean;
  errorCode: string | null;
  errorMessage: string | null;
}

export interface MonitorState {
  id: number;
  name: string;
  status: string;
  createdAt: string;
  lastCheck: { at: string; ok: boolean; error: { code: string; message: string } | null } | null;
}

async function send(port: number, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await api(port, path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}

export const post = (port: number, path: string, body?: unknown) => send(port, "POST", path, body);
export const patch = (port: number, path: string, body: unknown) => send(port, "PATCH", path, body);
export const del = (port: number, path: string) => send(port, "DELETE", path);

export function monitorOf(port: number, id: number): Promise<MonitorState> {
  return json<MonitorState>(port, `/api/monitors/${id}`);
}

/** Oldest first (the API answers newest first). */
export async function changesOf(port: number, id: number): Promise<StateChangeView[]> {
  return (await json<StateChangeView[]>(port, `/api/monitors/${id}/state-changes?limit=1000`)).reverse();
}

/** Oldest first. */
export async function resultsOf(port: number, id: number): Promise<ResultView[]> {
  return (await json<ResultView[]>(port, `/api/monitors/${id}/results?limit=1000`)).reverse();
}

export function waitStatus(port: number, id: number, status: string, timeoutMs = 30_000): Promise<MonitorState> {
  return until(`monitor ${id} to be ${status}`, async () => {
    const m = await monitorOf(port, id);
    return m.status === status ? m : null;
  }, timeoutMs, 250);
}

/** Waits until the recorded transitions of a monitor include `from → to`; returns that change. */
export function waitChange(port: number, id: number, from: string, to: string, timeoutMs = 30_000): Promise<StateChangeView> {
  return until(`monitor ${id} to record ${from} → ${to}`, async () => (await changesOf(port, id)).find((c) => c.from === from && c.to === to), timeoutMs, 250);
}

// ---- /metrics ------------------------------------------------------------------------------

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition (enough of the format for prom-client's output). */
export function parseMetrics(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!.replace(/\\(.)/g, "$1");
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

export async function scrape(port: number): Promise<Sample[]> {
  const res = await api(port, "/metrics");
  if (res.status !== 200) throw new Error(`/metrics: ${res.status}`);
  return parseMetrics(await res.text());
}

/** The monitor's one-hot status as the engine holds it in memory (no database read). */
export async function engineStatus(port: number, monitor: string): Promise<string | null> {
  const hot = (await scrape(port)).find((s) => s.name === "uptop_monitor_status" && s.labels.monitor === monitor && s.value === 1);
  return hot?.labels.status ?? null;
}

// ---- a private PostgreSQL server -----------------------------------------------------------

function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function serverBinDir(): string | null {
  const candidates: string[] = [];
  try {
    candidates.push(run("pg_config", ["--bindir"]).trim());
  } catch {
    // no pg_config: look where Debian and Ubuntu put the server
  }
  const base = "/usr/lib/postgresql";
  if (existsSync(base)) {
    const versions = readdirSync(base).filter((v) => /^\d+(\.\d+)?$/.test(v)).sort((a, b) => Number(b) - Number(a));
    for (const v of versions) candidates.push(join(base, v, "bin"));
  }
  return candidates.find((dir) => existsSync(join(dir, "initdb")) && existsSync(join(dir, "pg_ctl")) && existsSync(join(dir, "postgres"))) ?? null;
}

function uidOf(user: string): { uid: number; gid: number } | null {
  try {
    return { uid: Number(run("id", ["-u", user]).trim()), gid: Number(run("id", ["-g", user]).trim()) };
  } catch {
    return null;
  }
}

function hasCommand(cmd: string): boolean {
  try {
    run("sh", ["-c", `command -v ${cmd}`]);
    return true;
  } catch {
    return false;
  }
}

export type PostgresPlan = { ok: true; bin: string; runAs: { uid: number; gid: number } | null } | { ok: false; why: string };

/**
 * How this machine can run a private server. initdb and postgres refuse to run as root, so as
 * root they run as the `postgres` user (through runuser), which must then own the folder.
 */
export function planPrivatePostgres(): PostgresPlan {
  const bin = serverBinDir();
  if (!bin) return { ok: false, why: "no PostgreSQL server binaries (initdb, pg_ctl) found via pg_config --bindir or /usr/lib/postgresql/*/bin" };
  if (process.getuid?.() !== 0) return { ok: true, bin, runAs: null };
  const postgres = uidOf("postgres");
  if (!postgres) return { ok: false, why: "running as root and there is no postgres user to run initdb as (initdb refuses root)" };
  if (!hasCommand("runuser")) return { ok: false, why: "running as root and runuser is missing, so initdb cannot run as the postgres user" };
  return { ok: true, bin, runAs: postgres };
}

/** A PostgreSQL server of its own in a temp folder, on a free loopback port, trust auth. */
export class PrivatePostgres {
  readonly dir = mkdtempSync(join(tmpdir(), "uptop-pg-"));
  port = 0;
  private running = false;

  constructor(private readonly plan: Extract<PostgresPlan, { ok: true }>) {}

  get dsn(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  private pg(tool: string, args: string[]): string {
    const path = join(this.plan.bin, tool);
    return this.plan.runAs ? run("runuser", ["-u", "postgres", "--", path, ...args]) : run(path, args);
  }

  async init(): Promise<void> {
    if (this.plan.runAs) chownSync(this.dir, this.plan.runAs.uid, this.plan.runAs.gid);
    const sockets = join(this.dir, "sockets");
    mkdirSync(sockets);
    if (this.plan.runAs) chownSync(sockets, this.plan.runAs.uid, this.plan.runAs.gid);
    this.pg("initdb", ["-D", join(this.dir, "data"), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"]);
    this.port = await freePort();
  }

  start(): void {
    const sockets = join(this.dir, "sockets");
    // Durability is not under test (the server is stopped cleanly); fsync off keeps it quick.
    const opts = `-p ${this.port} -k ${sockets} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
    this.pg("pg_ctl", ["-D", join(this.dir, "data"), "-l", join(this.dir, "server.log"), "-o", opts, "-w", "-t", "60", "start"]);
    this.running = true;
  }

  stop(mode: "fast" | "immediate" = "fast"): void {
    this.pg("pg_ctl", ["-D", join(this.dir, "data"), "-m", mode, "-w", "-t", "60", "stop"]);
    this.running = false;
  }

  /** Stops the server if it runs and removes its folder; never throws (it runs in afterAll). */
  destroy(): void {
    try {
      if (this.running) this.stop("immediate");
    } catch {
      // already gone
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
