import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTempDatabase, freePort, TcpProxy, type Proc, type TempDatabase } from "@uptop/test-kit";
import { json, startLeaderProcess } from "./cluster-harness.js";

(import.meta as unknown as { jest: { setTimeout(ms: number): void } }).jest.setTimeout(120_000);

/** The exit code of `p`, or "still running" if it has not ended within `ms` (then it is killed). */
async function exitWithin(p: Proc, ms: number): Promise<number | null | "still running"> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"still running">((r) => (timer = setTimeout(() => r("still running"), ms)));
  const code = await Promise.race([p.exited, late]);
  clearTimeout(timer);
  if (code === "still running") await p.kill("SIGKILL");
  return code;
}

/** The error lines of a process's log. */
const errorLines = (p: Proc) => p.stdout.split("\n").filter((l) => l.includes('"level":"error"'));

describe("one leader per database", () => {
  const procs: Proc[] = [];
  let temp: TempDatabase;
  const leader = async (id: string, dsn: string, port: number, wait = true, extra: Record<string, string> = {}) => {
    const p = await startLeaderProcess({ dsn, port, extra: { UPTOP_NODE_ID: id, ...extra } }, wait);
    procs.push(p);
    return p;
  };

  beforeEach(async () => {
    temp = await createTempDatabase("uptop_oneleader");
  });
  afterEach(async () => {
    for (const p of procs.splice(0)) await p.kill("SIGKILL");
    await temp.drop();
  });

  it("a second leader on a led Postgres database exits 2, the first serves on; kill -9 frees it", async () => {
    const firstPort = await freePort();
    const first = await leader("leader-a", temp.dsn, firstPort);

    const second = await leader("leader-b", temp.dsn, await freePort(), false);
    expect(await exitWithin(second, 20_000)).toBe(2);
    const lines = errorLines(second);
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!) as { message: string; code: string };
    expect(line.code).toBe("DATABASE_LOCKED");
    expect(line.message).toContain(`is already in use by leader "leader-a" (pid ${first.pid} on `);
    expect(line.message).toContain("Stop that node first, or give this node a database of its own (UPTOP_DB_DSN");
    expect(second.stdout).not.toContain("database ready");

    // The first never noticed: it serves, and takes configuration, as before.
    expect(first.running).toBe(true);
    expect((await json<{ status: string }>(firstPort, "/api/health")).status).toBe("ok");

    // The server frees a dead process's session at once: a new leader starts on the database.
    await first.kill("SIGKILL");
    const thirdPort = await freePort();
    await leader("leader-c", temp.dsn, thirdPort);
    expect((await json<{ status: string }>(thirdPort, "/api/health")).status).toBe("ok");
  });

  it("a leader whose database was taken while its connection was down exits 2 naming the new holder", async () => {
    const proxy = await new TcpProxy("127.0.0.1", Number(new URL(temp.dsn).port || 5432)).open();
    try {
      const first = await leader("leader-a", proxy.dsnThrough(temp.dsn), await freePort());
      // The server sees every connection of the first leader close, and frees its lock.
      await proxy.cut();
      const secondPort = await freePort();
      const second = await leader("leader-b", temp.dsn, secondPort);
      await first.waitFor("database lock connection lost");
      await proxy.restore();
      expect(await exitWithin(first, 20_000)).toBe(2);
      const lines = errorLines(first).map((l) => JSON.parse(l) as { message: string; code: string });
      expect(lines.find((l) => l.code === "DATABASE_LOCKED")?.message).toContain('was taken by leader "leader-b"');
      expect(first.stdout).not.toContain('"message":"stopped"');
      expect(second.running).toBe(true);
      expect((await json<{ status: string }>(secondPort, "/api/health")).status).toBe("ok");
    } finally {
      await proxy.cut();
    }
  });

  it("a second leader on one SQLite file exits 2; once the first is killed the file opens again", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "uptop-oneleader-"));
    const sqlite = { UPTOP_DB_TYPE: "sqlite" };
    const dsn = join(dataDir, "uptop.db");
    const first = await leader("leader-a", dsn, await freePort(), true, sqlite);
    const second = await leader("leader-b", dsn, await freePort(), false, sqlite);
    expect(await exitWithin(second, 20_000)).toBe(2);
    const lines = errorLines(second);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`SQLite database ${dsn} is already in use by leader \\"leader-a\\" (pid ${first.pid}`);

    await first.kill("SIGKILL");
    const thirdPort = await freePort();
    await leader("leader-c", dsn, thirdPort, true, sqlite);
    expect((await json<{ status: string }>(thirdPort, "/api/health")).status).toBe("ok");
  });
});
