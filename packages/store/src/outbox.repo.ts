// The writing side of the outbox: which channels an alert may reach, and its rows. Which of them
// really hear it is a rule of `@uptop/aggregation` (`recipients`); this only reads and writes.
import { sql } from "kysely";
import type { Db } from "./database.js";
import type { OutboxRow } from "./notifications.repo.js";

export interface AlertChannel {
  id: number;
  type: string;
  reminderIntervalS: number | null;
}

/** One outbox row to write: `payload` is the message, stored as JSON. */
export interface NewOutboxRow {
  channelId: number;
  monitorId: number | null;
  event: string;
  payload: unknown;
  dedupeKey: string;
  epoch: number;
  nextAttemptAt: Date;
}

const CHANNEL_COLUMNS = ["channels.id", "channels.type", "channels.reminder_interval_s"] as const;

function toChannel(r: { id: number; type: string; reminder_interval_s: number | null }): AlertChannel {
  return { id: r.id, type: r.type, reminderIntervalS: r.reminder_interval_s };
}

/** The enabled channels a monitor notifies: its own plus every default one (only those for no monitor). */
export async function channelsFor(db: Db, monitorId: number | null): Promise<AlertChannel[]> {
  let q = db.selectFrom("channels").select(CHANNEL_COLUMNS).where("channels.enabled", "=", true);
  if (monitorId === null) {
    q = q.where("channels.is_default", "=", true);
  } else {
    q = q.where((eb) =>
      eb.or([
        eb("channels.is_default", "=", true),
        eb(
          "channels.id",
          "in",
          eb.selectFrom("monitor_channels").select("channel_id").where("monitor_id", "=", monitorId),
        ),
      ]),
    );
  }
  return (await q.orderBy("channels.id").execute()).map(toChannel);
}

export async function enabledChannels(db: Db): Promise<AlertChannel[]> {
  return (
    await db.selectFrom("channels").select(CHANNEL_COLUMNS).where("enabled", "=", true).orderBy("id").execute()
  ).map(toChannel);
}

/** Which of these dedupe keys the outbox already holds: a lookup by the unique key each. */
export async function existingDedupeKeys(db: Db, keys: readonly string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await db.selectFrom("notifications").select("dedupe_key").where("dedupe_key", "in", keys).execute();
  return new Set(rows.map((r) => r.dedupe_key));
}

/** Writes pending rows; a row whose dedupe key exists is skipped. Returns the rows written. */
export async function insertOutboxRows(db: Db, rows: readonly NewOutboxRow[]): Promise<OutboxRow[]> {
  if (rows.length === 0) return [];
  return db
    .insertInto("notifications")
    .values(
      rows.map((r) => ({
        channel_id: r.channelId,
        monitor_id: r.monitorId,
        event: r.event,
        payload: JSON.stringify(r.payload),
        dedupe_key: r.dedupeKey,
        state: "pending",
        attempts: 0,
        next_attempt_at: r.nextAttemptAt,
        epoch: r.epoch,
      })),
    )
    .onConflict((oc) => oc.column("dedupe_key").doNothing())
    .returningAll()
    .execute();
}

export interface OpenIncident {
  monitorId: number;
  incidentKey: string;
  downSince: string;
}

/**
 * Incidents whose DOWN this node wrote (queued, sent or possibly sent) and whose UP it has not:
 * the ones a receiver may still show open. A hand-back can leave such an incident behind a verdict
 * that no longer continues it.
 */
export async function openIncidents(db: Db, since: Date): Promise<OpenIncident[]> {
  const rows = await db
    .selectFrom("notifications as d")
    .select([
      "d.monitor_id",
      sql<string>`d.payload->>'incidentKey'`.as("incident_key"),
      sql<string>`d.payload->>'downSince'`.as("down_since"),
    ])
    .distinct()
    .where("d.event", "=", "down")
    .where("d.monitor_id", "is not", null)
    .where("d.origin", "<>", "replica")
    .where("d.state", "in", ["pending", "sending", "sent", "unknown"])
    .where("d.created_at", ">=", since)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          // The UP of one incident on one channel has the DOWN's key with its event replaced.
          selectFrom("notifications as u")
            .select("u.id")
            .whereRef("u.dedupe_key", "=", sql<string>`'up' || substr(d.dedupe_key, 5)`),
        ),
      ),
    )
    .execute();
  return rows
    .filter((r) => r.monitor_id !== null && r.incident_key && r.down_since)
    .map((r) => ({ monitorId: r.monitor_id!, incidentKey: r.incident_key, downSince: r.down_since }));
}
