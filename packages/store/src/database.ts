import { Kysely, PostgresDialect, type Dialect } from "kysely";
import { Migrator } from "kysely/migration";
import { PGliteDialect } from "kysely-pglite-dialect";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { makePrivateDir, UptopError, type DbType } from "@uptop/core";
import { migrationProvider } from "./migrations/index.js";
import type { Database } from "./schema.js";

export type Db = Kysely<Database>;

/** Runs `fn` in one transaction: everything it writes lands together, or nothing does. */
export function inTransaction<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction().execute(fn);
}

export interface DatabaseOptions {
  type: DbType;
  /** PGlite folder (or "memory://" for a throwaway one), or a postgres:// URL. */
  dsn: string;
  poolMax?: number;
}

export interface Store {
  db: Db;
  type: DbType;
  close(): Promise<void>;
}

// pg returns int8 and numeric as strings by default; our counters fit in a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));
// A `date` column is a calendar day, not an instant: keep it as 'YYYY-MM-DD'.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

export async function openDatabase(options: DatabaseOptions): Promise<Store> {
  let dialect: Dialect;
  if (options.type === "pglite") {
    const memory = options.dsn === "memory://" || options.dsn === "";
    // The folder is the whole database: owner only (PGlite's own files inherit its protection).
    if (!memory) makePrivateDir(options.dsn);
    const pglite = memory ? new PGlite() : new PGlite(options.dsn);
    await pglite.waitReady;
    dialect = new PGliteDialect(pglite);
  } else {
    const pool = new pg.Pool({
      connectionString: options.dsn,
      max: options.poolMax ?? 10,
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30_000,
    });
    // A client losing its server (a Postgres restart) must not crash the process: an idle one
    // reports on the pool, a busy one on itself (its query fails with the error as well), and the
    // pool drops either once it is back.
    pool.on("error", () => {});
    pool.on("connect", (client) => client.on("error", () => {}));
    dialect = new PostgresDialect({ pool });
  }
  const db = new Kysely<Database>({ dialect });
  return {
    db,
    type: options.type,
    close: () => db.destroy(),
  };
}

/** Applies every pending migration; throws with the failing migration's name. */
export async function migrate(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error || failed) {
    const reason = error instanceof Error ? error.message : String(error ?? "unknown error");
    throw new UptopError("MIGRATION", `migration ${failed?.migrationName ?? "?"} failed: ${reason}`);
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}

/** Opens the database and brings its schema up to date. */
export async function openAndMigrate(options: DatabaseOptions): Promise<Store> {
  const store = await openDatabase(options);
  try {
    await migrate(store.db);
  } catch (err) {
    await store.close().catch(() => {});
    throw err;
  }
  return store;
}

/** True when the error is the database refusing a duplicate of a unique key. */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: string }).code === "23505";
}

/** True when the error is a foreign key pointing at a row that does not exist. */
export function isForeignKeyViolation(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: string }).code === "23503";
}
