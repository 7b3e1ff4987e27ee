import { Router } from "express";
import { SecretBox } from "@uptop/core";
import { openAndMigrate, type Store } from "@uptop/store";
import { createTempDatabase, TcpProxy, type TempDatabase } from "@uptop/test-kit";
import { historyRouter, maintenanceRouter, monitorsRouter } from "../src/index.js";
import { post, startTestServer, type TestServer } from "./helpers.js";

const box = new SecretBox(null);

function routersFor(store: Store) {
  const db = store.db;
  const bug = Router();
  // A query the database refuses as wrong is our bug, whatever the database's state.
  bug.get("/api/test/bad-query", async (_req, res) => {
    res.json(
      await db
        .selectFrom("no_such_table" as "monitors")
        .selectAll()
        .execute(),
    );
  });
  return [monitorsRouter({ db, box }), maintenanceRouter({ db }), historyRouter({ db }), bug];
}

async function expectUnavailable(res: Response): Promise<void> {
  expect(res.status).toBe(503);
  expect(res.headers.get("retry-after")).toBe("5");
  expect((await res.json()).error).toEqual({
    code: "DATABASE_UNAVAILABLE",
    message: "the database is unavailable; retry shortly",
  });
}

const monitor = { name: "web", type: "http", url: "https://web.example/" };

describe("the admin API while Postgres is away", () => {
  let temp: TempDatabase;
  let proxy: TcpProxy;
  let store: Store;
  let srv: TestServer;

  beforeAll(async () => {
    temp = await createTempDatabase("uptop_api_dbaway");
    proxy = await new TcpProxy("127.0.0.1", Number(new URL(temp.dsn).port || 5432)).open();
    store = await openAndMigrate({ type: "postgres", dsn: proxy.dsnThrough(temp.dsn), poolMax: 2 });
    srv = await startTestServer({ admin: routersFor(store) });
  }, 60_000);

  afterAll(async () => {
    await srv?.close();
    await store?.close();
    await proxy?.cut();
    await temp?.drop();
  }, 60_000);

  it.each([
    ["a list", "/api/monitors", undefined],
    ["a create", "/api/monitors", post(monitor)],
    ["a maintenance list", "/api/maintenance", undefined],
  ])(
    "answers %s with 503 DATABASE_UNAVAILABLE and Retry-After, then 2xx once it is back",
    async (_what, path, init) => {
      await proxy.cut();
      try {
        await expectUnavailable(await srv.api(path, init));
      } finally {
        await proxy.restore();
      }
      expect((await srv.api(path, init)).status).toBeLessThan(300);
    },
  );

  it("answers 503 when the connections it held die under it", async () => {
    expect((await srv.api("/api/monitors")).status).toBe(200);
    proxy.cutClientsOnly();
    await proxy.cut();
    try {
      await expectUnavailable(await srv.api("/api/monitors"));
    } finally {
      await proxy.restore();
    }
  });

  it("keeps a query the database refuses as wrong a 500", async () => {
    const res = await srv.api("/api/test/bad-query");
    expect(res.status).toBe(500);
    expect((await res.json()).error.code).toBe("INTERNAL");
  });
});

describe("the admin API on a closed SQLite", () => {
  it("answers 503 DATABASE_UNAVAILABLE, not 500", async () => {
    const store = await openAndMigrate({ type: "sqlite", dsn: ":memory:" });
    const srv = await startTestServer({ admin: routersFor(store) });
    try {
      expect((await srv.api("/api/monitors")).status).toBe(200);
      await store.close();
      await expectUnavailable(await srv.api("/api/monitors"));
      await expectUnavailable(await srv.api("/api/monitors/1/sla"));
    } finally {
      await srv.close();
    }
  }, 60_000);
});
