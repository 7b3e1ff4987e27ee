import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { createTempDatabase, TcpProxy, type TempDatabase } from "@uptop/test-kit";
import { openDatabase } from "../src/index.js";

describe("a Postgres pool whose server goes away", () => {
  let temp: TempDatabase;
  beforeAll(async () => {
    temp = await createTempDatabase("uptop_pool");
  });
  afterAll(async () => {
    await temp.drop();
  });

  it("fails the query in flight and keeps the process alive when a busy connection dies", async () => {
    const proxy = await new TcpProxy("127.0.0.1", Number(new URL(temp.dsn).port || 5432)).open();
    const store = await openDatabase({ type: "postgres", dsn: proxy.dsnThrough(temp.dsn), poolMax: 2 });
    const uncaught: unknown[] = [];
    const record = (err: unknown) => uncaught.push(err);
    process.on("uncaughtException", record);
    try {
      await sql`select 1`.execute(store.db);
      const slow = sql`select pg_sleep(5)`.execute(store.db);
      await new Promise((r) => setTimeout(r, 200));
      await proxy.cut();
      await expect(slow).rejects.toThrow(/Connection terminated|ECONNRESET/);
      await new Promise((r) => setTimeout(r, 200));
      expect(uncaught).toEqual([]);
      // The pool opens a new connection once the server answers again.
      await proxy.restore();
      expect((await sql<{ one: number }>`select 1 as one`.execute(store.db)).rows).toEqual([{ one: 1 }]);
    } finally {
      process.off("uncaughtException", record);
      await proxy.cut();
      await store.close().catch(() => {});
    }
  }, 30_000);
});

describe("a PGlite database", () => {
  it("lives in a folder only its owner can open", async () => {
    const dsn = join(mkdtempSync(join(tmpdir(), "uptop-pglite-")), "a", "uptop");
    const store = await openDatabase({ type: "pglite", dsn });
    try {
      await sql`select 1`.execute(store.db);
      expect(statSync(dsn).mode & 0o777).toBe(0o700);
      expect(statSync(join(dsn, "..")).mode & 0o777).toBe(0o700);
    } finally {
      await store.close();
    }
  }, 30_000);
});

describe("a new SQLite file migrated by several processes at once", () => {
  // An admin command started beside a node's first start: each process reads the pending list,
  // and the ones that lose the race must read it again rather than fail.
  it("ends migrated in every process", async () => {
    const { spawn } = await import("node:child_process");
    const { fileURLToPath } = await import("node:url");
    const entry = fileURLToPath(new URL("../dist/index.js", import.meta.url));
    const script = `import(${JSON.stringify(entry)}).then(async (m) => {
      const s = await m.openAndMigrate({ type: "sqlite", dsn: process.argv[1] });
      await s.close();
    }).catch((e) => { console.error(e.message); process.exit(1); });`;
    for (let round = 0; round < 4; round++) {
      const dsn = join(mkdtempSync(join(tmpdir(), "uptop-race-")), "uptop.db");
      const runs = Array.from({ length: 4 }, () => {
        const child = spawn(process.execPath, ["-e", script, dsn], { stdio: ["ignore", "ignore", "pipe"] });
        let err = "";
        child.stderr.on("data", (d: Buffer) => (err += d.toString()));
        return new Promise<string>((resolve) => child.on("exit", (code) => resolve(`${code}${err}`)));
      });
      expect(await Promise.all(runs)).toEqual(["0", "0", "0", "0"]);
    }
  }, 60_000);
});
