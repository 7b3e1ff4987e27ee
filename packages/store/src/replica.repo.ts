// The follower's copy of the leader's alerts and verdicts, kept current by the change feed, and
// what the follower does with it when it is promoted.
import type { ReplicaEntry, ReplicaOutboxRow, ReplicaStateChange, MonitorState } from "@uptop/core";
import type { Db } from "./database.js";
import type { OutboxRow } from "./notifications.repo.js";
import { insertStateChanges } from "./state-changes.repo.js";
import { saveMonitorStates } from "./state.repo.js";
import { dateOf, dateOrNull } from "./dates.js";

/** An outbox row as the change feed carries it. */
export function replicaOfOutboxRow(row: OutboxRow): ReplicaOutboxRow {
  return {
    dedupeKey: row.dedupe_key,
    channelId: row.channel_id,
    monitorId: row.monitor_id,
    event: row.event as ReplicaOutboxRow["event"],
    payload: row.payload,
    state: row.state as ReplicaOutboxRow["state"],
    attempts: row.attempts,
    nextAttemptAt: new Date(row.next_attempt_at).toISOString(),
    sentAt: row.sent_at ? new Date(row.sent_at).toISOString() : null,
    lastError: row.last_error,
    epoch: row.epoch,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/**
 * The leader's rows still in play (not yet sent, or sent with an unknown outcome): the full
 * resynchronisation of a follower carries them beside the recently delivered ones.
 */
export async function readOpenOutbox(db: Db): Promise<ReplicaOutboxRow[]> {
  const rows = await db
    .selectFrom("notifications")
    .selectAll()
    .where("state", "in", ["pending", "sending", "unknown"])
    .where("origin", "<>", "replica")
    .orderBy("id")
    .execute();
  return rows.map(replicaOfOutboxRow);
}

/** Writes the leader's rows as replicas, keyed by dedupe key; only earlier copies are overwritten. */
export async function upsertReplicaOutbox(
  db: Db,
  rows: readonly ReplicaOutboxRow[],
  known: { monitors: ReadonlySet<number>; channels: ReadonlySet<number> },
): Promise<void> {
  // One statement may not touch a row twice: the latest copy of each key wins.
  const latest = new Map<string, ReplicaOutboxRow>();
  for (const r of rows) if (known.channels.has(r.channelId)) latest.set(r.dedupeKey, r);
  if (latest.size === 0) return;
  await db
    .insertInto("notifications")
    .values(
      [...latest.values()].map((r) => ({
        channel_id: r.channelId,
        monitor_id: r.monitorId !== null && known.monitors.has(r.monitorId) ? r.monitorId : null,
        event: r.event,
        payload: JSON.stringify(r.payload),
        dedupe_key: r.dedupeKey,
        state: r.state,
        attempts: r.attempts,
        next_attempt_at: dateOf(r.nextAttemptAt),
        sent_at: dateOrNull(r.sentAt),
        last_error: r.lastError,
        epoch: r.epoch,
        created_at: dateOf(r.createdAt),
        origin: "replica",
      })),
    )
    .onConflict((oc) =>
      oc
        .column("dedupe_key")
        .doUpdateSet((eb) => ({
          state: eb.ref("excluded.state"),
          attempts: eb.ref("excluded.attempts"),
          next_attempt_at: eb.ref("excluded.next_attempt_at"),
          sent_at: eb.ref("excluded.sent_at"),
          last_error: eb.ref("excluded.last_error"),
          epoch: eb.ref("excluded.epoch"),
          claimed_by: null,
          claimed_until: null,
        }))
        // Our own rows, and the leader's we took over when promoted, are never overwritten.
        .where("notifications.origin", "=", "replica"),
    )
    .execute();
}

/** The ids a replica may refer to: a row about a monitor or channel not mirrored yet is kept partly or skipped. */
export async function knownIds(db: Db): Promise<{ monitors: Set<number>; channels: Set<number> }> {
  const monitors = await db.selectFrom("monitors").select("id").execute();
  const channels = await db.selectFrom("channels").select("id").execute();
  return { monitors: new Set(monitors.map((m) => m.id)), channels: new Set(channels.map((c) => c.id)) };
}

/**
 * Applies a batch of the leader's feed in one transaction, in order: a follower that confirms
 * the batch (by asking for what follows it) holds all of it durably.
 */
export async function applyReplicaEntries(db: Db, entries: readonly ReplicaEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db.transaction().execute(async (tx) => {
    const known = await knownIds(tx);
    const states = new Map<number, MonitorState>();
    const changes: ReplicaStateChange[] = [];
    const outbox: ReplicaOutboxRow[] = [];
    for (const e of entries) {
      if (e.kind === "state" && known.monitors.has(e.state.monitorId)) states.set(e.state.monitorId, e.state);
      else if (e.kind === "change" && known.monitors.has(e.change.monitorId)) changes.push(e.change);
      else if (e.kind === "outbox") outbox.push(e.row);
    }
    await insertStateChanges(
      tx,
      changes.map((c) => ({ ...c, at: new Date(c.at) })),
      "mirror",
    );
    await upsertReplicaOutbox(tx, outbox, known);
    if (states.size) await saveMonitorStates(tx, [...states.values()]);
  });
}

/**
 * After a full resynchronisation: a replica still open here that the leader no longer lists as
 * open or delivered was closed there (given up, fenced, its channel disabled). It must not be
 * taken over and sent by this node.
 */
export async function closeStaleReplicas(db: Db, stillOpenOrSent: ReadonlySet<string>): Promise<number> {
  const open = await db
    .selectFrom("notifications")
    .select(["id", "dedupe_key"])
    .where("origin", "=", "replica")
    .where("state", "in", ["pending", "sending"])
    .execute();
  const stale = open.filter((r) => !stillOpenOrSent.has(r.dedupe_key)).map((r) => r.id);
  if (stale.length === 0) return 0;
  await db
    .updateTable("notifications")
    .set({ state: "failed", last_error: "closed at the leader" })
    .where("id", "in", stale)
    .execute();
  return stale.length;
}

export interface AdoptedOutbox {
  /** Not yet attempted by the leader, or waiting for a retry: sent from here under our epoch. */
  requeued: number;
  /** In flight when the leader stopped, to a receiver that drops repeats: sent again from here. */
  resent: number;
  /** In flight when the leader stopped, to a receiver that would show a repeat: not sent again. */
  unknown: number;
}

/**
 * On promotion: the leader's alerts this node holds become its own, under its new epoch, so the
 * incidents continue under the same keys. A row the leader had started sending when it stopped
 * is treated exactly as a crashed sender's own row: sent again only where the receiver drops a
 * repeat, otherwise marked `unknown`.
 */
export async function adoptReplicaOutbox(
  db: Db,
  epoch: number,
  resendTypes: readonly string[],
): Promise<AdoptedOutbox> {
  return db.transaction().execute(async (tx) => {
    const requeued = await tx
      .updateTable("notifications")
      .set({ origin: "adopted", epoch, claimed_by: null, claimed_until: null })
      .where("origin", "=", "replica")
      .where("state", "=", "pending")
      .executeTakeFirst();
    const inFlight = await tx
      .selectFrom("notifications as n")
      .innerJoin("channels as c", "c.id", "n.channel_id")
      .select(["n.id", "c.type"])
      .where("n.origin", "=", "replica")
      .where("n.state", "=", "sending")
      .execute();
    const resend = inFlight.filter((r) => resendTypes.includes(r.type)).map((r) => r.id);
    const keep = inFlight.filter((r) => !resendTypes.includes(r.type)).map((r) => r.id);
    if (resend.length)
      await tx
        .updateTable("notifications")
        .set({
          origin: "adopted",
          state: "pending",
          epoch,
          next_attempt_at: new Date(),
          last_error:
            "the leader stopped before recording the provider's answer; sent again (the receiver drops a repeat)",
          claimed_by: null,
          claimed_until: null,
        })
        .where("id", "in", resend)
        .execute();
    if (keep.length)
      await tx
        .updateTable("notifications")
        .set({
          origin: "adopted",
          state: "unknown",
          last_error: "the leader stopped before recording the provider's answer; not sent again",
          claimed_by: null,
          claimed_until: null,
        })
        .where("id", "in", keep)
        .execute();
    return { requeued: Number(requeued.numUpdatedRows), resent: resend.length, unknown: keep.length };
  });
}

/** The leader sent this row before its follower confirmed holding it. */
export async function markUnreplicated(db: Db, id: number): Promise<void> {
  await db.updateTable("notifications").set({ unreplicated: true }).where("id", "=", id).execute();
}
