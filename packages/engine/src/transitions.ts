import {
  activeMaintenance,
  alertsForDeletion,
  alertsForSupersededIncident,
  alertsForTransition,
  certWarning,
  reminderFor,
  step,
  type MachineInput,
  type StepResult,
  type WindowSpec,
} from "@uptop/aggregation";
import type { Logger, Vote } from "@uptop/core";
import { planAlert, type PlannedAlert } from "./alert-messages.js";
import { alertingAncestors, failingChildren, groupVerdict, type GroupTree } from "./groups.js";
import { stateRecord, type MonitorRuntime } from "./monitor-runtime.js";
import type { WriteQueue } from "./write-queue.js";

export interface TransitionsOptions {
  runtimes: ReadonlyMap<number, MonitorRuntime>;
  /** The current group tree (replaced when monitors change). */
  tree: () => GroupTree;
  queue: WriteQueue;
  logger: Logger;
  now: () => number;
}

/**
 * Moves monitors' state machines and records what each move means: the state change, the alerts
 * the rules plan for it, and the groups above it. Everything goes to the write queue.
 */
export class Transitions {
  constructor(private readonly o: TransitionsOptions) {}

  apply(rt: MonitorRuntime, input: MachineInput, votes: readonly Vote[]): void {
    const m = rt.monitor;
    const push = m.type === "push";
    const cfg = { retries: push ? 0 : m.retries, recoveryThreshold: push ? 1 : m.recoveryThreshold };
    const now = new Date(this.o.now());
    this.record(rt, step(rt.machine, input, cfg, now), votes, now);
  }

  /** A group moves when its children's worst status changes. */
  refreshGroup(group: MonitorRuntime): void {
    const now = new Date(this.o.now());
    const r = groupVerdict(this.o.tree(), this.o.runtimes, group, now);
    if (r) this.record(group, r, [], now);
  }

  /**
   * Closes the incidents that alerted but that the current verdicts no longer continue (a
   * hand-back replaced them): each gets its UP, once, on the channels that heard its DOWN.
   */
  closeSuperseded(open: ReadonlyArray<{ monitorId: number; downSince: string }>): number {
    const at = new Date(this.o.now());
    let closed = 0;
    for (const inc of open) {
      const rt = this.o.runtimes.get(inc.monitorId);
      if (!rt) continue; // a deleted monitor's incidents are closed when it is deleted
      const alerts = alertsForSupersededIncident(rt.machine, inc.downSince).map((plan) =>
        planAlert(rt.monitor, plan, { votes: [], at }),
      );
      if (alerts.length === 0) continue;
      this.o.queue.addStateChange({ monitorId: rt.monitor.id, change: null, alerts });
      closed++;
    }
    if (closed) this.o.logger.warn("incidents superseded by a hand-back closed", { closed });
    return closed;
  }

  persist(rt: MonitorRuntime): void {
    this.o.queue.saveState(stateRecord(rt));
  }

  /** `at` is the clock reading the step used, so the change's time and its incident's downSince agree. */
  private record(rt: MonitorRuntime, r: StepResult, votes: readonly Vote[], at: Date): void {
    const before = rt.machine;
    rt.machine = r.state;
    this.persist(rt);
    const t = r.transition;
    if (!t) return;
    const m = rt.monitor;
    const tree = this.o.tree();
    const ctx = {
      before,
      after: r.state,
      at,
      inMaintenance: rt.maintenance,
      alertingAncestors: alertingAncestors(tree, this.o.runtimes, m.id),
    };
    const children = m.type === "group" ? failingChildren(tree, this.o.runtimes, m.id) : undefined;
    const alerts = alertsForTransition(t, ctx).map((plan) =>
      planAlert(m, plan, { votes, at, ...(children ? { children } : {}) }),
    );
    const told = alerts.filter((a) => !a.suppressed).length;
    this.o.logger.info("monitor status changed", {
      monitorId: m.id,
      monitor: m.name,
      from: t.from,
      to: t.to,
      reason: t.reason,
      alerts: told,
    });
    this.o.queue.addStateChange({
      monitorId: m.id,
      change: { from: t.from, to: t.to, reason: t.reason, votes: [...votes], at },
      alerts,
    });
    if (t.from === t.to) return;
    for (const g of tree.ancestorsOf(m.id)) {
      const group = this.o.runtimes.get(g);
      if (group) this.refreshGroup(group);
    }
  }

  /** Starts and ends maintenance where the windows say so; a group that leaves it catches up. */
  updateMaintenance(windows: readonly WindowSpec[], now: Date): void {
    const tree = this.o.tree();
    for (const rt of this.o.runtimes.values()) {
      const active = activeMaintenance(windows, rt.monitor.id, tree.ancestorsOf(rt.monitor.id), now) !== null;
      if (active === rt.maintenance) continue;
      rt.maintenance = active;
      this.o.logger.info(active ? "maintenance started" : "maintenance ended", {
        monitorId: rt.monitor.id,
        monitor: rt.monitor.name,
      });
      this.apply(rt, { kind: "maintenance", active }, []);
      if (!active && rt.monitor.type === "group") this.refreshGroup(rt);
    }
  }

  /** A check saw a certificate: warn once if it is inside the monitor's threshold. */
  noteCert(rt: MonitorRuntime, validTo: string): void {
    rt.certValidTo = validTo;
    const at = new Date(this.o.now());
    const sighting = {
      validTo,
      thresholdDays: rt.monitor.certExpiryDays,
      warned: rt.certWarned,
      inMaintenance: rt.maintenance,
    };
    const plan = certWarning({ ...sighting, status: rt.machine.status, now: at });
    if (!plan) return;
    rt.certWarned = validTo;
    this.o.queue.addStateChange({
      monitorId: rt.monitor.id,
      change: null,
      alerts: [planAlert(rt.monitor, plan, { votes: [], at })],
    });
  }

  planReminders(now: Date): void {
    for (const rt of this.o.runtimes.values()) {
      const plan = reminderFor(rt.machine, rt.maintenance, now);
      if (!plan) continue;
      const votes = [...rt.votes.values()].map(({ slotMs: _slot, ...v }) => v);
      const alert = planAlert(rt.monitor, plan, { votes, at: now });
      this.o.queue.addStateChange({ monitorId: rt.monitor.id, change: null, alerts: [alert] });
    }
  }
}

/**
 * Monitors deleted while DOWN: the channels told about their incidents hear they are closed.
 * The rows name no monitor (it is gone, and its history with it); the message still does.
 */
export function closingAlertsOfDeleted(gone: readonly MonitorRuntime[], at: Date): PlannedAlert[] {
  return gone.flatMap((rt) =>
    alertsForDeletion(rt.machine).map((plan) => {
      const a = planAlert(rt.monitor, plan, { votes: [], at });
      return { ...a, monitorId: null, message: { ...a.message, status: null } };
    }),
  );
}
