import { checkSpecFromMonitor, type CheckOptions, type CheckResult, type CheckSpec } from "@uptop/checks";
import {
  CHECK_WAKE_MS,
  SlotScheduler,
  slotOffsetMs,
  type CheckReport,
  type SlotSchedulerStats,
  type Logger,
  type Monitor,
} from "@uptop/core";
import type { EngineMetrics } from "./metrics.js";
import { CHECKABLE, type MonitorRuntime } from "./monitor-runtime.js";

export interface ScheduleOptions {
  runtimes: ReadonlyMap<number, MonitorRuntime>;
  node: { id: string; region: string };
  /** Whether this node checks monitors itself (one vote). */
  localChecks: boolean;
  runCheck: (spec: CheckSpec, options: CheckOptions) => Promise<CheckResult>;
  checkOptions: CheckOptions;
  concurrency: number;
  logger: Logger;
  metrics: EngineMetrics;
  now: () => number;
  /** Where this node's own results go: the same path as every other node's. */
  report: (results: readonly CheckReport[]) => void;
  running: () => boolean;
}

/** What this node checks itself, and when: each monitor on its slot grid, off it when asked. */
export class LocalSchedule {
  private readonly scheduler: SlotScheduler<{ id: number; intervalMs: number }>;
  /** Monitor id → the version of it scheduled (interval and edit time). */
  private readonly scheduled = new Map<number, string>();
  /** Monitors a reload just added, edited or resumed: checked once at once, then on their grid. */
  private fresh: number[] = [];

  constructor(private readonly o: ScheduleOptions) {
    this.scheduler = new SlotScheduler({
      concurrency: o.concurrency,
      coalesceMs: CHECK_WAKE_MS,
      now: o.now,
      run: (item, slotMs) => this.runCheck(item.id, slotMs),
      onLag: (lagMs) => o.metrics.schedulerLag.observe(lagMs / 1000),
      onSkip: (item, slotMs, reason) => {
        if (!o.logger.isDebugEnabled()) return;
        o.logger.debug("slot skipped", { monitorId: item.id, slot: new Date(slotMs).toISOString(), reason });
      },
      onError: (error, item) => o.logger.error("check run failed", { monitorId: item.id, error }),
    });
  }

  start(): void {
    this.scheduler.start();
  }

  stop(): Promise<void> {
    return this.scheduler.stop();
  }

  /** This node's own checking now: checks running and waiting for a slot, and how far behind its slots it runs. */
  stats(): SlotSchedulerStats {
    return this.scheduler.stats();
  }

  checksLocally(m: Monitor): boolean {
    const { localChecks, node } = this.o;
    return (
      localChecks && !m.paused && CHECKABLE.has(m.type) && (m.regions.length === 0 || m.regions.includes(node.region))
    );
  }

  /** Brings one monitor's schedule in line with its definition; `first` is the engine's start. */
  sync(m: Monitor, first: boolean): void {
    if (!this.checksLocally(m)) {
      this.remove(m.id);
      return;
    }
    const key = `${m.interval}|${m.updatedAt}`;
    if (this.scheduled.get(m.id) === key) return;
    this.scheduled.set(m.id, key);
    this.scheduler.upsert({ id: m.id, intervalMs: m.interval * 1000 });
    // A monitor just created, edited or resumed is checked now, then joins its grid: an operator
    // should not wait up to a whole interval (a day, for a daily check) to see whether it works.
    // At start-up the grid alone applies, so a restart does not check everything at once.
    if (!first) this.fresh.push(m.id);
  }

  remove(id: number): void {
    if (this.scheduled.delete(id)) this.scheduler.remove(id);
  }

  /**
   * Runs the monitors a reload added or changed once now. A bulk apply of thousands would be a
   * burst in front of everyone's grid slots, so beyond a few dozen they are spread over up to
   * 30 s (10 ms each), each at a stable place in that window.
   */
  checkFresh(): void {
    const ids = this.fresh.splice(0);
    if (ids.length === 0) return;
    const now = this.o.now();
    const windowMs = ids.length <= 50 ? 0 : Math.min(30_000, ids.length * 10);
    for (const id of ids) this.scheduler.runAt(id, now + (windowMs ? slotOffsetMs(id, windowMs) : 0));
  }

  /**
   * Checks every monitor whose latest vote is older than its interval right away instead of at
   * its next slot: a follower taking over must not leave a 60 s monitor unchecked for a minute.
   */
  checkOverdue(): void {
    const now = this.o.now();
    let overdue = 0;
    for (const id of this.scheduled.keys()) {
      const rt = this.o.runtimes.get(id);
      if (!rt) continue;
      const latest = Math.max(-Infinity, ...[...rt.votes.values()].map((v) => Date.parse(v.at)));
      if (now - latest < rt.monitor.interval * 1000) continue;
      this.scheduler.runAt(id, now);
      overdue++;
    }
    if (overdue) this.o.logger.info("checking overdue monitors now", { overdue });
  }

  /** Runs a monitor's check now, off its grid; false when this node does not check it. */
  checkNow(id: number): boolean {
    if (!this.scheduled.has(id)) return false;
    this.scheduler.runAt(id, this.o.now());
    return true;
  }

  private async runCheck(id: number, slotMs: number): Promise<void> {
    const rt = this.o.runtimes.get(id);
    if (!rt || !this.o.running()) return;
    const spec = checkSpecFromMonitor(rt.monitor);
    if (!spec) return;
    // Measured here, not taken from the result: a failed check has no latency, yet it took time
    // (a timeout takes the whole timeout), and the histogram is about how long checks run.
    const started = performance.now();
    const res = await this.o.runCheck(spec, this.o.checkOptions);
    this.o.metrics.checkDuration.observe(
      { type: spec.type, node: this.o.node.id },
      (performance.now() - started) / 1000,
    );
    const cert = "cert" in res.details ? res.details.cert : null;
    this.o.report([
      {
        monitorId: id,
        slotMs,
        checkedAt: res.checkedAt,
        ok: res.ok,
        latencyMs: res.latencyMs,
        statusCode: res.type === "http" ? res.details.statusCode : null,
        error: res.error,
        cert: cert ? { validTo: cert.validTo, daysLeft: cert.daysLeft, expiringSoon: cert.expiringSoon } : null,
      },
    ]);
    // After a failed round, the next one comes after retryInterval instead of a whole interval.
    const m = rt.monitor;
    if (!res.ok && m.retryInterval && rt.machine.health !== "DOWN" && this.o.running()) {
      this.scheduler.runAt(id, this.o.now() + m.retryInterval * 1000);
    }
  }
}
