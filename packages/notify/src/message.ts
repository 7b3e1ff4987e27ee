import { NOTIFICATION_EVENTS, type MonitorType, type NotificationEvent, type Status, type Vote } from "@uptop/core";

// The events are core's, so the store and the cluster wire name them too; the face keeps them.
export { NOTIFICATION_EVENTS, type NotificationEvent };

/** The monitor as a notification names it: enough to identify it, nothing secret. */
export interface NotificationMonitor {
  id: number;
  name: string;
  type: MonitorType;
  url: string | null;
}

/**
 * One notification, already decided by the engine: providers only word and deliver it.
 * Everything a provider needs is here so a send never has to read the database.
 */
export interface NotificationMessage {
  event: NotificationEvent;
  /** Null for node and test events. */
  monitor: NotificationMonitor | null;
  status: Status | null;
  previousStatus: Status | null;
  /** Human evidence, e.g. "DOWN: 2 of 3 probes — eu-west: TIMEOUT, us-east: HTTP_STATUS 503". */
  reason: string;
  votes: Vote[];
  /** ISO time of the state change (or of the reminder / test). */
  at: string;
  downSince: string | null;
  /** Set on UP: how long the outage lasted. */
  outageDurationS: number | null;
  /** Fencing epoch of the node that sent it. */
  epoch: number;
  /**
   * Identical for an incident's DOWN, reminders and UP, so services that track incidents
   * (PagerDuty dedup_key, Opsgenie alias) resolve the very alert the DOWN opened.
   */
  incidentKey: string;
  /** A DOWN group lists its broken children in one message instead of one alert per child. */
  children?: Array<{ name: string; status: Status }>;
  cert?: { validTo: string; daysLeft: number };
  node?: { id: string; name: string; region: string; status: string };
  uncoveredRegions?: string[];
}
