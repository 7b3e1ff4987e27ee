import { formatDuration, type Status } from "@uptop/core";
import type { MachineState, Transition } from "./state-machine.js";

export type MonitorAlertEvent = "down" | "up" | "reminder" | "cert";

/** Why an alert is recorded but told to nobody. */
export type Suppression = "maintenance" | null;

/** An alert a rule decided on: who hears it is decided later, against the outbox (`recipients`). */
export interface AlertPlan {
  event: MonitorAlertEvent;
  status: Status;
  /** Null when no status changed (reminders, certificate warnings). */
  previousStatus: Status | null;
  reason: string;
  /** When the incident began: every alert of one incident carries it, so it names the incident. */
  downSince: string;
  suppressed: Suppression;
  /** Whether the round's votes go in the message as evidence. */
  withVotes: boolean;
  /** `up`: exactly the channels told about the DOWN hear its end, whatever belongs to the monitor now. */
  onlyIfAlerted?: boolean;
  /** Ancestor groups whose own DOWN tells this one: the channels they reach are spared it. */
  coveredBy?: number[];
  /** Distinguishes repeated alerts of one incident (a certificate's expiry). */
  discriminator?: string;
  cert?: { validTo: string; daysLeft: number };
}

export interface TransitionContext {
  /** The state before the step: the incident that ends is named by its `downSince`. */
  before: MachineState;
  after: MachineState;
  at: Date;
  inMaintenance: boolean;
  /** Ancestor groups neither paused nor in maintenance. */
  alertingAncestors: readonly number[];
}

const endOf = (before: MachineState, t: Transition, reason: string, withVotes: boolean): AlertPlan => ({
  event: "up",
  status: t.to,
  previousStatus: t.from,
  reason,
  downSince: before.downSince!,
  suppressed: null,
  withVotes,
  onlyIfAlerted: true,
});

/**
 * The alerts one status transition plans. Maintenance holds back new DOWNs only: an incident's
 * end is never held, and goes to exactly the channels that heard its DOWN — so one that began
 * inside a window stays silent, and one told before the window is resolved, not left open.
 */
export function alertsForTransition(t: Transition, ctx: TransitionContext): AlertPlan[] {
  const plans: AlertPlan[] = [];
  const down = (suppressed: Suppression): AlertPlan => ({
    event: "down",
    status: t.to,
    previousStatus: t.from,
    reason: t.reason,
    downSince: ctx.after.downSince ?? ctx.at.toISOString(),
    suppressed,
    withVotes: true,
    ...(ctx.alertingAncestors.length ? { coveredBy: [...ctx.alertingAncestors] } : {}),
  });
  if (t.healthTo === "DOWN" && t.healthFrom !== "DOWN") {
    plans.push(down(ctx.inMaintenance ? "maintenance" : null));
  } else if (t.from === "MAINTENANCE" && t.to === "DOWN") {
    // Leaving a window still DOWN: planned again, and the dedupe key makes it nothing for an
    // incident alerted before the window; one that began inside is told now.
    plans.push(down(null));
  }
  // An incident ends whenever health leaves DOWN: a recovery, a pause, or a group whose failing
  // children recovered while another has no verdict yet (PENDING) — left open, it never closes.
  const { before } = ctx;
  if (before.health !== "DOWN" || !before.downSince) return plans;
  if (t.to === "PAUSED" || t.from === "PAUSED") {
    // A resume starts the monitor over, with a new incident if it is still broken. Planned again
    // at the resume for a monitor paused before this rule (a repeat is nothing).
    const reason =
      t.to === "PAUSED"
        ? "paused while DOWN: incident closed"
        : "resumed: the incident open before the pause is closed";
    plans.push(endOf(before, t, reason, false));
  } else if (t.healthTo !== "DOWN") {
    plans.push(endOf(before, t, t.reason, true));
  }
  return plans;
}

/** A monitor deleted while DOWN: the channels told about its incident hear it is closed. */
export function alertsForDeletion(state: MachineState): AlertPlan[] {
  if (state.health !== "DOWN" || !state.downSince) return [];
  const t = { from: state.status, to: state.status, healthFrom: state.health, healthTo: state.health, reason: "" };
  return [endOf(state, t, "monitor deleted while DOWN: incident closed", false)];
}

/**
 * An incident whose DOWN went out but which the monitor's verdict no longer continues: a hand-back
 * replaced the verdict with another node's (UP, or DOWN since another time). The channels told
 * about it hear it is closed, once, so no incident stays open at a receiver forever.
 */
export function alertsForSupersededIncident(state: MachineState, incidentDownSince: string): AlertPlan[] {
  if (state.health === "DOWN" && state.downSince === incidentDownSince) return [];
  const reason =
    state.health === "DOWN"
      ? "incident superseded: the other node's verdict has this monitor DOWN since another time"
      : `incident closed: the other node's verdict is ${state.status}`;
  return [
    {
      event: "up",
      status: state.status,
      previousStatus: "DOWN",
      reason,
      downSince: incidentDownSince,
      suppressed: null,
      withVotes: false,
      onlyIfAlerted: true,
    },
  ];
}

/**
 * A reminder while DOWN, planned on every reminder tick: each channel's own interval decides
 * whether one is due (`recipients`), and its number makes the key, so repeats are nothing.
 */
export function reminderFor(state: MachineState, inMaintenance: boolean, now: Date): AlertPlan | null {
  if (state.status !== "DOWN" || !state.downSince || inMaintenance) return null;
  return {
    event: "reminder",
    status: "DOWN",
    previousStatus: "DOWN",
    reason: `still DOWN for ${formatDuration(now.getTime() - Date.parse(state.downSince))}`,
    downSince: state.downSince,
    suppressed: null,
    withVotes: true,
  };
}

export interface CertSighting {
  validTo: string;
  /** The monitor's threshold: warn when fewer days than this are left. */
  thresholdDays: number;
  /** The certificate (by its expiry) this process already warned about. */
  warned: string | null;
  inMaintenance: boolean;
  status: Status;
  now: Date;
}

/**
 * Warns once per certificate when its days left fall below the threshold, on whichever check
 * first sees it inside (one seen at 30 days must warn when it reaches 13). Days are counted on
 * our clock, whoever checked. In maintenance nothing is planned: the warning comes after the window.
 */
export function certWarning(c: CertSighting): AlertPlan | null {
  const validTo = Date.parse(c.validTo);
  if (!Number.isFinite(validTo) || c.warned === c.validTo || c.inMaintenance) return null;
  const daysLeft = Math.floor((validTo - c.now.getTime()) / 86_400_000);
  if (daysLeft >= c.thresholdDays) return null;
  return {
    event: "cert",
    status: c.status,
    previousStatus: null,
    reason: `certificate expires in ${daysLeft} days (${c.validTo})`,
    downSince: c.validTo,
    suppressed: null,
    withVotes: false,
    cert: { validTo: c.validTo, daysLeft },
    discriminator: `cert-${validTo}`,
  };
}
