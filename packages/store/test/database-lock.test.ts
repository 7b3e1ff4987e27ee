import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { createTempDatabase, TcpProxy, until, type TempDatabase } from "@uptop/test-kit";
import {
  acquireDatabaseLock,
  DatabaseLockedError,
  lockFileOf,
  openAndMigrate,
  type DatabaseLock,
  type DatabaseLockOptions,
  type LockIdentity,
} from "../src/index.js";

const LEADER_A: LockIdentity = { nodeId: "leader-a", role: "leader" };
const LEADER_B: LockIdentity = { nodeId: "leader-b", role: "leader" };

/** The refusal `promise` ends with, checked to be the typed one. */
async function refusal(promise: Promise<unknown>): Promise<DatabaseLockedError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DatabaseLockedError);
  return err as DatabaseLockedError;
}

async function onDatabase<T>(dsn: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: dsn });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Another process holding the database with `options`, once it says it does. */
async function holdInChild(options: DatabaseLockOptions): Promise<ChildProcess> {
  const storeDist = join(dirname(fileURLToPath(import.meta.url)), "..", "dist", "index.js");
  const code = `
    const { acquireDatabaseLock } = await import(${JSON.stringify(storeDist)});
    await acquireDatabaseLock(${JSON.stringify(options)});
    console.log("held");
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", code], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout!.on("data", (b: Buffer) => (out += b));
  await until("the other process to hold the database", () => out.includes("held"), 20_000, 50);
  return child;
}

/** The server pid of the session holding the one-serving-node lock, or null. */
function lockHolderPid(dsn: string): Promise<number | null> {
  return onDatabase(dsn, async (c) => {
    const r = await c.query<{ pid: number }>(
      `select pid from pg_locks where locktype = 'advisory' and classid = $1 and objid = 1 and granted
         and database = (select oid from pg_database where datname = current_database())`,
      [0x75707470],
    );
    return r.rows[0]?.pid ?? null;
  });
}

describe("the database lock on Postgres", () => {
  let temp: TempDatabase;
  const held: DatabaseLock[] = [];
  const take = async (o: Omit<DatabaseLockOptions, "type" | "dsn"> & { dsn?: string }) => {
    const lock = await acquireDatabaseLock({ type: "postgres", dsn: temp.dsn, ...o });
    held.push(lock);
    return lock;
  };

  beforeEach(async () => {
    temp = await createTempDatabase("uptop_lock");
  });
  afterEach(async () => {
    for (const lock of held.splice(0)) await lock.release();
    await temp.drop();
  });

  it("refuses a second node while the first holds the database, naming it; takes it once it is let go", async () => {
    const first = await take({ holder: LEADER_A });
    const store = await openAndMigrate({ type: "postgres", dsn: temp.dsn, poolMax: 1 });
    await first.record();
    await store.close();

    const err = await refusal(take({ holder: { nodeId: "follower-b", role: "follower" } }));
    expect(err.exitCode).toBe(2);
    expect(err.holder).toEqual({
      nodeId: "leader-a",
      role: "leader",
      pid: process.pid,
      host: hostname(),
      startedAt: expect.any(Date),
    });
    const server = new URL(temp.dsn).host;
    expect(err.message).toContain(`database "${temp.name}" on ${server} is already in use by leader "leader-a"`);
    expect(err.message).toContain(`(pid ${process.pid} on ${hostname()}, since `);
    expect(err.message).toContain("give this node a database of its own (UPTOP_DB_DSN");
    // Never the credentials or the full DSN.
    expect(err.message).not.toContain("postgres://");

    await first.release();
    const second = await take({ holder: LEADER_B });
    expect(second.held).toBe(true);
  }, 30_000);

  it("names the session from what the server knows when no holder record describes it", async () => {
    // No migrations yet: the holder has not written who it is, as while it is still starting.
    await take({ holder: LEADER_A });
    const err = await refusal(take({ holder: LEADER_B }));
    expect(err.holder).toBeNull();
    expect(err.message).toMatch(/in use by another session \("uptop leader leader-a", server pid \d+/);
  }, 30_000);

  it("is let go when its process dies without a word (kill -9)", async () => {
    const child = await holdInChild({ type: "postgres", dsn: temp.dsn, holder: { nodeId: "doomed", role: "leader" } });
    await refusal(take({ holder: LEADER_A }));
    child.kill("SIGKILL");
    const lock = await until("the lock to be free", () => take({ holder: LEADER_A }), 10_000, 100);
    expect(lock.held).toBe(true);
  }, 30_000);

  it("takes the lock again after its connection drops (a Postgres restart), and goes on", async () => {
    const lost: DatabaseLockedError[] = [];
    const lock = await take({ holder: LEADER_A, onLost: (e) => lost.push(e), retryIntervalMs: 100 });
    const store = await openAndMigrate({ type: "postgres", dsn: temp.dsn, poolMax: 1 });
    await lock.record();
    await store.close();
    const before = await lockHolderPid(temp.dsn);
    await onDatabase(temp.dsn, (c) => c.query("select pg_terminate_backend($1)", [before]));
    await until("the lock to be dropped", () => !lock.held, 5_000, 10);
    await until("the lock to be held again", () => lock.held, 10_000, 50);
    const after = await lockHolderPid(temp.dsn);
    expect(after).not.toBeNull();
    expect(after).not.toBe(before);
    expect(lost).toEqual([]);
    // The record follows the new session, so a refused node still learns who holds the database.
    const err = await refusal(take({ holder: LEADER_B }));
    expect(err.holder?.nodeId).toBe("leader-a");
  }, 30_000);

  it("reports the lock lost, naming the new holder, when another node took it meanwhile", async () => {
    const lost: DatabaseLockedError[] = [];
    const lock = await take({ holder: LEADER_A, onLost: (e) => lost.push(e), retryIntervalMs: 1500 });
    const store = await openAndMigrate({ type: "postgres", dsn: temp.dsn, poolMax: 1 });
    await lock.record();
    await store.close();
    await onDatabase(temp.dsn, async (c) =>
      c.query("select pg_terminate_backend($1)", [await lockHolderPid(temp.dsn)]),
    );
    // The other node starts while the first is still waiting to retry.
    const other = await until("the other node to take the lock", () => take({ holder: LEADER_B }), 1000, 20);
    await other.record();
    await until("the loss to be reported", () => lost.length > 0, 10_000, 50);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.holder?.nodeId).toBe("leader-b");
    expect(lost[0]!.message).toContain('was taken by leader "leader-b"');
    expect(lost[0]!.message).toContain("this node stops");
    expect(lock.held).toBe(false);
    expect(other.held).toBe(true);
  }, 30_000);

  it("ends its own previous session when only its end of the connection died (a proxy forgot it)", async () => {
    const proxy = await new TcpProxy("127.0.0.1", Number(new URL(temp.dsn).port || 5432)).open();
    try {
      const lost: DatabaseLockedError[] = [];
      const dsn = proxy.dsnThrough(temp.dsn);
      const lock = await take({ dsn, holder: LEADER_A, onLost: (e) => lost.push(e), retryIntervalMs: 500 });
      const before = await lockHolderPid(temp.dsn);
      proxy.cutClientsOnly();
      await until("the lock to be dropped", () => !lock.held, 5_000, 10);
      // The server still holds the old session, and with it the lock, until we end it.
      expect(await lockHolderPid(temp.dsn)).toBe(before);
      await until("the lock to be held again", () => lock.held, 10_000, 50);
      const after = await lockHolderPid(temp.dsn);
      expect(after).not.toBe(before);
      expect(lost).toEqual([]);
    } finally {
      await proxy.cut();
    }
  }, 30_000);
});

describe("the database lock on a SQLite file", () => {
  let dir: string;
  let file: string;
  const held: DatabaseLock[] = [];
  const take = async (holder: LockIdentity) => {
    const lock = await acquireDatabaseLock({ type: "sqlite", dsn: file, holder });
    held.push(lock);
    return lock;
  };
  const lockFile = () => lockFileOf(file);
  const plant = (fields: Record<string, unknown>) =>
    writeFileSync(
      lockFile(),
      JSON.stringify({
        nodeId: "planted",
        role: "leader",
        host: hostname(),
        startedAt: new Date(0).toISOString(),
        token: "planted",
        ...fields,
      }),
    );

  /** A pid no process has now: that of a process that has just ended. */
  async function deadPid(): Promise<number> {
    const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
    await new Promise((r) => child.on("exit", r));
    return child.pid!;
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "uptop-lock-"));
    file = join(dir, "uptop.db");
  });
  afterEach(async () => {
    for (const lock of held.splice(0)) await lock.release();
    rmSync(dir, { recursive: true, force: true });
  });

  it("creates the folder and the lock file beside the database for the owner alone", async () => {
    const folder = join(dir, "db");
    await acquireDatabaseLock({ type: "sqlite", dsn: join(folder, "uptop.db"), holder: LEADER_A }).then((l) =>
      held.push(l),
    );
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    expect(statSync(join(folder, "uptop.db.lock")).mode & 0o777).toBe(0o600);
  });

  it("refuses a second open of the database in this process, and allows it once released", async () => {
    const first = await take(LEADER_A);
    // A promise that rejects, never a throw from the call itself.
    const err = await refusal(acquireDatabaseLock({ type: "sqlite", dsn: file, holder: LEADER_B }));
    expect(err.message).toContain(`SQLite database ${file} is already in use by leader "leader-a" (pid ${process.pid}`);
    expect(err.message).toContain("in this process");
    await first.release();
    expect(existsSync(lockFile())).toBe(false);
    await take(LEADER_B);
  });

  it("refuses while another live process holds the database, and takes it once that process is killed", async () => {
    const child = await holdInChild({ type: "sqlite", dsn: file, holder: { nodeId: "other", role: "follower" } });
    const err = await refusal(take(LEADER_A));
    expect(err.holder).toMatchObject({ nodeId: "other", role: "follower", pid: child.pid, host: hostname() });
    child.kill("SIGKILL");
    await new Promise((r) => child.on("exit", r));
    // Killed with no chance to clean up: its lock file stays, and is stale.
    expect(existsSync(lockFile())).toBe(true);
    await take(LEADER_A);
    expect(JSON.parse(readFileSync(lockFile(), "utf8"))).toMatchObject({ nodeId: "leader-a", pid: process.pid });
  }, 30_000);

  it.each([
    ["a process that is gone", "taken over", async () => ({ pid: await deadPid() })],
    ["this very pid, from an earlier life of a restarted container", "taken over", async () => ({ pid: process.pid })],
    ["nothing readable", "taken over", async () => null],
    ["a live process on this host", "respected", async () => ({ pid: process.ppid })],
    [
      "a process on another host, refreshed within the minute",
      "respected",
      async () => ({ pid: 1, host: "elsewhere" }),
    ],
    [
      "a process on another host (a replaced container), untouched for over a minute",
      "taken over",
      async () => ({ pid: 1, host: "elsewhere", untouchedS: 61 }),
    ],
  ] as const)("a lock file left by %s is %s", async (...[, outcome, fields]) => {
    const { untouchedS, ...planted }: Record<string, unknown> = (await fields()) ?? { unreadable: true };
    if (planted.unreadable) writeFileSync(lockFile(), "{not json");
    else plant(planted);
    if (typeof untouchedS === "number") {
      const then = new Date(Date.now() - untouchedS * 1000);
      utimesSync(lockFile(), then, then);
    }
    if (outcome === "taken over") {
      await take(LEADER_A);
      expect(JSON.parse(readFileSync(lockFile(), "utf8"))).toMatchObject({ nodeId: "leader-a" });
      return;
    }
    const err = await refusal(take(LEADER_A));
    expect(err.holder?.nodeId).toBe("planted");
    if (planted.host === "elsewhere") expect(err.message).toContain("taken over 60 s after its last refresh");
    else expect(err.message).not.toContain("delete");
  });

  it("keeps its lock file fresh, and stops holding it when another node took it over", async () => {
    const lost: DatabaseLockedError[] = [];
    const lock = await acquireDatabaseLock({
      type: "sqlite",
      dsn: file,
      holder: LEADER_A,
      checkIntervalMs: 50,
      onLost: (e) => lost.push(e),
    });
    held.push(lock);
    const then = new Date(Date.now() - 120_000);
    utimesSync(lockFile(), then, then);
    await until("refreshed", () => Date.now() - statSync(lockFile()).mtimeMs < 5_000, 2_000, 10);
    expect(lock.held).toBe(true);
    plant({ pid: 1, host: "elsewhere" });
    await until("lost", () => lost.length === 1, 2_000, 10);
    expect(lock.held).toBe(false);
    expect(lost[0]!.holder?.nodeId).toBe("planted");
  });

  it("needs no lock for an in-memory database", async () => {
    const a = await acquireDatabaseLock({ type: "sqlite", dsn: ":memory:", holder: LEADER_A });
    const b = await acquireDatabaseLock({ type: "sqlite", dsn: ":memory:", holder: LEADER_B });
    expect(a.held && b.held).toBe(true);
  });
});
