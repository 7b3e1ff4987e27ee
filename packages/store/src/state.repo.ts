import type { LastCheck, MonitorState, Status, Vote } from "@uptop/core";
import { isForeignKeyViolation, type Db } from "./database.js";
import { dateOf, dateOrNull } from "./dates.js";

// The engine still imports the state types from the store by these names; they are core's.
export type { LastCheck };
export type MonitorStateRecord = MonitorState;

type StateRow = {
  monitor_id: number;
  status: string;
  since: Date;
  failures: number;
  successes: number;
  last_result: Record<string, unknown> | null;
  last_votes: unknown[];
  last_push_at: Date | null;
  down_since: Date | null;
  no_data: boolean;
};

function fromRow(r: StateRow): MonitorState {
  const extra = (r.last_result ?? {}) as { health?: MonitorState["health"]; lastCheck?: LastCheck };
  return {
    monitorId: r.monitor_id,
    status: r.status as Status,
    health: extra.health ?? (r.status === "DOWN" ? "DOWN" : r.status === "UP" ? "UP" : "PENDING"),
    since: r.since.toISOString(),
    failures: r.failures,
    successes: r.successes,
    lastCheck: extra.lastCheck ?? null,
    votes: (r.last_votes ?? []) as Vote[],
    lastPushAt: r.last_push_at?.toISOString() ?? null,
    downSince: r.down_since?.toISOString() ?? null,
    noData: r.no_data,
  };
}

export async function getMonitorStates(db: Db, ids?: readonly number[]): Promise<Map<number, MonitorState>> {
  if (ids && ids.length === 0) return new Map();
  let q = db.selectFrom("monitor_state").selectAll();
  if (ids) q = q.where("monitor_id", "in", ids as number[]);
  const rows = await q.execute();
  return new Map(rows.map((r) => [r.monitor_id, fromRow(r)]));
}

/** Upserts many monitor states in one statement (the engine's write path). */
/** Postgres takes at most 65 535 parameters per statement; at 11 per row, 1000 rows stay well under. */
const STATES_PER_INSERT = 1000;

export async function saveMonitorStates(db: Db, states: readonly MonitorState[]): Promise<void> {
  for (let i = 0; i < states.length; i += STATES_PER_INSERT)
    await saveStateChunk(db, states.slice(i, i + STATES_PER_INSERT));
}

async function saveStateChunk(db: Db, states: readonly MonitorState[]): Promise<void> {
  if (states.length === 0) return;
  const now = new Date();
  await db
    .insertInto("monitor_state")
    .values(
      states.map((s) => ({
        monitor_id: s.monitorId,
        status: s.status,
        since: dateOf(s.since),
        failures: s.failures,
        successes: s.successes,
        last_result: JSON.stringify({ health: s.health, lastCheck: s.lastCheck }),
        last_votes: JSON.stringify(s.votes),
        last_push_at: dateOrNull(s.lastPushAt),
        down_since: dateOrNull(s.downSince),
        no_data: s.noData,
        updated_at: now,
      })),
    )
    .onConflict((oc) =>
      oc.column("monitor_id").doUpdateSet((eb) => ({
        status: eb.ref("excluded.status"),
        since: eb.ref("excluded.since"),
        failures: eb.ref("excluded.failures"),
        successes: eb.ref("excluded.successes"),
        last_result: eb.ref("excluded.last_result"),
        last_votes: eb.ref("excluded.last_votes"),
        last_push_at: eb.ref("excluded.last_push_at"),
        down_since: eb.ref("excluded.down_since"),
        no_data: eb.ref("excluded.no_data"),
        updated_at: eb.ref("excluded.updated_at"),
      })),
    )
    // The monitor may have been deleted since the verdict was reached; its state goes with it.
    .execute()
    .catch(async (err: unknown) => {
      if (!isForeignKeyViolation(err)) throw err;
      const existing = new Set(
        (
          await db
            .selectFrom("monitors")
            .select("id")
            .where(
              "id",
              "in",
              states.map((s) => s.monitorId),
            )
            .execute()
        ).map((r) => r.id),
      );
      const kept = states.filter((s) => existing.has(s.monitorId));
      if (kept.length) await saveMonitorStates(db, kept);
    });
}
