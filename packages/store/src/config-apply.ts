import type { Transaction } from "kysely";
import { ConflictError, UptopError, type Monitor, type MonitorDraft, type SecretBox } from "@uptop/core";
import {
  createChannel,
  deleteChannel,
  listChannels,
  updateChannel,
  type Channel,
  type ChannelDraft,
} from "./channels.repo.js";
import { isUniqueViolation, type Db } from "./database.js";
import {
  createMaintenanceWindow,
  deleteMaintenanceWindow,
  listMaintenanceWindows,
  updateMaintenanceWindow,
  type MaintenanceWindow,
  type MaintenanceWindowInput,
} from "./maintenance.repo.js";
import { createMonitorIn, deleteMonitor, listMonitors, updateMonitorIn } from "./monitors.repo.js";
import type { Database } from "./schema.js";

type Exec = Db | Transaction<Database>;

/** One step of a config apply, in the order the caller's plan put them. */
export type ConfigOp =
  | { kind: "channel"; op: "create"; name: string; draft: ChannelDraft }
  | { kind: "channel"; op: "update"; name: string; id: number; draft: ChannelDraft }
  | { kind: "channel"; op: "delete"; name: string; id: number }
  | { kind: "monitor"; op: "create"; name: string; draft: MonitorDraft }
  | { kind: "monitor"; op: "update"; name: string; id: number; draft: MonitorDraft }
  | { kind: "monitor"; op: "delete"; name: string; id: number }
  | { kind: "maintenance"; op: "create"; name: string; input: MaintenanceWindowInput }
  | { kind: "maintenance"; op: "update"; name: string; id: number; input: MaintenanceWindowInput }
  | { kind: "maintenance"; op: "delete"; name: string; id: number };

/** Everything a config apply compares against, read in the caller's transaction. */
export interface StoredConfig {
  channels: Channel[];
  monitors: Monitor[];
  maintenance: MaintenanceWindow[];
}

export async function loadStoredConfig(db: Exec, box: SecretBox): Promise<StoredConfig> {
  return {
    channels: await listChannels(db, box),
    monitors: await listMonitors(db, box),
    maintenance: await listMaintenanceWindows(db),
  };
}

/** A step that failed, named so the operator knows which entry of the file to fix. */
export class ConfigOpError extends UptopError {
  constructor(op: ConfigOp, cause: unknown) {
    const label = `${op.op} ${op.kind} "${op.name}"`;
    if (cause instanceof UptopError) {
      super(cause.code, `${label}: ${cause.message}`, cause.httpStatus, {
        kind: op.kind,
        name: op.name,
        op: op.op,
        cause: cause.details ?? null,
      });
    } else if (isUniqueViolation(cause)) {
      const conflict = new ConflictError(`a unique value (name or push token) is already used`);
      super(conflict.code, `${label}: ${conflict.message}`, conflict.httpStatus, {
        kind: op.kind,
        name: op.name,
        op: op.op,
      });
    } else {
      throw cause;
    }
  }
}

async function run(tx: Exec, box: SecretBox, op: ConfigOp): Promise<number | null> {
  switch (op.kind) {
    case "channel":
      if (op.op === "create") return (await createChannel(tx, box, op.draft)).id;
      if (op.op === "update") return (await updateChannel(tx, box, op.id, op.draft)).id;
      await deleteChannel(tx, op.id);
      return op.id;
    case "monitor":
      if (op.op === "create") return (await createMonitorIn(tx, box, op.draft)).id;
      if (op.op === "update") return (await updateMonitorIn(tx, box, op.id, op.draft)).id;
      await deleteMonitor(tx, op.id);
      return op.id;
    case "maintenance":
      if (op.op === "create")
        return (await createMaintenanceWindow(tx as Db, { ...op.input, createdBy: op.input.createdBy ?? "config" })).id;
      if (op.op === "update") return (await updateMaintenanceWindow(tx as Db, op.id, op.input)).id;
      await deleteMaintenanceWindow(tx as Db, op.id);
      return op.id;
  }
}

export interface AppliedOp {
  kind: ConfigOp["kind"];
  op: ConfigOp["op"];
  name: string;
  id: number | null;
}

/**
 * Executes the steps in the caller's transaction, in order. The first failure throws a
 * ConfigOpError naming the step; the caller's transaction then rolls back every earlier step,
 * so an apply is all or nothing.
 */
export async function applyConfigOpsIn(tx: Exec, box: SecretBox, ops: readonly ConfigOp[]): Promise<AppliedOp[]> {
  const done: AppliedOp[] = [];
  for (const op of ops) {
    try {
      done.push({ kind: op.kind, op: op.op, name: op.name, id: await run(tx, box, op) });
    } catch (err) {
      throw new ConfigOpError(op, err);
    }
  }
  return done;
}
