import { Kysely, PostgresDialect, SqliteAdapter, SqliteDialect, type Dialect } from "kysely";
import { Migrator } from "kysely/migration";
import pg from "pg";
import { makePrivateDir, UptopError, type DbType } from "@uptop/core";
import { postgresMigrations, sqliteMigrations } from "./migrations/index.js";
import type { Database } from "./schema.js";
import { openSqliteFile } from "./sqlite-driver.js";

export type Db = Kysely<Database>;

/** Runs `fn` in one transaction: everything it writes lands together, or nothing does. */
export function inTransaction<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction().execute(fn);
}

/**
 * What a store can open: the two databases a node runs on, and PGlite, the embedded database of
 * earlier versions, kept readable so `uptop-admin db copy` can move its data out.
 */
export type StoreType = DbType | "pglite";

export interface DatabaseOptions {
  type: StoreType;
  /**
   * SQLite: a file (":memory:" for a throwaway one). Postgres: a postgres:// URL. PGlite: its
   * folder, or "memory://".
   */
  dsn: string;
  poolMax?: number;
}

export interface Store {
  db: Db;
  type: StoreType;
  close(): Promise<void>;
}

/** True when `db` (or a transaction of it) speaks SQLite: where the SQL differs, repos ask this. */
export function isSqlite(db: Db): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter;
}

// pg returns int8 and numeric as strings by default; our counters fit in a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));
// A `date` column is a calendar day, not an instant: keep it as 'YYYY-MM-DD'.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

export async function openDatabase(options: DatabaseOptions): Promise<Store> {
  let dialect: Dialect;
  if (options.type === "sqlite") {
    dialect = new SqliteDialect({ database: await openSqliteFile(options.dsn || ":memory:") });
  } else if (options.type === "pglite") {
    const memory = options.dsn === "memory://" || options.dsn === "";
    // The folder is the whole database: owner only (PGlite's own files inherit its protection).
    if (!memory) makePrivateDir(options.dsn);
    // Loaded only here: its WebAssembly Postgres costs hundreds of megabytes once started.
    const [{ PGlite }, { PGliteDialect }] = await Promise.all([
      import("@electric-sql/pglite"),
      import("kysely-pglite-dialect"),
    ]);
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
  const sqlite = isSqlite(db);
  const migrator = new Migrator({ db, provider: sqlite ? sqliteMigrations : postgresMigrations });
  for (let attempt = 1; ; attempt++) {
    const { error, results } = await migrator.migrateToLatest();
    const failed = results?.find((r) => r.status === "Error");
    if (!error && !failed) return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
    const reason = error instanceof Error ? error.message : String(error ?? "unknown error");
    // Kysely's migration lock on SQLite holds within one process only: a second process (an admin
    // command beside a node's first start) may have read the same pending list and lost the race
    // ("already exists", "duplicate column"). Its migration rolled back; reading the list again
    // finds the work done. A migration that is really broken fails the same way every time.
    if (sqlite && attempt < 10) {
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 200));
      continue;
    }
    throw new UptopError("MIGRATION", `migration ${failed?.migrationName ?? "?"} failed: ${reason}`);
  }
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

function errorCode(err: unknown): unknown {
  return typeof err === "object" && err !== null ? (err as { code?: unknown }).code : undefined;
}

/** True when the error is the database refusing a duplicate of a unique key. */
export function isUniqueViolation(err: unknown): boolean {
  const code = errorCode(err);
  return code === "23505" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

/** True when the error is a foreign key pointing at a row that does not exist. */
export function isForeignKeyViolation(err: unknown): boolean {
  const code = errorCode(err);
  return code === "23503" || code === "SQLITE_CONSTRAINT_FOREIGNKEY";
}
