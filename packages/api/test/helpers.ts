import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { PassThrough } from "node:stream";
import { createLogger, loadConfig } from "@uptop/core";
import { openAndMigrate, type Db, type Store } from "@uptop/store";
import { createTempDatabase, type TempDatabase } from "@uptop/store/testing";
import { createApp, type AppRouters } from "../src/index.js";

export const TOKEN = "test-admin-token-0123456789";
export const BACKENDS = ["pglite", "postgres"] as const;
export type Backend = (typeof BACKENDS)[number];

export interface TestDb {
  store: Store;
  close(): Promise<void>;
}

/** A fresh, migrated database of one backend for one test file. */
export async function openTestDb(backend: Backend, prefix: string): Promise<TestDb> {
  let temp: TempDatabase | undefined;
  let store: Store;
  if (backend === "postgres") {
    temp = await createTempDatabase(prefix);
    store = await openAndMigrate({ type: "postgres", dsn: temp.dsn });
  } else {
    store = await openAndMigrate({ type: "pglite", dsn: "memory://" });
  }
  return {
    store,
    async close() {
      await store.close();
      await temp?.drop();
    },
  };
}

export interface TestServer {
  url: string;
  api(path: string, init?: RequestInit & { token?: string | null }): Promise<Response>;
  close(): Promise<void>;
}

/** The real app shell with the given routers on a loopback port. */
export async function startTestServer(routers: AppRouters): Promise<TestServer> {
  const config = loadConfig({ UPTOP_DB_DSN: "memory://", UPTOP_API_TOKEN: TOKEN, UPTOP_LOG_LEVEL: "error" });
  const logger = createLogger({ level: "error", stream: new PassThrough() });
  const app = createApp({ config, logger, apiToken: TOKEN, routers });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    api(path, init = {}) {
      const { token = TOKEN, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (token !== null) headers.set("authorization", `Bearer ${token}`);
      if (rest.body !== undefined && !headers.has("content-type")) headers.set("content-type", "application/json");
      return fetch(url + path, { ...rest, headers });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function addMonitor(
  db: Db,
  name: string,
  opts: { type?: string; createdAt?: string; parentId?: number | null; url?: string | null; hostname?: string | null; paused?: boolean } = {},
): Promise<number> {
  // Only the columns these tests care about; the database fills in the defaults. The cast is
  // because Kysely's insert type asks for every column without a declared default.
  const values = { name, type: opts.type ?? "http", created_at: opts.createdAt ?? "2020-01-01T00:00:00Z", parent_id: opts.parentId ?? null, url: opts.url ?? null, hostname: opts.hostname ?? null, paused: opts.paused ?? false };
  const row = await db.insertInto("monitors").values(values as never).returning("id").executeTakeFirstOrThrow();
  return row.id;
}

export async function addChange(db: Db, monitorId: number, from: string, to: string, at: string, votes: unknown[] = []): Promise<void> {
  await db
    .insertInto("state_changes")
    .values({ monitor_id: monitorId, from_status: from, to_status: to, reason: `${from} to ${to}`, votes: JSON.stringify(votes), at, epoch: 1, node_id: "leader", origin: "local" })
    .execute();
}

export const post = (body: unknown) => ({ method: "POST", body: JSON.stringify(body) });
