import type { Selectable } from "kysely";
import {
  NotFoundError,
  ValidationError,
  type FieldIssue,
  type MaintenanceWindowRecord,
  type Recurrence,
  type WindowType,
} from "@uptop/core";
import type { Db } from "./database.js";
import type { MaintenanceWindowsTable } from "./schema.js";

/** A window as stored, with the monitors it names resolved to names for people. */
export interface MaintenanceWindow extends MaintenanceWindowRecord {
  /** Names of `monitorIds` that still exist, in the order given. */
  monitors: string[] | null;
  createdAt: string;
  updatedAt: string;
}

export interface MaintenanceWindowInput {
  title: string;
  description: string | null;
  type: WindowType;
  /** Monitor or group names; null = every monitor. */
  monitors: string[] | null;
  startAt: string;
  endAt: string | null;
  recurrence: Recurrence | null;
  createdBy?: string | null;
}

/** What the engine and SLA code need: exactly `WindowSpec` of @uptop/aggregation. */
export type MaintenanceWindowSpec = Pick<
  MaintenanceWindowRecord,
  "id" | "type" | "monitorIds" | "startAt" | "endAt" | "recurrence"
>;

type Row = Selectable<MaintenanceWindowsTable>;

function toSpec(r: Row): MaintenanceWindowSpec {
  return {
    id: r.id,
    type: r.type === "incident" ? "incident" : "maintenance",
    monitorIds: r.monitor_ids,
    startAt: r.start_at.toISOString(),
    endAt: r.end_at?.toISOString() ?? null,
    recurrence: (r.recurrence as Recurrence | null) ?? null,
  };
}

/** A window row as core's record: what the config mirror carries. */
export function maintenanceWindowRecord(r: Row): MaintenanceWindowRecord {
  return { ...toSpec(r), title: r.title, description: r.description, createdBy: r.created_by };
}

async function namesById(db: Db, rows: readonly Row[]): Promise<Map<number, string>> {
  const ids = [...new Set(rows.flatMap((r) => r.monitor_ids ?? []))];
  if (ids.length === 0) return new Map();
  const found = await db.selectFrom("monitors").select(["id", "name"]).where("id", "in", ids).execute();
  return new Map(found.map((m) => [m.id, m.name]));
}

function fromRow(r: Row, names: Map<number, string>): MaintenanceWindow {
  return {
    ...maintenanceWindowRecord(r),
    monitors: r.monitor_ids === null ? null : r.monitor_ids.flatMap((id) => names.get(id) ?? []),
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

/** Monitor (or group) names → ids; an unknown name is a ValidationError naming it. */
async function resolveNames(db: Db, names: readonly string[] | null): Promise<number[] | null> {
  if (names === null) return null;
  const unique = [...new Set(names)];
  const found = unique.length
    ? await db.selectFrom("monitors").select(["id", "name"]).where("name", "in", unique).execute()
    : [];
  const idOf = new Map(found.map((m) => [m.name, m.id]));
  const issues: FieldIssue[] = [];
  const unknown: string[] = [];
  names.forEach((n, i) => {
    if (idOf.has(n)) return;
    unknown.push(JSON.stringify(n));
    issues.push({ field: `monitors.${i}`, message: `no monitor or group named ${JSON.stringify(n)}` });
  });
  if (issues.length) throw new ValidationError(`monitors: unknown monitor ${unknown.join(", ")}`, issues);
  return unique.map((n) => idOf.get(n)!);
}

function toValues(input: MaintenanceWindowInput, monitorIds: number[] | null) {
  return {
    title: input.title,
    description: input.description,
    type: input.type,
    monitor_ids: monitorIds,
    start_at: new Date(input.startAt),
    end_at: input.endAt === null ? null : new Date(input.endAt),
    recurrence: JSON.stringify(input.recurrence),
    updated_at: new Date(),
  };
}

export async function listMaintenanceWindows(db: Db): Promise<MaintenanceWindow[]> {
  const rows = await db.selectFrom("maintenance_windows").selectAll().orderBy("start_at").orderBy("id").execute();
  const names = await namesById(db, rows);
  return rows.map((r) => fromRow(r, names));
}

export async function getMaintenanceWindow(db: Db, id: number): Promise<MaintenanceWindow> {
  const row = await db.selectFrom("maintenance_windows").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw new NotFoundError(`maintenance window ${id}`);
  return fromRow(row, await namesById(db, [row]));
}

export async function createMaintenanceWindow(db: Db, input: MaintenanceWindowInput): Promise<MaintenanceWindow> {
  const ids = await resolveNames(db, input.monitors);
  const row = await db
    .insertInto("maintenance_windows")
    .values({ ...toValues(input, ids), created_by: input.createdBy ?? null })
    .returningAll()
    .executeTakeFirstOrThrow();
  return fromRow(row, await namesById(db, [row]));
}

export async function updateMaintenanceWindow(
  db: Db,
  id: number,
  input: MaintenanceWindowInput,
): Promise<MaintenanceWindow> {
  const ids = await resolveNames(db, input.monitors);
  const row = await db
    .updateTable("maintenance_windows")
    .set(toValues(input, ids))
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`maintenance window ${id}`);
  return fromRow(row, await namesById(db, [row]));
}

export async function deleteMaintenanceWindow(db: Db, id: number): Promise<void> {
  const res = await db.deleteFrom("maintenance_windows").where("id", "=", id).executeTakeFirst();
  if (Number(res.numDeletedRows) === 0) throw new NotFoundError(`maintenance window ${id}`);
}

/** Sets the window's end (used to end an open window now). */
export async function setMaintenanceWindowEnd(db: Db, id: number, endAt: Date): Promise<MaintenanceWindow> {
  const row = await db
    .updateTable("maintenance_windows")
    .set({ end_at: endAt, updated_at: new Date() })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`maintenance window ${id}`);
  return fromRow(row, await namesById(db, [row]));
}

/** Every window as the pure maintenance functions take it (the engine reloads these on change). */
export async function listWindowSpecs(db: Db): Promise<MaintenanceWindowSpec[]> {
  const rows = await db.selectFrom("maintenance_windows").selectAll().orderBy("id").execute();
  return rows.map(toSpec);
}
