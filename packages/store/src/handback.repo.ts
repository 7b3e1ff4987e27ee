import type { MonitorState, NotificationEvent, Status, Vote } from "@uptop/core";
import type { Db } from "./database.js";
import { getMonitorStates, saveMonitorStates } from "./state.repo.js";

export interface HandbackContent {
  stateChanges: Array<{
    monitorId: number;
    monitorName: string;
    from: Status;
    to: Status;
    reason: string;
    votes: Vote[];
    at: string;
    epoch: number;
  }>;
  notifications: Array<{
    dedupeKey: string;
    channelName: string;
    monitorName: string | null;
    event: NotificationEvent;
    sentAt: string;
    epoch: number;
  }>;
  /** Alerts planned but not delivered when the follower stopped: the leader sends them. */
  pending: Array<{
    dedupeKey: string;
    channelName: string;
    monitorName: string | null;
    event: NotificationEvent;
    payload: Record<string, unknown>;
    createdAt: string;
  }>;
  rollups: Array<{
    monitorName: string;
    day: string;
    upS: number;
    downS: number;
    maintenanceS: number;
    checks: number;
    failures: number;
  }>;
  states: MonitorState[];
}

/** pg returns a `date` as 'YYYY-MM-DD' (our parser), PGlite as a Date at UTC midnight. */
function dayString(v: unknown): string {
  return v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10);
}

/** What this node did since `since` while it led: the follower's side of a handback. */
export async function collectHandback(db: Db, since: Date): Promise<HandbackContent> {
  const changes = await db
    .selectFrom("state_changes")
    .innerJoin("monitors", "monitors.id", "state_changes.monitor_id")
    .select([
      "state_changes.monitor_id",
      "monitors.name",
      "from_status",
      "to_status",
      "reason",
      "votes",
      "at",
      "state_changes.epoch",
    ])
    .where("at", ">=", since)
    .where("origin", "=", "local")
    .orderBy("state_changes.id")
    .execute();
  // Channels and monitors by name: ids may differ between the two databases.
  const named = () =>
    db
      .selectFrom("notifications")
      .innerJoin("channels", "channels.id", "notifications.channel_id")
      .leftJoin("monitors", "monitors.id", "notifications.monitor_id")
      .select(["dedupe_key", "channels.name as channel", "monitors.name as monitor", "event"]);
  // Replicas are the leader's own rows; adopted ones (taken over on promotion) are ours to report.
  const sent = await named()
    .select(["sent_at", "notifications.epoch"])
    .where("state", "=", "sent")
    .where("sent_at", ">=", since)
    .where("notifications.origin", "<>", "replica")
    .orderBy("notifications.id")
    .execute();
  const unsent = await named()
    .select(["payload", "notifications.created_at"])
    .where("state", "=", "pending")
    .where((eb) => eb.or([eb("notifications.created_at", ">=", since), eb("notifications.origin", "=", "adopted")]))
    .orderBy("notifications.id")
    .execute();
  const sinceDay = since.toISOString().slice(0, 10);
  const rollups = await db
    .selectFrom("rollups_daily")
    .innerJoin("monitors", "monitors.id", "rollups_daily.monitor_id")
    .select(["monitors.name", "day", "up_s", "down_s", "maintenance_s", "checks", "failures"])
    .where("day", ">=", sinceDay)
    .execute();
  const states = [...(await getMonitorStates(db)).values()];
  return {
    stateChanges: changes.map((c) => ({
      monitorId: c.monitor_id,
      monitorName: c.name,
      from: c.from_status as Status,
      to: c.to_status as Status,
      reason: c.reason,
      votes: c.votes as Vote[],
      at: c.at.toISOString(),
      epoch: c.epoch,
    })),
    notifications: sent.map((n) => ({
      dedupeKey: n.dedupe_key,
      channelName: n.channel,
      monitorName: n.monitor,
      event: n.event as NotificationEvent,
      sentAt: (n.sent_at ?? new Date()).toISOString(),
      epoch: n.epoch,
    })),
    pending: unsent.map((n) => ({
      dedupeKey: n.dedupe_key,
      channelName: n.channel,
      monitorName: n.monitor,
      event: n.event as NotificationEvent,
      payload: n.payload,
      createdAt: n.created_at.toISOString(),
    })),
    rollups: rollups.map((r) => ({
      monitorName: r.name,
      day: dayString(r.day),
      upS: r.up_s,
      downS: r.down_s,
      maintenanceS: r.maintenance_s,
      checks: r.checks,
      failures: r.failures,
    })),
    states,
  };
}

export interface HandbackMerged {
  stateChanges: number;
  notifications: number;
  /** Undelivered alerts taken over from the follower, now in our outbox. */
  pending: number;
  /** Our own undelivered alerts moved to the new term instead of fenced. */
  requeued: number;
  rollups: number;
  states: number;
}

/**
 * The leader's side: the follower's history joins ours (so SLA has no gap), the notifications
 * it delivered are recorded as delivered (so they are never sent again, and the matching UP goes
 * to the channels that heard the DOWN), and its final verdicts replace ours where they are newer.
 */
export async function mergeHandback(
  db: Db,
  h: HandbackContent,
  followerId: string,
  epoch: number,
  options: { requeueOwn: boolean } = { requeueOwn: false },
): Promise<HandbackMerged> {
  return db.transaction().execute(async (tx) => {
    const monitors = await tx.selectFrom("monitors").select(["id", "name"]).execute();
    const idOf = new Map(monitors.map((m) => [m.name, m.id]));
    const channels = await tx.selectFrom("channels").select(["id", "name"]).execute();
    const channelOf = new Map(channels.map((c) => [c.name, c.id]));
    const out: HandbackMerged = { stateChanges: 0, notifications: 0, pending: 0, requeued: 0, rollups: 0, states: 0 };

    const changeRows = h.stateChanges
      .filter((c) => idOf.has(c.monitorName))
      .map((c) => ({
        monitor_id: idOf.get(c.monitorName)!,
        from_status: c.from,
        to_status: c.to,
        reason: c.reason,
        votes: JSON.stringify(c.votes),
        at: new Date(c.at),
        epoch: c.epoch,
        node_id: followerId,
        origin: "handback",
      }));
    if (changeRows.length) {
      const r = await tx
        .insertInto("state_changes")
        .values(changeRows)
        .onConflict((oc) => oc.columns(["monitor_id", "at", "to_status"]).doNothing())
        .executeTakeFirst();
      out.stateChanges = Number(r.numInsertedOrUpdatedRows ?? 0n);
    }
    const notificationRows = h.notifications
      .filter((n) => channelOf.has(n.channelName))
      .map((n) => ({
        channel_id: channelOf.get(n.channelName)!,
        monitor_id: n.monitorName === null ? null : (idOf.get(n.monitorName) ?? null),
        event: n.event,
        payload: JSON.stringify({ handback: true, from: followerId }),
        dedupe_key: n.dedupeKey,
        state: "sent",
        attempts: 1,
        next_attempt_at: new Date(n.sentAt),
        sent_at: new Date(n.sentAt),
        epoch: n.epoch,
        response: `delivered by ${followerId}`,
      }));
    if (notificationRows.length) {
      // A key we hold too (an alert of ours the follower took over and delivered) is delivered:
      // our copy must not go out again.
      const r = await tx
        .insertInto("notifications")
        .values(notificationRows)
        .onConflict((oc) =>
          oc
            .column("dedupe_key")
            .doUpdateSet((eb) => ({
              state: "sent",
              sent_at: eb.ref("excluded.sent_at"),
              response: eb.ref("excluded.response"),
              claimed_by: null,
              claimed_until: null,
            }))
            .where("notifications.state", "<>", "sent"),
        )
        .executeTakeFirst();
      out.notifications = Number(r.numInsertedOrUpdatedRows ?? 0n);
    }
    // Sent under our epoch, so our dispatcher (which refuses older terms) delivers them; a key
    // we already hold (sent or queued) is left alone, so nothing goes out twice.
    const pendingRows = h.pending
      .filter((n) => channelOf.has(n.channelName))
      .map((n) => ({
        channel_id: channelOf.get(n.channelName)!,
        monitor_id: n.monitorName === null ? null : (idOf.get(n.monitorName) ?? null),
        event: n.event,
        payload: JSON.stringify({ ...n.payload, epoch }),
        dedupe_key: n.dedupeKey,
        state: "pending",
        attempts: 0,
        next_attempt_at: new Date(),
        epoch,
      }));
    if (pendingRows.length) {
      const r = await tx
        .insertInto("notifications")
        .values(pendingRows)
        .onConflict((oc) => oc.column("dedupe_key").doNothing())
        .executeTakeFirst();
      out.pending = Number(r.numInsertedOrUpdatedRows ?? 0n);
    }
    if (options.requeueOwn) {
      // Our alerts still waiting from before the follower led are ours to send, under the new
      // term: fencing them would lose an alert neither node delivered.
      const r = await tx
        .updateTable("notifications")
        .set({ epoch, claimed_by: null, claimed_until: null })
        .where("state", "=", "pending")
        .where("epoch", "<", epoch)
        .where("origin", "<>", "replica")
        .executeTakeFirst();
      out.requeued = Number(r.numUpdatedRows);
    }
    const rollupRows = h.rollups
      .filter((r) => idOf.has(r.monitorName))
      .map((r) => ({
        monitor_id: idOf.get(r.monitorName)!,
        day: r.day,
        up_s: r.upS,
        down_s: r.downS,
        maintenance_s: r.maintenanceS,
        checks: r.checks,
        failures: r.failures,
        latency_p50: null,
        latency_p95: null,
      }));
    if (rollupRows.length) {
      // Our own rollup of a day wins; the daily job recomputes days from the merged history anyway.
      const r = await tx
        .insertInto("rollups_daily")
        .values(rollupRows)
        .onConflict((oc) => oc.columns(["monitor_id", "day"]).doNothing())
        .executeTakeFirst();
      out.rollups = Number(r.numInsertedOrUpdatedRows ?? 0n);
    }
    const ours = await getMonitorStates(tx);
    const theirs = h.states.filter((s) => {
      const mine = ours.get(s.monitorId);
      return monitors.some((m) => m.id === s.monitorId) && (!mine || Date.parse(s.since) >= Date.parse(mine.since));
    });
    if (theirs.length) await saveMonitorStates(tx, theirs);
    out.states = theirs.length;
    return out;
  });
}

/** After a hand-back: our undelivered alerts are the leader's now; never send them from here. */
export async function releaseHandedBack(db: Db, dedupeKeys: readonly string[]): Promise<void> {
  if (dedupeKeys.length === 0) return;
  await db
    .updateTable("notifications")
    .set({
      state: "failed",
      last_error: "handed back to the leader, which delivers it",
      claimed_by: null,
      claimed_until: null,
    })
    .where("dedupe_key", "in", [...dedupeKeys])
    .where("state", "=", "pending")
    .execute();
}
