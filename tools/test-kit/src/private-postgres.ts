import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./loopback-server.js";

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
    const versions = readdirSync(base)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) candidates.push(join(base, v, "bin"));
  }
  const complete = (dir: string) => ["initdb", "pg_ctl", "postgres"].every((tool) => existsSync(join(dir, tool)));
  return candidates.find(complete) ?? null;
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

export type PostgresPlan =
  | { ok: true; bin: string; runAs: { uid: number; gid: number } | null }
  | { ok: false; why: string };

/**
 * How this machine can run a private server. initdb and postgres refuse to run as root, so as
 * root they run as the `postgres` user (through runuser), which must then own the folder.
 */
export function planPrivatePostgres(): PostgresPlan {
  const bin = serverBinDir();
  if (!bin) {
    const where = "pg_config --bindir or /usr/lib/postgresql/*/bin";
    return { ok: false, why: `no PostgreSQL server binaries (initdb, pg_ctl) found via ${where}` };
  }
  if (process.getuid?.() !== 0) return { ok: true, bin, runAs: null };
  const postgres = uidOf("postgres");
  if (!postgres) {
    return { ok: false, why: "running as root and there is no postgres user to run initdb as (initdb refuses root)" };
  }
  if (!hasCommand("runuser")) {
    return { ok: false, why: "running as root and runuser is missing, so initdb cannot run as the postgres user" };
  }
  return { ok: true, bin, runAs: postgres };
}

/**
 * A PostgreSQL server of its own in a temp folder, on a free loopback port, trust auth: for a
 * test that stops and restarts the database, which the shared test server must never do.
 */
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
    const opts = [
      `-p ${this.port} -k ${sockets} -c listen_addresses=127.0.0.1`,
      "-c fsync=off -c synchronous_commit=off -c full_page_writes=off",
    ].join(" ");
    const log = join(this.dir, "server.log");
    this.pg("pg_ctl", ["-D", join(this.dir, "data"), "-l", log, "-o", opts, "-w", "-t", "60", "start"]);
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
