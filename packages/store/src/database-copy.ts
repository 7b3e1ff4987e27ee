import { UptopError, wellFormedDeep } from "@uptop/core";
import { sql, type ColumnType, type Kysely } from "kysely";
import { inTransaction, isSqlite, migrate, type Db, type Store } from "./database.js";
import { isDatabaseUnavailable } from "./database-unavailable.js";
import { ensurePartitions } from "./results.repo.js";
import type { Database } from "./schema.js";

/**
 * The jsonb columns of a table, from schema.ts: those declared JSONColumnType (read as parsed
 * JSON, written as JSON text).
 */
type JsonColumnOf<Row> = {
  [K in keyof Row]: Row[K] extends ColumnType<infer S, infer I, unknown>
    ? I extends string
      ? S extends string
        ? never
        : K
      : never
    : never;
}[keyof Row] &
  string;

interface TableSpec<T extends keyof Database> {
  /** The primary key: rows are read in its order, a batch starting after the last row of the one before. */
  key: readonly (keyof Database[T] & string)[];
  /**
   * Every jsonb column, which the compiler holds to schema.ts: each is written as JSON text, since
   * pg would send a JS array as a Postgres array literal and SQLite needs text anyway.
   */
  json: { readonly [K in JsonColumnOf<Database[T]>]: true };
}

/**
 * Every table but node_lease (who serves the database, not what it holds; the target's own lock
 * writes it) and Kysely's migration tables (the target migrates itself), in copy order: parents
 * before the rows that point at them. A table added to schema.ts fails to compile here until it
 * is placed.
 */
const TABLES: { readonly [T in Exclude<keyof Database, "node_lease">]: TableSpec<T> } = {
  settings: { key: ["key"], json: {} },
  cluster: { key: ["id"], json: {} },
  nodes: { key: ["id"], json: {} },
  monitors: { key: ["id"], json: { headers: true, json_assertion: true } },
  channels: { key: ["id"], json: { settings: true } },
  monitor_channels: { key: ["monitor_id", "channel_id"], json: {} },
  monitor_state: { key: ["monitor_id"], json: { last_result: true, last_votes: true } },
  state_changes: { key: ["id"], json: { votes: true } },
  check_results: { key: ["monitor_id", "node_id", "slot"], json: {} },
  rollups_daily: { key: ["monitor_id", "day"], json: {} },
  maintenance_windows: { key: ["id"], json: { recurrence: true } },
  notifications: { key: ["id"], json: { payload: true } },
  notification_attempts: { key: ["id"], json: {} },
  users: { key: ["id"], json: {} },
  user_tokens: { key: ["id"], json: {} },
  user_keys: { key: ["id"], json: {} },
  web_sessions: { key: ["id"], json: {} },
};

export type CopiedTable = keyof typeof TABLES;

/** The tables in the order they are copied. */
export const COPIED_TABLES = Object.keys(TABLES) as CopiedTable[];

/** The jsonb columns of each copied table (what the copy writes as JSON text). */
export function jsonColumnsOf(table: CopiedTable): string[] {
  return Object.keys(TABLES[table].json);
}

/** Tables whose `id` Postgres numbers from an identity sequence. */
const IDENTITY_TABLES: readonly CopiedTable[] = [
  "monitors",
  "channels",
  "state_changes",
  "maintenance_windows",
  "notifications",
  "notification_attempts",
  "users",
  "user_tokens",
  "user_keys",
  "web_sessions",
];

/**
 * What a node writes about itself by merely starting: a target holding only these still counts
 * as empty, and the copy replaces them with the source's.
 */
const START_UP_TABLES: readonly CopiedTable[] = ["settings", "cluster", "nodes"];

export interface TableRows {
  table: CopiedTable;
  rows: number;
}

export interface CopyOptions {
  /** Rows read, and written in one transaction, at a time; 5000. */
  batchRows?: number;
  /** After each batch, and once more with `done` when the table is complete. */
  onProgress?: (table: CopiedTable, rows: number, done: boolean) => void;
}

export interface CopyReport {
  /** Rows per table in copy order, each counted again in the source and the target and found equal. */
  tables: TableRows[];
  /** The cluster epoch the target holds now: the source's, or the target's if that was higher. */
  epoch: number;
  /**
   * Rows per table whose text Postgres cannot store as it was (a NUL, half a character: SQLite keeps
   * both), copied with that text made storable as the nodes make it: NUL removed, half a character
   * replaced by U+FFFD. Only tables with such rows are listed.
   */
  repaired: TableRows[];
}

/** The target holds data of its own: a copy never merges two databases. */
export class TargetNotEmptyError extends UptopError {
  readonly occupied: TableRows[];
  constructor(occupied: TableRows[]) {
    const held = occupied.map((t) => `${t.table}: ${t.rows}`).join(", ");
    super(
      "TARGET_NOT_EMPTY",
      `the target database already holds data (${held}): a copy goes only into an empty database and never ` +
        "merges two. Give it a new database (or a file that does not exist yet) and run the copy again",
      409,
      { occupied },
    );
    this.occupied = occupied;
  }
}

/** After the copy, a table's rows in the target do not match the source's. */
export class CopyMismatchError extends UptopError {
  constructor(mismatches: Array<{ table: CopiedTable; source: number; target: number }>) {
    const list = mismatches.map((m) => `${m.table}: ${m.source} in the source, ${m.target} in the target`).join("; ");
    super(
      "COPY_MISMATCH",
      `the copy does not match its source (${list}): was something writing to either database? ` +
        "Discard the target and copy again with every node stopped",
      500,
      { mismatches },
    );
  }
}

/** The target refused a row even after its text was made storable (a number out of its range). */
export class CopyRowRefusedError extends UptopError {
  constructor(table: CopiedTable, key: Record<string, unknown>, reason: string) {
    const at = Object.entries(key)
      .map(([k, v]) => `${k} ${v instanceof Date ? v.toISOString() : String(v)}`)
      .join(", ");
    super(
      "COPY_ROW_REFUSED",
      `the target refused the ${table} row with ${at}: ${reason}. Correct or delete that row in the source, ` +
        "then copy again into an empty target",
      422,
      { table, key, reason },
    );
  }
}

type Row = Record<string, unknown>;
/** The tables by name as this module walks them: their rows are passed through, not interpreted. */
type Loose = Kysely<Record<string, Row>>;
const loose = (db: Db): Loose => db as unknown as Loose;

/** Bound parameters per insert statement, under SQLite's 32766 and Postgres' 65535. */
const MAX_PARAMETERS = 30_000;
const DEFAULT_BATCH_ROWS = 5000;

async function countRows(db: Db, table: CopiedTable): Promise<number> {
  const row = await loose(db)
    .selectFrom(table)
    .select(sql<number | bigint | string>`count(*)`.as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

function readBatch(db: Db, table: CopiedTable, after: Row | null, limit: number): Promise<Row[]> {
  const key = TABLES[table].key;
  let q = loose(db).selectFrom(table).selectAll();
  if (after) {
    // A row comparison, which both databases answer from the primary key's index.
    const cols = sql.join(key.map((k) => sql.ref(k)));
    const vals = sql.join(key.map((k) => after[k]));
    q = q.where(sql<boolean>`(${cols}) > (${vals})`);
  }
  for (const k of key) q = q.orderBy(k);
  return q.limit(limit).execute();
}

/** A calendar day as 'YYYY-MM-DD' (PGlite reads a `date` column as a Date at UTC midnight). */
const asDay = (v: unknown): unknown => (v instanceof Date ? v.toISOString().slice(0, 10) : v);

/**
 * A source row as the target takes it; `storable` cleans its text (jsonb values included) for a
 * Postgres target. `repaired` says whether that changed anything.
 */
function toTarget(table: CopiedTable, row: Row, storable: boolean): { row: Row; repaired: boolean } {
  // A plain copy first: a driver's row object is not one, and wellFormedDeep walks only plain objects.
  const plain: Row = { ...row };
  const out = storable ? wellFormedDeep(plain) : plain;
  for (const c of jsonColumnsOf(table))
    out[c] = out[c] === null || out[c] === undefined ? null : JSON.stringify(out[c]);
  if (table === "rollups_daily") out.day = asDay(out.day);
  return { row: out, repaired: out !== plain };
}

async function insertRows(db: Db, table: CopiedTable, rows: Row[]): Promise<void> {
  if (rows.length === 0) return;
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / Object.keys(rows[0]!).length));
  try {
    await inTransaction(db, async (tx) => {
      for (let i = 0; i < rows.length; i += perStatement)
        await loose(tx)
          .insertInto(table)
          .values(rows.slice(i, i + perStatement))
          .execute();
    });
  } catch (err) {
    const refused = await firstRefused(db, table, rows);
    if (!refused) throw err;
    const key = Object.fromEntries(TABLES[table].key.map((k) => [k, refused.row[k]]));
    throw new CopyRowRefusedError(table, key, errorText(refused.error));
  }
}

const ROLL_BACK = Symbol("roll back");

/**
 * Which row of a batch the target refuses, found one insert at a time in a transaction that is
 * rolled back; null when every row goes in alone (the batch failed for another reason).
 */
async function firstRefused(db: Db, table: CopiedTable, rows: Row[]): Promise<{ row: Row; error: unknown } | null> {
  let found: { row: Row; error: unknown } | null = null;
  await inTransaction(db, async (tx) => {
    for (const row of rows) {
      try {
        await loose(tx).insertInto(table).values(row).execute();
      } catch (error) {
        // A database gone away refuses no row: that failure is the copy's, as it is.
        if (isDatabaseUnavailable(error)) throw error;
        found = { row, error };
        break;
      }
    }
    throw ROLL_BACK;
  }).catch((e: unknown) => {
    if (e !== ROLL_BACK) throw e;
  });
  return found;
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** The rows of data tables the target holds already. */
async function occupiedTables(db: Db): Promise<TableRows[]> {
  const out: TableRows[] = [];
  for (const table of COPIED_TABLES) {
    if (START_UP_TABLES.includes(table)) continue;
    const rows = await countRows(db, table);
    if (rows > 0) out.push({ table, rows });
  }
  return out;
}

/** Check results go into daily partitions on Postgres: create every day the source spans first. */
async function preparePartitions(from: Db, to: Db): Promise<void> {
  if (isSqlite(to)) return;
  const r = await loose(from)
    .selectFrom("check_results")
    .select([sql<unknown>`min(slot)`.as("first"), sql<unknown>`max(slot)`.as("last")])
    .executeTakeFirstOrThrow();
  if (r.first === null || r.last === null) return;
  // SQLite answers an aggregate as text: it has no declared type to convert from.
  const ms = (v: unknown) => (v instanceof Date ? v.getTime() : Date.parse(String(v)));
  await ensurePartitions(to, ms(r.first), ms(r.last));
}

async function copyCluster(from: Db, to: Db): Promise<number> {
  const src = await loose(from).selectFrom("cluster").selectAll().where("id", "=", 1).executeTakeFirstOrThrow();
  const dst = await loose(to).selectFrom("cluster").select("epoch").where("id", "=", 1).executeTakeFirstOrThrow();
  // An epoch never goes backwards: it fences the sends of earlier terms.
  const epoch = Math.max(Number(src.epoch), Number(dst.epoch));
  await loose(to)
    .updateTable("cluster")
    .set({ epoch, holder: src.holder, updated_at: src.updated_at })
    .where("id", "=", 1)
    .execute();
  return epoch;
}

/**
 * Copies one table in batches; returns its rows. Monitors go in without their parent (a group may
 * have a higher id than its children), which is set once every monitor is there.
 */
async function copyTable(
  from: Db,
  to: Db,
  table: CopiedTable,
  o: Required<CopyOptions>,
): Promise<{ rows: number; repaired: number }> {
  const parents: Array<{ id: number; parent: number }> = [];
  const storable = !isSqlite(to);
  let rows = 0;
  let repaired = 0;
  let after: Row | null = null;
  for (;;) {
    const batch = await readBatch(from, table, after, o.batchRows);
    if (batch.length === 0) break;
    const out = batch.map((r) => {
      const t = toTarget(table, r, storable);
      if (t.repaired) repaired++;
      return t.row;
    });
    if (table === "monitors")
      for (const r of out) {
        if (r.parent_id !== null && r.parent_id !== undefined)
          parents.push({ id: Number(r.id), parent: Number(r.parent_id) });
        r.parent_id = null;
      }
    await insertRows(to, table, out);
    rows += batch.length;
    after = batch[batch.length - 1]!;
    o.onProgress(table, rows, false);
    if (batch.length < o.batchRows) break;
  }
  for (let i = 0; i < parents.length; i += o.batchRows)
    await inTransaction(to, async (tx) => {
      for (const p of parents.slice(i, i + o.batchRows))
        await loose(tx).updateTable("monitors").set({ parent_id: p.parent }).where("id", "=", p.id).execute();
    });
  return { rows, repaired };
}

/** Moves every identity sequence past the ids copied, so the next row created gets a new one. */
async function resetSequences(db: Db): Promise<void> {
  if (isSqlite(db)) return; // AUTOINCREMENT follows the largest id inserted by itself.
  for (const table of IDENTITY_TABLES)
    await sql`select setval(pg_get_serial_sequence(${table}, 'id'),
        coalesce((select max(id) from ${sql.table(table)}), 0) + 1, false)`.execute(db);
}

/**
 * Copies everything uptop keeps — configuration, state, history, the alerts sent and pending —
 * from one database to another, ids included, so a node started on the target goes on where the
 * source left off (its open incidents too). Both schemas are brought up to date first. The target
 * must hold no data (TargetNotEmptyError); each batch lands in a transaction of its own, and the
 * rows are counted again in both databases at the end (CopyMismatchError). Text Postgres cannot
 * store is made storable on the way (`repaired`); a row it refuses anyway stops the copy with
 * CopyRowRefusedError naming it.
 *
 * Nothing may write to either database meanwhile: hold both (`acquireDatabaseLock`), as
 * `copyBetween` does. Encrypted secrets are copied as stored: the same key opens them.
 */
export async function copyDatabase(from: Store, to: Store, opts: CopyOptions = {}): Promise<CopyReport> {
  const o: Required<CopyOptions> = {
    batchRows: Math.max(1, Math.floor(opts.batchRows ?? DEFAULT_BATCH_ROWS)),
    onProgress: opts.onProgress ?? (() => {}),
  };
  await migrate(from.db);
  await migrate(to.db);
  const occupied = await occupiedTables(to.db);
  if (occupied.length > 0) throw new TargetNotEmptyError(occupied);
  // What a node that only started on the target wrote about itself gives way to the source's.
  await inTransaction(to.db, async (tx) => {
    await loose(tx).deleteFrom("settings").execute();
    await loose(tx).deleteFrom("nodes").execute();
  });
  await preparePartitions(from.db, to.db);

  let epoch = 0;
  const repaired: TableRows[] = [];
  for (const table of COPIED_TABLES) {
    let rows: number;
    if (table === "cluster") {
      epoch = await copyCluster(from.db, to.db);
      rows = 1;
    } else {
      const copied = await copyTable(from.db, to.db, table, o);
      rows = copied.rows;
      if (copied.repaired > 0) repaired.push({ table, rows: copied.repaired });
    }
    o.onProgress(table, rows, true);
  }
  await resetSequences(to.db);

  const tables: TableRows[] = [];
  const mismatches: Array<{ table: CopiedTable; source: number; target: number }> = [];
  for (const table of COPIED_TABLES) {
    const [source, target] = await Promise.all([countRows(from.db, table), countRows(to.db, table)]);
    if (source !== target) mismatches.push({ table, source, target });
    tables.push({ table, rows: target });
  }
  if (mismatches.length > 0) throw new CopyMismatchError(mismatches);
  return { tables, epoch, repaired };
}
