import { truncateText } from "@uptop/core";
import { sql } from "kysely";
import { isSqlite, type Db } from "./database.js";

export interface ResultRow {
  monitorId: number;
  nodeId: string;
  /** Start of the slot the check belongs to (the unique key with monitor and node). */
  slot: Date;
  checkedAt: Date;
  ok: boolean;
  latencyMs: number | null;
  statusCode: number | null;
  errorCode: string | null;
  errorMessage: string | null;
}

const DAY_MS = 86_400_000;

/** `check_results_20261125` for the UTC day containing `ms`. */
export function partitionName(ms: number): string {
  return `check_results_${new Date(ms).toISOString().slice(0, 10).replaceAll("-", "")}`;
}

/**
 * Creates the daily partitions covering [fromMs, toMs] that do not exist yet. SQLite keeps
 * results in one table: nothing to create.
 */
export async function ensurePartitions(db: Db, fromMs: number, toMs: number): Promise<void> {
  if (isSqlite(db)) return;
  const first = Math.floor(fromMs / DAY_MS) * DAY_MS;
  for (let day = first; day <= toMs; day += DAY_MS) {
    const name = partitionName(day);
    const from = new Date(day).toISOString();
    const to = new Date(day + DAY_MS).toISOString();
    try {
      await sql`create table if not exists ${sql.table(name)} partition of check_results for values from (${sql.lit(from)}) to (${sql.lit(to)})`.execute(
        db,
      );
    } catch (err) {
      // Two writers racing to create the same day: the loser sees a duplicate, which is fine.
      const code = (err as { code?: string }).code;
      if (code !== "42P07" && code !== "23505") throw err;
    }
  }
}

/** Names of the existing daily partitions, oldest first (none on SQLite). */
export async function listPartitions(db: Db): Promise<string[]> {
  if (isSqlite(db)) return [];
  const r = await sql<{ name: string }>`
    select c.relname as name from pg_inherits i
    join pg_class c on c.oid = i.inhrelid
    join pg_class p on p.oid = i.inhparent
    where p.relname = 'check_results' order by c.relname`.execute(db);
  return r.rows.map((x) => x.name);
}

/** What `pruneResultsBefore` removed: whole day partitions on Postgres, rows on SQLite. */
export interface ResultsPruned {
  partitions: string[];
  rows: number;
}

/** Rows SQLite deletes per statement: each batch is a short write, so checks keep landing between them. */
const PRUNE_BATCH = 5000;

/**
 * Retention of raw results: removes every result older than the UTC day of `beforeMs`. Postgres
 * drops whole day partitions (no row deletes, no bloat). SQLite deletes in bounded batches,
 * yielding between them, so the one writer is never held for long.
 */
export async function pruneResultsBefore(db: Db, beforeMs: number): Promise<ResultsPruned> {
  if (!isSqlite(db)) return { partitions: await dropPartitionsBefore(db, beforeMs), rows: 0 };
  const cutoff = new Date(Math.floor(beforeMs / DAY_MS) * DAY_MS);
  let rows = 0;
  for (;;) {
    const res = await sql`
      delete from check_results where (monitor_id, node_id, slot) in (
        select monitor_id, node_id, slot from check_results where slot < ${cutoff} limit ${PRUNE_BATCH})`.execute(db);
    const n = Number(res.numAffectedRows ?? 0n);
    rows += n;
    if (n < PRUNE_BATCH) return { partitions: [], rows };
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Drops whole day partitions older than `beforeMs` (retention without row deletes). */
async function dropPartitionsBefore(db: Db, beforeMs: number): Promise<string[]> {
  const cutoff = partitionName(Math.floor(beforeMs / DAY_MS) * DAY_MS);
  const dropped: string[] = [];
  for (const name of await listPartitions(db)) {
    if (/^check_results_\d{8}$/.test(name) && name < cutoff) {
      await sql`drop table if exists ${sql.table(name)}`.execute(db);
      dropped.push(name);
    }
  }
  return dropped;
}

function isMissingPartition(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e.code === "23514" && /no partition/i.test(e.message ?? "");
}

/**
 * One multi-row insert per batch; a row already stored for (monitor, node, slot) is skipped, so
 * replayed probe batches are harmless. Returns how many rows were new.
 */
export async function insertResults(db: Db, rows: readonly ResultRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const values = rows.map((r) => ({
    monitor_id: r.monitorId,
    node_id: r.nodeId,
    slot: r.slot,
    checked_at: r.checkedAt,
    ok: r.ok,
    latency_ms: r.latencyMs,
    status_code: r.statusCode,
    error_code: r.errorCode,
    error_message: r.errorMessage === null ? null : truncateText(r.errorMessage, 500),
  }));
  const run = async () => {
    const res = await db
      .insertInto("check_results")
      .values(values)
      .onConflict((oc) => oc.columns(["monitor_id", "node_id", "slot"]).doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0n);
  };
  try {
    return await run();
  } catch (err) {
    if (!isMissingPartition(err)) throw err;
    const times = rows.map((r) => r.slot.getTime());
    await ensurePartitions(db, Math.min(...times), Math.max(...times));
    return run();
  }
}
