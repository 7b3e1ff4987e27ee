import { randomUUID } from "node:crypto";
import type { Selectable } from "kysely";
import type { OutboxState } from "@uptop/core";
import type { Db } from "./database.js";
import type { NotificationsTable } from "./schema.js";

export type OutboxRow = Selectable<NotificationsTable>;
/**
 * `sending`: a dispatcher has started the provider call and not yet recorded its answer.
 * `unknown`: that dispatcher stopped (crash, kill, a stall past its lease) before recording the
 * answer, and the provider cannot absorb a repeat: the message may or may not have arrived,
 * and it is deliberately not sent again.
 */
export type NotificationState = OutboxState;

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
      "n.id",
      "n.channel_id",
      "c.name as channel",
      "c.type as channel_type",
      "n.monitor_id",
      "m.name as monitor",
      "n.event",
      "n.state",
      "n.attempts",
      "n.last_error",
      "n.response",
      "n.next_attempt_at",
      "n.sent_at",
      "n.epoch",
      "n.dedupe_key",
      "n.created_at",
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
  const rows = await db
    .selectFrom("notification_attempts")
    .selectAll()
    .where("notification_id", "=", notificationId)
    .orderBy("id")
    .execute();
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
