import { incidentKey, type AlertPlan, type Suppression } from "@uptop/aggregation";
import { withoutCredentials, type Monitor, type Status, type Vote } from "@uptop/core";
import type { NotificationEvent, NotificationMessage } from "@uptop/notify";

/**
 * An alert with its message, waiting to be addressed: who hears it is decided inside the
 * transaction that writes it, so the decision sees the outbox as it really is (did this
 * incident alert?), even if the database was away when the alert was planned.
 */
export interface PlannedAlert {
  /** Null for alerts about the cluster rather than a monitor (a node offline): default channels only. */
  monitorId: number | null;
  event: NotificationEvent;
  message: NotificationMessage;
  suppressed: Suppression;
  onlyIfAlerted?: boolean;
  coveredBy?: number[];
  discriminator?: string;
}

export interface MessageContext {
  votes: readonly Vote[];
  at: Date;
  /** A DOWN group lists its broken children in one message instead of one alert per child. */
  children?: Array<{ name: string; status: Status }>;
}

/** The monitor as a message names it: its URL without credentials, which no receiver may see. */
export function notificationMonitor(monitor: Monitor): NotificationMessage["monitor"] {
  const url = monitor.url === null ? null : withoutCredentials(monitor.url);
  return { id: monitor.id, name: monitor.name, type: monitor.type, url };
}

/** Words a rule's plan as the message every provider formats. */
export function planAlert(monitor: Monitor, plan: AlertPlan, c: MessageContext): PlannedAlert {
  const message: NotificationMessage = {
    event: plan.event,
    monitor: notificationMonitor(monitor),
    status: plan.status,
    previousStatus: plan.previousStatus,
    reason: plan.reason,
    votes: plan.withVotes ? [...c.votes] : [],
    at: c.at.toISOString(),
    downSince: plan.event === "cert" ? null : plan.downSince,
    outageDurationS:
      plan.event === "up" ? Math.max(0, Math.round((c.at.getTime() - Date.parse(plan.downSince)) / 1000)) : null,
    epoch: 0, // stamped with the writer's epoch when the outbox row is written
    incidentKey: incidentKey(monitor.id, plan.downSince),
    ...(c.children && plan.event === "down" ? { children: c.children } : {}),
    ...(plan.cert ? { cert: plan.cert } : {}),
  };
  return {
    monitorId: monitor.id,
    event: plan.event,
    message,
    suppressed: plan.suppressed,
    ...(plan.onlyIfAlerted ? { onlyIfAlerted: true } : {}),
    ...(plan.coveredBy?.length ? { coveredBy: plan.coveredBy } : {}),
    ...(plan.discriminator ? { discriminator: plan.discriminator } : {}),
  };
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
      epoch: 0,
      incidentKey: a.incidentKey,
      node: a.node,
    },
  };
}
