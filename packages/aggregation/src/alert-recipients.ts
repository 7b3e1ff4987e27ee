/** One incident = one monitor's stretch of DOWN, named by when it began. */
export function incidentKey(monitorId: number, downSince: string): string {
  return `m${monitorId}-${Date.parse(downSince)}`;
}

/** The dedupe key: one incident, one event, one channel — written at most once, ever. */
export function dedupeKey(event: string, incident: string, channelId: number, discriminator?: string): string {
  return [event, incident, discriminator ?? "", `c${channelId}`].join(":");
}

export interface ChannelRef {
  id: number;
  reminderIntervalS: number | null;
}

/** What `recipients` needs to know of an alert (a planned alert has all of it). */
export interface Addressable {
  event: string;
  incidentKey: string;
  /** ISO times: when the incident began, and when the alert was planned. */
  downSince: string | null;
  at: string;
  suppressed: string | null;
  onlyIfAlerted?: boolean;
  coveredBy?: readonly number[];
  discriminator?: string;
}

export interface Audience {
  /** The enabled channels the monitor notifies: its own and the defaults (the defaults only for no monitor). */
  monitorChannels: readonly ChannelRef[];
  /** The enabled channels already told about this incident's DOWN. */
  heardDown: readonly ChannelRef[];
  /** The channels the covering groups' alerts reach. */
  coveredChannels: ReadonlySet<number>;
}

export interface Recipient {
  channelId: number;
  dedupeKey: string;
}

/**
 * Who is told an alert, as outbox rows keyed for dedupe. A group's DOWN spares a child's only on
 * the channels the group reaches, so a group without channels hides nothing. Each channel
 * reminds on its own interval, and only a channel that heard the DOWN is reminded of it.
 */
export function recipients(alert: Addressable, audience: Audience): Recipient[] {
  if (alert.suppressed) return [];
  let channels = alert.onlyIfAlerted ? audience.heardDown : audience.monitorChannels;
  if (alert.coveredBy?.length) channels = channels.filter((c) => !audience.coveredChannels.has(c.id));
  const key = (c: ChannelRef, discriminator = alert.discriminator) =>
    dedupeKey(alert.event, alert.incidentKey, c.id, discriminator);
  if (alert.event !== "reminder") return channels.map((c) => ({ channelId: c.id, dedupeKey: key(c) }));

  const elapsedS = (Date.parse(alert.at) - Date.parse(alert.downSince ?? alert.at)) / 1000;
  const heard = new Set(audience.heardDown.map((c) => c.id));
  const out: Recipient[] = [];
  for (const c of channels) {
    const every = c.reminderIntervalS;
    if (every === null || every <= 0 || elapsedS < every || !heard.has(c.id)) continue;
    out.push({ channelId: c.id, dedupeKey: key(c, `r${Math.floor(elapsedS / every)}`) });
  }
  return out;
}
