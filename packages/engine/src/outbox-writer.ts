import { dedupeKey, recipients, type Audience } from "@uptop/aggregation";
import {
  channelsFor,
  enabledChannels,
  existingDedupeKeys,
  insertOutboxRows,
  type AlertChannel,
  type Db,
  type OutboxRow,
} from "@uptop/store";
import type { PlannedAlert } from "./alert-messages.js";

/** The enabled channels already told about an incident's DOWN. */
async function channelsThatHeard(tx: Db, incident: string): Promise<AlertChannel[]> {
  const all = await enabledChannels(tx);
  const heard = await existingDedupeKeys(
    tx,
    all.map((c) => dedupeKey("down", incident, c.id)),
  );
  return all.filter((c) => heard.has(dedupeKey("down", incident, c.id)));
}

async function audienceOf(tx: Db, alert: PlannedAlert): Promise<Audience> {
  const needsHeard = alert.onlyIfAlerted || alert.event === "reminder";
  const covered = new Set<number>();
  for (const g of alert.coveredBy ?? []) for (const c of await channelsFor(tx, g)) covered.add(c.id);
  return {
    monitorChannels: alert.onlyIfAlerted ? [] : await channelsFor(tx, alert.monitorId),
    heardDown: needsHeard ? await channelsThatHeard(tx, alert.message.incidentKey) : [],
    coveredChannels: covered,
  };
}

/** Writes the outbox rows of one planned alert, inside the caller's transaction; returns the new ones. */
export async function enqueueAlert(tx: Db, alert: PlannedAlert, epoch: number, now: Date): Promise<OutboxRow[]> {
  if (alert.suppressed) return [];
  const { message } = alert;
  const to = recipients(
    { ...alert, incidentKey: message.incidentKey, downSince: message.downSince, at: message.at },
    await audienceOf(tx, alert),
  );
  return insertOutboxRows(
    tx,
    to.map((r) => ({
      channelId: r.channelId,
      monitorId: alert.monitorId,
      event: alert.event,
      payload: { ...message, epoch },
      dedupeKey: r.dedupeKey,
      epoch,
      nextAttemptAt: now,
    })),
  );
}
