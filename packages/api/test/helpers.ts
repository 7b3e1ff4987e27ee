import http from "node:http";
import { loadConfig } from "@uptop/core";
import { openAndMigrate, type Db, type Store } from "@uptop/store";
import {
  ADMIN_TOKEN,
  apiClient,
  closeServer,
  createTempDatabase,
  listenOnLoopback,
  quietLogger,
  type ApiClient,
  type Backend,
} from "@uptop/test-kit";
import { createApp, type AppRouters, type CallerAuth } from "../src/index.js";

export interface TestDb {
  store: Store;
  close(): Promise<void>;
}

/** A fresh, migrated database of one backend for one test file. */
export async function openTestDb(backend: Backend, prefix: string): Promise<TestDb> {
  const temp = await createTempDatabase(prefix, backend);
  const store = await openAndMigrate(temp);
  return {
    store,
    async close() {
      await store.close();
      await temp.drop();
    },
  };
}

export interface TestServer {
  url: string;
  api: ApiClient;
  close(): Promise<void>;
}

/**
 * The real app shell with the given routers on a loopback port; `env` adds to its configuration,
 * `auth` resolves users' credentials (only the admin token without it).
 */
export async function startTestServer(
  routers: AppRouters,
  env: Record<string, string> = {},
  auth?: CallerAuth,
): Promise<TestServer> {
  const config = loadConfig({
    UPTOP_DB_DSN: ":memory:",
    UPTOP_API_TOKEN: ADMIN_TOKEN,
    UPTOP_LOG_LEVEL: "error",
    ...env,
  });
  const app = createApp({ config, logger: quietLogger(), apiToken: ADMIN_TOKEN, routers, ...(auth ? { auth } : {}) });
  const server = http.createServer(app);
  const url = `http://127.0.0.1:${await listenOnLoopback(server)}`;
  return { url, api: apiClient(url), close: () => closeServer(server) };
}

type MonitorFields = {
  type?: string;
  createdAt?: string;
  parentId?: number | null;
  url?: string | null;
  hostname?: string | null;
  paused?: boolean;
};

export async function addMonitor(db: Db, name: string, opts: MonitorFields = {}): Promise<number> {
  // Only the columns these tests care about; the database fills in the defaults. The cast is
  // because Kysely's insert type asks for every column without a declared default.
  const values = {
    name,
    type: opts.type ?? "http",
    created_at: new Date(opts.createdAt ?? "2020-01-01T00:00:00Z"),
    parent_id: opts.parentId ?? null,
    url: opts.url ?? null,
    hostname: opts.hostname ?? null,
    paused: opts.paused ?? false,
  };
  const row = await db
    .insertInto("monitors")
    .values(values as never)
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function addChange(
  db: Db,
  monitorId: number,
  from: string,
  to: string,
  at: string,
  votes: unknown[] = [],
): Promise<void> {
  const row = {
    monitor_id: monitorId,
    from_status: from,
    to_status: to,
    reason: `${from} to ${to}`,
    votes: JSON.stringify(votes),
    at: new Date(at),
    epoch: 1,
    node_id: "leader",
    origin: "local",
  };
  await db.insertInto("state_changes").values(row).execute();
}

export const post = (body: unknown) => ({ method: "POST", body: JSON.stringify(body) });
