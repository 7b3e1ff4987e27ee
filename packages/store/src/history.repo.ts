import { sql } from "kysely";
import { NotFoundError, type Status, type Vote } from "@uptop/core";
import { isSqlite, type Db } from "./database.js";

const DAY_MS = 86_400_000;

/** The public-safe facts about a monitor that history, SLA and the status page need. */
export interface MonitorOutline {
  id: number;
  name: string;
  type: string;
  parentId: number | null;
  paused: boolean;
  createdAt: Date;
}

export interface StoredResult {
  monitorId: number;
  nodeId: string;
  slot: string;
  checkedAt: string;
  ok: boolean;
  latencyMs: number | null;
  statusCode: number | null;
  errorCode: string | null;
  errorMessage: string | null;
}

export interface StateChangeRecord {
  id: number;
  monitorId: number;
  from: Status;
  to: Status;
  reason: string;
  votes: Vote[];
  at: string;
  epoch: number;
  nodeId: string;
  origin: string;
}

/** The status in force at `from` and the changes in (from, to]: the input `computeSla` takes. */
export interface Timeline {
  statusAtStart: Status | null;
  changes: Array<{ at: Date; to: Status }>;
}

/** One `rollups_daily` row (same fields as `DailyRollup` of @uptop/aggregation, plus the monitor). */
export interface RollupRecord {
  monitorId: number;
  /** YYYY-MM-DD, UTC. */
  day: string;
  upS: number;
  downS: number;
  maintenanceS: number;
  checks: number;
  failures: number;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
}

export interface TimeRangeQuery {
  monitorId: number;
  from?: Date;
  to?: Date;
  limit: number;
}

const outlineColumns = ["id", "name", "type", "parent_id", "paused", "created_at"] as const;

type OutlineRow = {
  id: number;
  name: string;
  type: string;
  parent_id: number | null;
  paused: boolean;
  created_at: Date;
};

function toOutline(r: OutlineRow): MonitorOutline {
  return { id: r.id, name: r.name, type: r.type, parentId: r.parent_id, paused: r.paused, createdAt: r.created_at };
}

export async function listMonitorOutlines(db: Db): Promise<MonitorOutline[]> {
  const rows = await db.selectFrom("monitors").select(outlineColumns).orderBy("name").execute();
  return rows.map(toOutline);
}

export async function getMonitorOutline(db: Db, id: number): Promise<MonitorOutline> {
  const row = await db.selectFrom("monitors").select(outlineColumns).where("id", "=", id).executeTakeFirst();
  if (!row) throw new NotFoundError(`monitor ${id}`);
  return toOutline(row);
}

/** Raw results of one monitor, newest first. */
export async function listResults(db: Db, q: TimeRangeQuery & { node?: string }): Promise<StoredResult[]> {
  let query = db.selectFrom("check_results").selectAll().where("monitor_id", "=", q.monitorId);
  if (q.from) query = query.where("slot", ">=", q.from);
  if (q.to) query = query.where("slot", "<", q.to);
  if (q.node) query = query.where("node_id", "=", q.node);
  const rows = await query.orderBy("slot", "desc").orderBy("node_id").limit(q.limit).execute();
  return rows.map((r) => ({
    monitorId: r.monitor_id,
    nodeId: r.node_id,
    slot: r.slot.toISOString(),
    checkedAt: r.checked_at.toISOString(),
    ok: r.ok,
    latencyMs: r.latency_ms,
    statusCode: r.status_code,
    errorCode: r.error_code,
    errorMessage: r.error_message,
  }));
}

/** State changes of one monitor with the votes behind them, newest first. */
export async function listStateChanges(db: Db, q: TimeRangeQuery): Promise<StateChangeRecord[]> {
  let query = db.selectFrom("state_changes").selectAll().where("monitor_id", "=", q.monitorId);
  if (q.from) query = query.where("at", ">=", q.from);
  if (q.to) query = query.where("at", "<", q.to);
  const rows = await query.orderBy("at", "desc").orderBy("id", "desc").limit(q.limit).execute();
  return rows.map((r) => ({
    id: r.id,
    monitorId: r.monitor_id,
    from: r.from_status as Status,
    to: r.to_status as Status,
    reason: r.reason,
    votes: (r.votes ?? []) as Vote[],
    at: r.at.toISOString(),
    epoch: r.epoch,
    nodeId: r.node_id,
    origin: r.origin,
  }));
}

/** When the monitor's kept state-change history begins (null: no change recorded yet). */
export async function firstStateChangeAt(db: Db, monitorId: number): Promise<Date | null> {
  const row = await db
    .selectFrom("state_changes")
    .select((eb) => eb.fn.min("at").as("first"))
    .where("monitor_id", "=", monitorId)
    .executeTakeFirst();
  return row?.first ? new Date(row.first as Date | string) : null;
}

/**
 * The status timeline of many monitors over [from, to] in two queries. The status at `from` is
 * the last change at or before it; with none, a monitor created before `from` was PENDING (not
 * checked yet), and one created later did not exist — it becomes PENDING at its creation.
 */
export async function loadTimelines(
  db: Db,
  monitors: ReadonlyArray<Pick<MonitorOutline, "id" | "createdAt">>,
  from: Date,
  to: Date,
): Promise<Map<number, Timeline>> {
  const out = new Map<number, Timeline>();
  if (monitors.length === 0) return out;
  const ids = monitors.map((m) => m.id);
  const before = isSqlite(db)
    ? await db
        .selectFrom((eb) =>
          eb
            .selectFrom("state_changes")
            .select(["monitor_id", "to_status"])
            .select(sql<number>`row_number() over (partition by monitor_id order by at desc, id desc)`.as("n"))
            .where("monitor_id", "in", ids)
            .where("at", "<=", from)
            .as("ranked"),
        )
        .select(["ranked.monitor_id", "ranked.to_status"])
        .where("ranked.n", "=", 1)
        .execute()
    : await db
        .selectFrom("state_changes")
        .select(["monitor_id", "to_status"])
        .distinctOn("monitor_id")
        .where("monitor_id", "in", ids)
        .where("at", "<=", from)
        .orderBy("monitor_id")
        .orderBy("at", "desc")
        .orderBy("id", "desc")
        .execute();
  const within = await db
    .selectFrom("state_changes")
    .select(["monitor_id", "to_status", "at"])
    .where("monitor_id", "in", ids)
    .where("at", ">", from)
    .where("at", "<=", to)
    .orderBy("monitor_id")
    .orderBy("at")
    .orderBy("id")
    .execute();
  const startOf = new Map(before.map((r) => [r.monitor_id, r.to_status as Status]));
  for (const m of monitors) {
    const known = startOf.get(m.id);
    const created = m.createdAt.getTime();
    if (known !== undefined) out.set(m.id, { statusAtStart: known, changes: [] });
    else if (created <= from.getTime()) out.set(m.id, { statusAtStart: "PENDING", changes: [] });
    else
      out.set(m.id, {
        statusAtStart: null,
        changes: created <= to.getTime() ? [{ at: m.createdAt, to: "PENDING" }] : [],
      });
  }
  for (const r of within) out.get(r.monitor_id)?.changes.push({ at: r.at, to: r.to_status as Status });
  return out;
}

/** Every result of the given monitors with slot in [from, to), grouped by monitor. */
export async function loadResultOutcomes(
  db: Db,
  monitorIds: readonly number[],
  from: Date,
  to: Date,
): Promise<Map<number, Array<{ ok: boolean; latencyMs: number | null }>>> {
  const out = new Map<number, Array<{ ok: boolean; latencyMs: number | null }>>();
  if (monitorIds.length === 0) return out;
  const rows = await db
    .selectFrom("check_results")
    .select(["monitor_id", "ok", "latency_ms"])
    .where("monitor_id", "in", monitorIds as number[])
    .where("slot", ">=", from)
    .where("slot", "<", to)
    .execute();
  for (const r of rows) {
    const list = out.get(r.monitor_id) ?? [];
    list.push({ ok: r.ok, latencyMs: r.latency_ms });
    out.set(r.monitor_id, list);
  }
  return out;
}

/**
 * Mean latency of successful checks per monitor per hour over [from, to), aggregated in the
 * database so a status page of a thousand monitors reads 24 rows each, not every result.
 */
export async function hourlyLatency(
  db: Db,
  from: Date,
  to: Date,
): Promise<Map<number, Array<{ hour: string; latencyMs: number }>>> {
  // SQLite's slot is ISO text: its first 13 characters name the hour.
  const hour = isSqlite(db) ? sql`substr(slot, 1, 13) || ':00:00.000Z'` : sql`date_trunc('hour', slot)`;
  const r = await sql<{ monitor_id: number; hour: Date | string; latency: number | string }>`
    select monitor_id, ${hour} as hour, avg(latency_ms) as latency
    from check_results
    where slot >= ${from} and slot < ${to} and ok and latency_ms is not null
    group by monitor_id, ${hour}
    order by monitor_id, hour`.execute(db);
  const out = new Map<number, Array<{ hour: string; latencyMs: number }>>();
  for (const row of r.rows) {
    const list = out.get(row.monitor_id) ?? [];
    list.push({ hour: new Date(row.hour).toISOString(), latencyMs: Number(row.latency) });
    out.set(row.monitor_id, list);
  }
  return out;
}

/** Inserts or replaces daily rollups in one statement (the rollup job and the follower's handback). */
export async function upsertRollups(db: Db, rows: readonly RollupRecord[]): Promise<void> {
  if (rows.length === 0) return;
  // A handback may name a monitor deleted since; its rollups go with it.
  const existing = new Set(
    (
      await db
        .selectFrom("monitors")
        .select("id")
        .where("id", "in", [...new Set(rows.map((r) => r.monitorId))])
        .execute()
    ).map((r) => r.id),
  );
  const values = rows
    .filter((r) => existing.has(r.monitorId))
    .map((r) => ({
      monitor_id: r.monitorId,
      day: r.day,
      up_s: r.upS,
      down_s: r.downS,
      maintenance_s: r.maintenanceS,
      checks: r.checks,
      failures: r.failures,
      latency_p50: r.latencyP50Ms,
      latency_p95: r.latencyP95Ms,
    }));
  for (let i = 0; i < values.length; i += 1000) {
    await db
      .insertInto("rollups_daily")
      .values(values.slice(i, i + 1000))
      .onConflict((oc) =>
        oc.columns(["monitor_id", "day"]).doUpdateSet((eb) => ({
          up_s: eb.ref("excluded.up_s"),
          down_s: eb.ref("excluded.down_s"),
          maintenance_s: eb.ref("excluded.maintenance_s"),
          checks: eb.ref("excluded.checks"),
          failures: eb.ref("excluded.failures"),
          latency_p50: eb.ref("excluded.latency_p50"),
          latency_p95: eb.ref("excluded.latency_p95"),
        })),
      )
      .execute();
  }
}

/** Rollups with day in [fromDay, toDay] (YYYY-MM-DD), optionally for some monitors only. */
export async function listRollups(
  db: Db,
  q: { fromDay: string; toDay: string; monitorIds?: readonly number[] },
): Promise<RollupRecord[]> {
  if (q.monitorIds && q.monitorIds.length === 0) return [];
  let query = db.selectFrom("rollups_daily").selectAll().where("day", ">=", q.fromDay).where("day", "<=", q.toDay);
  if (q.monitorIds) query = query.where("monitor_id", "in", q.monitorIds as number[]);
  const rows = await query.orderBy("monitor_id").orderBy("day").execute();
  return rows.map((r) => ({
    monitorId: r.monitor_id,
    day: typeof r.day === "string" ? r.day.slice(0, 10) : new Date(r.day as unknown as Date).toISOString().slice(0, 10),
    upS: r.up_s,
    downS: r.down_s,
    maintenanceS: r.maintenance_s,
    checks: r.checks,
    failures: r.failures,
    latencyP50Ms: r.latency_p50,
    latencyP95Ms: r.latency_p95,
  }));
}

/**
 * Up and down seconds per monitor per day in [fromDay, toDay], as `days[i]` for day `fromDay + i`
 * (null where no rollup exists). Aggregated to one row per monitor in the database: a 90-day
 * bar for a thousand monitors is 90 000 rows, far too slow to ship one by one.
 */
export async function dailyUptime(
  db: Db,
  fromDay: string,
  toDay: string,
): Promise<Map<number, Array<{ upS: number; downS: number } | null>>> {
  const length = Math.round((Date.parse(`${toDay}T00:00:00Z`) - Date.parse(`${fromDay}T00:00:00Z`)) / DAY_MS) + 1;
  const r = isSqlite(db)
    ? await sql<{ monitor_id: number; days: string }>`
        select monitor_id,
          json_group_array(json_array(cast(julianday(day) - julianday(${fromDay}) as integer), up_s, down_s)) as days
        from rollups_daily where day >= ${fromDay} and day <= ${toDay}
        group by monitor_id`.execute(db)
    : await sql<{ monitor_id: number; days: string }>`
        select monitor_id, json_agg(json_build_array(day - ${fromDay}::date, up_s, down_s))::text as days
        from rollups_daily where day >= ${fromDay}::date and day <= ${toDay}::date
        group by monitor_id`.execute(db);
  const out = new Map<number, Array<{ upS: number; downS: number } | null>>();
  for (const row of r.rows) {
    const days = new Array<{ upS: number; downS: number } | null>(Math.max(0, length)).fill(null);
    for (const [index, upS, downS] of JSON.parse(row.days) as Array<[number, number, number]>) {
      if (index >= 0 && index < days.length) days[index] = { upS, downS };
    }
    out.set(row.monitor_id, days);
  }
  return out;
}

/** Deletes rollups of days before `day` (YYYY-MM-DD); returns how many. */
export async function deleteRollupsBefore(db: Db, day: string): Promise<number> {
  const res = await db.deleteFrom("rollups_daily").where("day", "<", day).executeTakeFirst();
  return Number(res.numDeletedRows);
}

/** YYYY-MM-DD of the UTC day containing `ms`. */
export function utcDay(ms: number): string {
  return new Date(Math.floor(ms / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
}
