import { randomUUID } from "node:crypto";
import { sql, type Selectable } from "kysely";
import type { Db } from "./database.js";
import type { NotificationsTable } from "./schema.js";

export type OutboxRow = Selectable<NotificationsTable>;
export type NotificationState = "pending" | "sent" | "failed";

/** One delivery as the API lists it: state and evidence, never the payload or a secret. */
export interface NotificationRecord {
  id: number;
  channelId: number;
  channel: string;
  channelType: string;
  monitorId: number | null;
  monitor: string | null;
  event: string;
  state: string;
  attempts: number;
  lastError: string | null;
  response: string | null;
  nextAttemptAt: string | null;
  sentAt: string | null;
  epoch: number;
  dedupeKey: string;
  createdAt: string;
}

export interface NotificationFilter {
  state?: NotificationState;
  monitorId?: number;
  channelId?: number;
  limit: number;
}

export async function listNotifications(db: Db, f: NotificationFilter): Promise<NotificationRecord[]> {
  let q = db
    .selectFrom("notifications as n")
    .innerJoin("channels as c", "c.id", "n.channel_id")
    .leftJoin("monitors as m", "m.id", "n.monitor_id")
    .select([
      "n.id", "n.channel_id", "c.name as channel", "c.type as channel_type", "n.monitor_id", "m.name as monitor", "n.event", "n.state",
      "n.attempts", "n.last_error", "n.response", "n.next_attempt_at", "n.sent_at", "n.epoch", "n.dedupe_key", "n.created_at",
    ]);
  if (f.state) q = q.where("n.state", "=", f.state);
  if (f.monitorId !== undefined) q = q.where("n.monitor_id", "=", f.monitorId);
  if (f.channelId !== undefined) q = q.where("n.channel_id", "=", f.channelId);
  const rows = await q.orderBy("n.id", "desc").limit(f.limit).execute();
  return rows.map((r) => ({
    id: r.id,
    channelId: r.channel_id,
    channel: r.channel,
    channelType: r.channel_type,
    monitorId: r.monitor_id,
    monitor: r.monitor,
    event: r.event,
    state: r.state,
    attempts: r.attempts,
    lastError: r.last_error,
    response: r.response,
    nextAttemptAt: r.state === "pending" ? r.next_attempt_at.toISOString() : null,
    sentAt: r.sent_at ? r.sent_at.toISOString() : null,
    epoch: r.epoch,
    dedupeKey: r.dedupe_key,
    createdAt: r.created_at.toISOString(),
  }));
}

export interface AttemptOutcome {
  ok: boolean;
  retryable: boolean | null;
  status: number | null;
  error: string | null;
  response: string | null;
}

export interface AttemptRecord extends AttemptOutcome {
  attempt: number;
  at: string;
  nodeId: string;
  epoch: number;
}

/** Every attempt of one outbox row, oldest first; null when the row does not exist. */
export async function listAttempts(db: Db, notificationId: number): Promise<AttemptRecord[] | null> {
  const exists = await db.selectFrom("notifications").select("id").where("id", "=", notificationId).executeTakeFirst();
  if (!exists) return null;
  const rows = await db.selectFrom("notification_attempts").selectAll().where("notification_id", "=", notificationId).orderBy("id").execute();
  return rows.map((r) => ({
    attempt: r.attempt,
    at: r.at.toISOString(),
    ok: r.ok,
    retryable: r.retryable,
    status: r.status,
    error: r.error,
    response: r.response,
    nodeId: r.node_id,
    epoch: r.epoch,
  }));
}

/**
 * A channel test already delivered by the API: written as a finished row (sent or failed) so
 * it shows in the list, and so no dispatcher ever sends it a second time.
 */
export async function recordTestNotification(
  db: Db,
  t: { channelId: number; payload: Record<string, unknown>; epoch: number; nodeId: string; outcome: AttemptOutcome },
): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const row = await tx
      .insertInto("notifications")
      .values({
        channel_id: t.channelId,
        monitor_id: null,
        event: "test",
        payload: JSON.stringify(t.payload),
        dedupe_key: `test:${randomUUID()}:c${t.channelId}`,
        state: t.outcome.ok ? "sent" : "failed",
        attempts: 1,
        next_attempt_at: new Date(),
        last_error: t.outcome.error,
        response: t.outcome.response,
        sent_at: t.outcome.ok ? new Date() : null,
        epoch: t.epoch,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await tx
      .insertInto("notification_attempts")
      .values({ notification_id: row.id, attempt: 1, ...t.outcome, node_id: t.nodeId, epoch: t.epoch })
      .execute();
    return row.id;
  });
}

// ---- the dispatcher's side of the outbox ----

/** Refuses rows written under an older fencing epoch: they belong to a term that has ended. */
export async function fenceStaleNotifications(db: Db, epoch: number): Promise<number> {
  const res = await db
    .updateTable("notifications")
    .set({
      state: "failed",
      last_error: sql<string>`'fenced: epoch ' || epoch || ' < ' || ${String(epoch)}::text`,
      claimed_by: null,
      claimed_until: null,
    })
    .where("state", "=", "pending")
    .where("epoch", "<", epoch)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/**
 * Claims up to `limit` due rows for `claimer` with one conditional UPDATE. SKIP LOCKED lets two
 * dispatchers on one Postgres run side by side: a row another claimer is taking is skipped, and
 * a row it took is excluded by its unexpired lease. Only rows of the current epoch are taken.
 */
export async function claimDueNotifications(db: Db, claimer: string, epoch: number, limit: number, leaseMs: number): Promise<OutboxRow[]> {
  const rows = await db
    .updateTable("notifications")
    .set({ claimed_by: claimer, claimed_until: sql<Date>`now() + make_interval(secs => ${leaseMs / 1000}::double precision)` })
    .where("id", "in", (eb) =>
      eb
        .selectFrom("notifications as due")
        .select("due.id")
        .where("due.state", "=", "pending")
        .where("due.epoch", "=", epoch)
        .where("due.next_attempt_at", "<=", sql<Date>`now()`)
        .where((w) => w.or([w("due.claimed_until", "is", null), w("due.claimed_until", "<", sql<Date>`now()`)]))
        // One monitor's notifications reach a channel in order: an UP never overtakes its DOWN
        // (PagerDuty would get resolve before trigger) while the DOWN still waits for a retry.
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom("notifications as earlier")
                .select("earlier.id")
                .whereRef("earlier.channel_id", "=", "due.channel_id")
                .whereRef("earlier.monitor_id", "=", "due.monitor_id")
                .where("earlier.state", "=", "pending")
                .whereRef("earlier.id", "<", "due.id"),
            ),
          ),
        )
        .orderBy("due.id")
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .where("state", "=", "pending")
    .returningAll()
    .execute();
  return rows.sort((a, b) => a.id - b.id);
}

/**
 * Re-takes the lease just before sending, so a send always starts with a full lease ahead of it
 * however long the batch took. False means the row is no longer ours: do not send it.
 */
export async function renewClaim(db: Db, id: number, claimer: string, leaseMs: number): Promise<boolean> {
  const res = await db
    .updateTable("notifications")
    .set({ claimed_until: sql<Date>`now() + make_interval(secs => ${leaseMs / 1000}::double precision)` })
    .where("id", "=", id)
    .where("claimed_by", "=", claimer)
    .where("state", "=", "pending")
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export type Settlement =
  | { state: "sent"; response: string | null; at: Date }
  | { state: "failed"; error: string }
  | { state: "retry"; error: string; nextAttemptAt: Date };

/** Writes the outcome of one attempt and its log line in one transaction, and releases the claim. */
export async function settleNotification(
  db: Db,
  row: Pick<OutboxRow, "id" | "attempts">,
  s: Settlement,
  attempt: AttemptOutcome & { nodeId: string; epoch: number },
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const common = { attempts: row.attempts + 1, claimed_by: null, claimed_until: null };
    if (s.state === "sent") {
      await tx.updateTable("notifications").set({ ...common, state: "sent", sent_at: s.at, response: s.response, last_error: null }).where("id", "=", row.id).execute();
    } else if (s.state === "failed") {
      await tx.updateTable("notifications").set({ ...common, state: "failed", last_error: s.error, response: attempt.response }).where("id", "=", row.id).execute();
    } else {
      await tx
        .updateTable("notifications")
        .set({ ...common, state: "pending", last_error: s.error, response: attempt.response, next_attempt_at: s.nextAttemptAt })
        .where("id", "=", row.id)
        .execute();
    }
    await tx
      .insertInto("notification_attempts")
      .values({
        notification_id: row.id,
        attempt: row.attempts + 1,
        ok: attempt.ok,
        retryable: attempt.retryable,
        status: attempt.status,
        error: attempt.error,
        response: attempt.response,
        node_id: attempt.nodeId,
        epoch: attempt.epoch,
      })
      .execute();
  });
}

/** Settles a row without an attempt (its channel is gone or disabled, its secrets unreadable). */
export async function failNotification(db: Db, id: number, error: string): Promise<void> {
  await db.updateTable("notifications").set({ state: "failed", last_error: error, claimed_by: null, claimed_until: null }).where("id", "=", id).execute();
}
