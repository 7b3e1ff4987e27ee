// The dispatcher's side of the outbox: claim due rows, mark a send begun, settle its answer,
// and recover the sends a stopped dispatcher left in flight.
import { sql } from "kysely";
import { isSqlite, type Db } from "./database.js";
import type { AttemptOutcome, OutboxRow } from "./notifications.repo.js";

/** Refuses rows written under an older fencing epoch: they belong to a term that has ended. Returns their ids. */
export async function fenceStaleNotifications(db: Db, epoch: number): Promise<number[]> {
  const rows = await db
    .updateTable("notifications")
    .set({
      state: "failed",
      last_error: sql<string>`'fenced: epoch ' || epoch || ' < ' || cast(${String(epoch)} as text)`,
      claimed_by: null,
      claimed_until: null,
    })
    .where("state", "=", "pending")
    .where("epoch", "<", epoch)
    .returning("id")
    .execute();
  return rows.map((r) => r.id);
}

/** The rows as they stand now, in id order (the change feed carries each change whole). */
export async function outboxRowsByIds(db: Db, ids: readonly number[]): Promise<OutboxRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom("notifications")
    .selectAll()
    .where("id", "in", [...ids])
    .orderBy("id")
    .execute();
}

/**
 * Claims up to `limit` due rows for `claimer` (a token unique to this claim: every later write
 * to the row is conditional on it) with one conditional UPDATE. SKIP LOCKED lets two
 * dispatchers on one Postgres run side by side: a row another claimer is taking is skipped, and
 * a row it took is excluded by its unexpired lease. Only rows of the current epoch are taken.
 */
export async function claimDueNotifications(
  db: Db,
  claimer: string,
  epoch: number,
  limit: number,
  leaseMs: number,
): Promise<OutboxRow[]> {
  const now = new Date();
  const rows = await db
    .updateTable("notifications")
    .set({ claimed_by: claimer, claimed_until: new Date(now.getTime() + leaseMs) })
    .where("id", "in", (eb) =>
      eb
        .selectFrom("notifications as due")
        .select("due.id")
        .where("due.state", "=", "pending")
        .where("due.epoch", "=", epoch)
        .where("due.next_attempt_at", "<=", now)
        .where((w) => w.or([w("due.claimed_until", "is", null), w("due.claimed_until", "<", now)]))
        // One monitor's notifications reach a channel in order: an UP never overtakes its DOWN
        // (PagerDuty would get resolve before trigger) while the DOWN waits for a retry or is
        // still being sent by another dispatcher.
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom("notifications as earlier")
                .select("earlier.id")
                .whereRef("earlier.channel_id", "=", "due.channel_id")
                .whereRef("earlier.monitor_id", "=", "due.monitor_id")
                .where("earlier.state", "in", ["pending", "sending"])
                .whereRef("earlier.id", "<", "due.id"),
            ),
          ),
        )
        .orderBy("due.id")
        .limit(limit)
        // SQLite has one writer at a time, and no row locks to skip.
        .$if(!isSqlite(db), (q) => q.forUpdate().skipLocked()),
    )
    .where("state", "=", "pending")
    .returningAll()
    .execute();
  return rows.sort((a, b) => a.id - b.id);
}

/**
 * Records that the provider call is about to start, and re-takes the lease so the send has a
 * full one ahead of it however long the batch took. From here a crash leaves the row `sending`
 * (see `recoverInterruptedSends`) instead of `pending`, so it is never silently sent twice.
 * False means the row is no longer ours: do not send it.
 */
export async function startSend(db: Db, id: number, claimer: string, leaseMs: number): Promise<boolean> {
  const res = await db
    .updateTable("notifications")
    .set({ state: "sending", claimed_until: new Date(Date.now() + leaseMs) })
    .where("id", "=", id)
    .where("claimed_by", "=", claimer)
    .where("state", "=", "pending")
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** What `recoverInterruptedSends` did with one row whose sender stopped mid-send. */
export interface InterruptedSend {
  id: number;
  channelId: number;
  channelType: string;
  dedupeKey: string;
  /** `pending`: queued again (the receiver absorbs a repeat); `unknown`: left alone. */
  outcome: "pending" | "unknown";
}

/**
 * Settles rows left `sending` by a dispatcher whose lease ran out before it recorded the
 * provider's answer. The answer is lost, so the message may have arrived. Rows of a channel
 * type in `resendTypes` (their receiver folds a repeat into the first) are queued again; any
 * other row becomes `unknown` and is never sent again: a possibly missing message is shown to
 * the operator, where a repeat would page a person twice. An `unknown` row keeps its claimer, so
 * a sender that was only stalled can still record the real answer when it arrives.
 */
export async function recoverInterruptedSends(db: Db, resendTypes: readonly string[]): Promise<InterruptedSend[]> {
  return db.transaction().execute(async (tx) => {
    const rows = await tx
      .selectFrom("notifications as n")
      .innerJoin("channels as c", "c.id", "n.channel_id")
      .select(["n.id", "n.channel_id", "c.type", "n.dedupe_key", "n.epoch", "n.claimed_by"])
      .where("n.state", "=", "sending")
      .where("n.claimed_until", "<", new Date())
      .orderBy("n.id")
      .$if(!isSqlite(tx), (q) => q.forUpdate("n").skipLocked())
      .execute();
    const out: InterruptedSend[] = [];
    for (const r of rows) {
      // A claimer is `<node id>:<instance>[#<claim>]`: the attempt is logged under the node that made it.
      const node =
        r.claimed_by && r.claimed_by.lastIndexOf(":") > 0
          ? r.claimed_by.slice(0, r.claimed_by.lastIndexOf(":"))
          : "unknown";
      const resend = resendTypes.includes(r.type);
      const error = resend
        ? "interrupted: the sender stopped before recording the provider's answer; sent again (the receiver drops a repeat)"
        : `interrupted: the sender stopped before recording the provider's answer; not sent again, because ${r.type} would show a repeat`;
      const updated = await tx
        .updateTable("notifications")
        .set({
          state: resend ? "pending" : "unknown",
          attempts: sql<number>`attempts + 1`,
          last_error: error,
          claimed_by: resend ? null : r.claimed_by,
          claimed_until: null,
          ...(resend ? { next_attempt_at: new Date() } : {}),
        })
        .where("id", "=", r.id)
        .where("state", "=", "sending")
        .returning("attempts")
        .executeTakeFirst();
      if (!updated) continue;
      await tx
        .insertInto("notification_attempts")
        .values({
          notification_id: r.id,
          attempt: updated.attempts,
          ok: false,
          retryable: resend,
          status: null,
          error,
          response: null,
          node_id: node,
          epoch: r.epoch,
        })
        .execute();
      out.push({
        id: r.id,
        channelId: r.channel_id,
        channelType: r.type,
        dedupeKey: r.dedupe_key,
        outcome: resend ? "pending" : "unknown",
      });
    }
    return out;
  });
}

export type Settlement =
  | { state: "sent"; response: string | null; at: Date }
  | { state: "failed"; error: string }
  | { state: "retry"; error: string; nextAttemptAt: Date };

/**
 * Writes the outcome of one attempt and its log line in one transaction, and releases the claim
 * — only if `claimer` still holds the row. False when it does not (its lease ran out and the row
 * was recovered and sent again): that outcome is not recorded, so two senders never both mark
 * one row. A row recovered as `unknown` is still its sender's, which may record the real answer.
 */
export async function settleNotification(
  db: Db,
  row: Pick<OutboxRow, "id">,
  claimer: string,
  s: Settlement,
  attempt: AttemptOutcome & { nodeId: string; epoch: number },
): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const common = { attempts: sql<number>`attempts + 1`, claimed_by: null, claimed_until: null };
    const set =
      s.state === "sent"
        ? { ...common, state: "sent", sent_at: s.at, response: s.response, last_error: null }
        : s.state === "failed"
          ? { ...common, state: "failed", last_error: s.error, response: attempt.response }
          : {
              ...common,
              state: "pending",
              last_error: s.error,
              response: attempt.response,
              next_attempt_at: s.nextAttemptAt,
            };
    const updated = await tx
      .updateTable("notifications")
      .set(set)
      .where("id", "=", row.id)
      .where("claimed_by", "=", claimer)
      .where("state", "in", ["sending", "unknown"])
      .returning("attempts")
      .executeTakeFirst();
    if (!updated) return false;
    await tx
      .insertInto("notification_attempts")
      .values({
        notification_id: row.id,
        attempt: updated.attempts,
        ok: attempt.ok,
        retryable: attempt.retryable,
        status: attempt.status,
        error: attempt.error,
        response: attempt.response,
        node_id: attempt.nodeId,
        epoch: attempt.epoch,
      })
      .execute();
    return true;
  });
}

/**
 * Settles a claimed row without an attempt (its channel is gone or disabled, its secrets
 * unreadable, its epoch fenced) — only while `claimer` holds it and before its send started.
 */
export async function failNotification(db: Db, id: number, claimer: string, error: string): Promise<boolean> {
  const res = await db
    .updateTable("notifications")
    .set({ state: "failed", last_error: error, claimed_by: null, claimed_until: null })
    .where("id", "=", id)
    .where("claimed_by", "=", claimer)
    .where("state", "=", "pending")
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}
