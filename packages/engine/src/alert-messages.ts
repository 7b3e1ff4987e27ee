import type { Monitor, Status, Vote } from "@uptop/core";
import type { NotificationEvent, NotificationMessage } from "@uptop/notify";
import type { PlannedAlert, Suppression } from "./outbox-plan.js";

/** One incident = one monitor's stretch of DOWN, named by when it began. */
export function incidentKey(monitorId: number, downSince: string): string {
  return `m${monitorId}-${Date.parse(downSince)}`;
}

export interface AlertInput {
  monitor: Monitor;
  event: NotificationEvent;
  status: Status;
  previousStatus: Status | null;
  reason: string;
  votes: Vote[];
  at: Date;
  downSince: string;
  suppressed?: Suppression;
  children?: Array<{ name: string; status: Status }>;
  cert?: { validTo: string; daysLeft: number };
  discriminator?: string;
}

export function planAlert(a: AlertInput): PlannedAlert {
  const message: NotificationMessage = {
    event: a.event,
    monitor: { id: a.monitor.id, name: a.monitor.name, type: a.monitor.type, url: a.monitor.url },
    status: a.status,
    previousStatus: a.previousStatus,
    reason: a.reason,
    votes: a.votes,
    at: a.at.toISOString(),
    downSince: a.event === "cert" ? null : a.downSince,
    outageDurationS: a.event === "up" ? Math.max(0, Math.round((a.at.getTime() - Date.parse(a.downSince)) / 1000)) : null,
    epoch: 0, // stamped with the writer's epoch when the outbox row is written
    incidentKey: incidentKey(a.monitor.id, a.downSince),
    ...(a.children ? { children: a.children } : {}),
    ...(a.cert ? { cert: a.cert } : {}),
  };
  return {
    monitorId: a.monitor.id,
    event: a.event,
    message,
    suppressed: a.suppressed ?? null,
    ...(a.event === "up" ? { onlyIfAlerted: true } : {}),
    ...(a.discriminator ? { discriminator: a.discriminator } : {}),
  };
}
