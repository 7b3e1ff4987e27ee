import type { Transaction } from "kysely";
import type { Database } from "@uptop/store";
import type { NotificationEvent, NotificationMessage } from "@uptop/notify";

type Tx = Transaction<Database>;

/** Why a transition sends nothing even though health changed. */
export type Suppression = "maintenance" | null;

/**
 * Everything needed to decide a transition's notifications later, inside the transaction that
 * stores it: the decision then sees the outbox as it really is (did this incident alert?), even
 * if the database was unreachable when the transition happened.
 */
export interface PlannedAlert {
  /** Null for alerts about the cluster rather than a monitor (a node offline): default channels only. */
  monitorId: number | null;
  event: NotificationEvent;
  message: NotificationMessage;
  suppressed: Suppression;
  /**
   * For `up`: exactly the channels that were told about the DOWN hear the incident's end —
   * whether or not they still belong to the monitor, and during maintenance too.
   */
  onlyIfAlerted?: boolean;
  /**
   * Ancestor groups whose own alert tells this incident: the channels they reach are left out,
   * and every other channel of the monitor still hears it (a group with no channels hides nothing).
   */
  coveredBy?: number[];
  /** Distinguishes repeated events of one incident (reminder number, certificate expiry). */
  discriminator?: string;
}

/** The dedupe key: one incident, one event, one channel — sent at most once, ever. */
export function dedupeKey(event: NotificationEvent, incidentKey: string, channelId: number, discriminator?: string): string {
  return [event, incidentKey, discriminator ?? "", `c${channelId}`].join(":");
}

/** The channels a monitor notifies: its own plus every enabled default channel. */
export async function channelsFor(
  tx: Tx,
  monitorId: number | null,
): Promise<Array<{ id: number; type: string; reminder_interval_s: number | null }>> {
  let q = tx
    .selectFrom("channels")
    .select(["channels.id", "channels.type", "channels.reminder_interval_s"])
    .where("channels.enabled", "=", true);
  if (monitorId === null) {
    q = q.where("channels.is_default", "=", true);
  } else {
    q = q.where((eb) =>
      eb.or([
        eb("channels.is_default", "=", true),
        eb("channels.id", "in", eb.selectFrom("monitor_channels").select("channel_id").where("monitor_id", "=", monitorId)),
      ]),
    );
  }
  return q.orderBy("channels.id").execute();
}

/** The enabled channels that were told (or are being told) about an incident's DOWN. */
async function channelsThatHeard(tx: Tx, incident: string): Promise<Array<{ id: number; type: string; reminder_interval_s: number | null }>> {
  // Every enabled channel is a candidate (a handful to a few hundred): a lookup by the unique
  // dedupe key each, instead of a scan of the outbox for the incident.
  const all = await tx.selectFrom("channels").select(["id", "type", "reminder_interval_s"]).where("enabled", "=", true).orderBy("id").execute();
  if (all.length === 0) return [];
  const keys = all.map((c) => dedupeKey("down", incident, c.id));
  const heard = new Set((await tx.selectFrom("notifications").select("dedupe_key").where("dedupe_key", "in", keys).execute()).map((r) => r.dedupe_key));
  return all.filter((c) => heard.has(dedupeKey("down", incident, c.id)));
}

/**
 * A `node` event (a node went offline or came back) that concerns no monitor: it goes to the
 * default channels. `incidentKey` names the offline episode, so its offline and online
 * messages pair up and each is written at most once whoever plans it, however often.
 */
export function planNodeAlert(a: {
  node: { id: string; name: string; region: string; status: string };
  reason: string;
  at: Date;
  incidentKey: string;
  discriminator: string;
}): PlannedAlert {
  return {
    monitorId: null,
    event: "node",
    suppressed: null,
    discriminator: a.discriminator,
    message: {
      event: "node",
      monitor: null,
      status: null,
      previousStatus: null,
      reason: a.reason,
      votes: [],
      at: a.at.toISOString(),
      downSince: null,
      outageDurationS: null,
      epoch: 0, // stamped with the writer's epoch when the outbox row is written
      incidentKey: a.incidentKey,
      node: a.node,
    },
  };
}

/** Writes the outbox rows for one planned alert; returns how many were new. */
export async function enqueueAlert(tx: Tx, alert: PlannedAlert, epoch: number, now: Date): Promise<number> {
  if (alert.suppressed) return 0;
  let channels = alert.onlyIfAlerted ? await channelsThatHeard(tx, alert.message.incidentKey) : await channelsFor(tx, alert.monitorId);
  if (alert.coveredBy?.length && channels.length) {
    const covered = new Set<number>();
    for (const g of alert.coveredBy) for (const c of await channelsFor(tx, g)) covered.add(c.id);
    channels = channels.filter((c) => !covered.has(c.id));
  }
  if (channels.length === 0) return 0;
  const discriminators = new Map<number, string | undefined>(channels.map((c) => [c.id, alert.discriminator]));
  if (alert.event === "reminder") {
    // Each channel reminds on its own interval; the reminder's number makes its key, so a
    // reminder is sent once however often this is planned.
    const downMs = Date.parse(alert.message.downSince ?? alert.message.at);
    const elapsedS = (Date.parse(alert.message.at) - downMs) / 1000;
    channels = channels.filter((c) => c.reminder_interval_s !== null && c.reminder_interval_s > 0 && elapsedS >= c.reminder_interval_s);
    for (const c of channels) discriminators.set(c.id, `r${Math.floor(elapsedS / c.reminder_interval_s!)}`);
    if (channels.length === 0) return 0;
    // Only a channel that heard the DOWN is reminded of it.
    const heard = new Set((await channelsThatHeard(tx, alert.message.incidentKey)).map((c) => c.id));
    channels = channels.filter((c) => heard.has(c.id));
    if (channels.length === 0) return 0;
  }
  const res = await tx
    .insertInto("notifications")
    .values(
      channels.map((c) => ({
        channel_id: c.id,
        monitor_id: alert.monitorId,
        event: alert.event,
        payload: JSON.stringify({ ...alert.message, epoch }),
        dedupe_key: dedupeKey(alert.event, alert.message.incidentKey, c.id, discriminators.get(c.id)),
        state: "pending",
        attempts: 0,
        next_attempt_at: now,
        epoch,
      })),
    )
    .onConflict((oc) => oc.column("dedupe_key").doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0n);
}
