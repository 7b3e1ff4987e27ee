import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

/** The two backends every store test runs on: the embedded SQLite and a real Postgres server. */
export const BACKENDS = ["sqlite", "postgres"] as const;
export type Backend = (typeof BACKENDS)[number];

/** The server tests use: CI sets UPTOP_TEST_DATABASE_URL; locally the default server answers. */
export function testServerUrl(): string {
  // Test-only entry point; the apps never read the environment outside loadConfig.
  return process.env.UPTOP_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
}

/** An empty database for one test file; `{ type, dsn }` is what `openAndMigrate` takes. */
export interface TempDatabase {
  readonly type: Backend;
  readonly dsn: string;
  /** The database's name on the server; "memory" for an in-memory SQLite, else its file. */
  readonly name: string;
  /** Drops the Postgres database, connections and all, or removes the SQLite file's folder. */
  drop(): Promise<void>;
}

export interface TempDatabaseOptions {
  /**
   * SQLite in a file of a new temp folder instead of in memory: for a database that processes
   * open (and open again after a restart). Postgres databases are on the server either way.
   */
  onDisk?: boolean;
}

async function onServer<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh, empty database for one test file, so files run in parallel without seeing each
 * other's rows: a new Postgres database named `<prefix>_<time>_<random>` on the test server, or
 * an in-memory SQLite (with `onDisk`, `uptop.db` in a new folder `<tmpdir>/<prefix>-*`).
 */
export async function createTempDatabase(
  prefix = "uptop_test",
  backend: Backend = "postgres",
  options: TempDatabaseOptions = {},
): Promise<TempDatabase> {
  if (backend === "sqlite" && options.onDisk) {
    const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
    const dsn = join(dir, "uptop.db");
    return { type: "sqlite", dsn, name: dsn, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  if (backend === "sqlite") return { type: "sqlite", dsn: ":memory:", name: "memory", drop: async () => {} };
  const base = testServerUrl();
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  await onServer(base, (c) => c.query(`create database "${name}"`));
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    type: "postgres",
    dsn: url.toString(),
    name,
    drop: () => onServer(base, (c) => c.query(`drop database if exists "${name}" with (force)`)).then(() => undefined),
  };
}
