import { closeSync, existsSync, openSync } from "node:fs";
import { dirname } from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import type { SqliteDatabase, SqliteStatement } from "kysely";
import { makePrivateDir, PRIVATE_FILE_MODE } from "@uptop/core";

/**
 * The repositories read and write the same JavaScript values on every database: Date for a
 * timestamp, boolean, parsed JSON for jsonb and array columns. Postgres' drivers do that from the
 * column types; SQLite stores text and integers, so this adapter converts at the boundary, from
 * the column types the schema declares (`timestamptz`, `boolean`, `jsonb`, `text[]`...), which
 * SQLite keeps and reports for every column a statement reads.
 *
 * Timestamps are stored as ISO 8601 text in UTC with milliseconds (`toISOString()`): one fixed
 * width, so comparing and sorting the text compares the instants.
 */

type Convert = (value: unknown) => unknown;

const toDate: Convert = (v) => (v === null ? null : new Date(v as string));
const toBoolean: Convert = (v) => (v === null ? null : v !== 0);
const fromJson: Convert = (v) => (v === null || typeof v !== "string" ? v : JSON.parse(v));

function converterFor(declared: string | null): Convert | null {
  if (declared === null) return null;
  const t = declared.toLowerCase();
  if (t === "timestamptz") return toDate;
  if (t === "boolean") return toBoolean;
  if (t === "jsonb" || t.endsWith("[]")) return fromJson;
  return null;
}

function toParameter(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "boolean") return v ? 1 : 0;
  if (v === undefined) return null;
  if (Array.isArray(v) || (typeof v === "object" && v !== null && !Buffer.isBuffer(v))) return JSON.stringify(v);
  return v;
}

class ConvertingStatement implements SqliteStatement {
  readonly reader: boolean;
  #columns: Array<[string, Convert]> | undefined;

  constructor(private readonly stmt: BetterSqlite3.Statement) {
    this.reader = stmt.reader;
  }

  // Worked out once per statement: the statement cache below reuses it for every later run.
  private columns(): Array<[string, Convert]> {
    if (this.#columns === undefined) {
      this.#columns = [];
      for (const c of this.stmt.columns()) {
        const convert = converterFor(c.type);
        if (convert) this.#columns.push([c.name, convert]);
      }
    }
    return this.#columns;
  }

  private row(raw: unknown): unknown {
    const row = raw as Record<string, unknown>;
    for (const [name, convert] of this.columns()) row[name] = convert(row[name]);
    return row;
  }

  all(parameters: ReadonlyArray<unknown>): unknown[] {
    const rows = this.stmt.all(...parameters.map(toParameter));
    if (this.columns().length) for (const r of rows) this.row(r);
    return rows;
  }

  run(parameters: ReadonlyArray<unknown>) {
    return this.stmt.run(...parameters.map(toParameter));
  }

  *iterate(parameters: ReadonlyArray<unknown>): IterableIterator<unknown> {
    for (const r of this.stmt.iterate(...parameters.map(toParameter))) yield this.row(r);
  }
}

/** Kysely prepares every query anew; the engine runs the same few hundred shapes all day. */
const STATEMENT_CACHE_SIZE = 500;

class ConvertingDatabase implements SqliteDatabase {
  readonly #cache = new Map<string, ConvertingStatement>();

  constructor(private readonly raw: BetterSqlite3.Database) {}

  prepare(sql: string): SqliteStatement {
    let stmt = this.#cache.get(sql);
    if (stmt === undefined) {
      stmt = new ConvertingStatement(this.raw.prepare(sql));
      if (this.#cache.size >= STATEMENT_CACHE_SIZE) this.#cache.delete(this.#cache.keys().next().value as string);
      this.#cache.set(sql, stmt);
    }
    return stmt;
  }

  close(): void {
    this.#cache.clear();
    this.raw.close();
  }
}

/** Opens (creating when absent) a SQLite file for Kysely, or an in-memory one for ":memory:". */
export async function openSqliteFile(file: string): Promise<SqliteDatabase> {
  const { default: Database } = await import("better-sqlite3");
  if (file !== ":memory:") {
    // The file is the whole database: owner only. SQLite gives its -wal and -shm files the mode
    // of the database file, so creating it 0600 first covers them too.
    makePrivateDir(dirname(file));
    if (!existsSync(file)) closeSync(openSync(file, "a", PRIVATE_FILE_MODE));
  }
  const raw = new Database(file);
  // WAL: readers never wait for the writer. synchronous=FULL: a committed alert survives a power
  // cut, not only a crash. Foreign keys are off in SQLite unless asked for.
  raw.pragma("journal_mode = WAL");
  raw.pragma("synchronous = FULL");
  raw.pragma("foreign_keys = ON");
  raw.pragma("busy_timeout = 5000");
  return new ConvertingDatabase(raw);
}
