import type { AssignedMonitor, ResultItem } from "@uptop/cluster-protocol";
import { CHECK_WAKE_MS, SlotScheduler, type Logger, type SchedulerItem } from "@uptop/core";
import type { RunMonitor } from "./check-runner.js";
import type { ProbeMetrics } from "./metrics.js";

interface Item extends SchedulerItem {
  monitor: AssignedMonitor;
  /** JSON of the monitor: an unchanged assignment is not rescheduled. */
  fingerprint: string;
}

export interface ScheduledChecksOptions {
  concurrency: number;
  runMonitor: RunMonitor;
  onResult(result: ResultItem): void;
  metrics: ProbeMetrics;
  logger: Logger;
}

/** The probe's assigned monitors on the shared slot grid, at most `concurrency` checks at once. */
export class ScheduledChecks {
  private readonly scheduler: SlotScheduler<Item>;
  private readonly items = new Map<number, Item>();

  constructor(private readonly options: ScheduledChecksOptions) {
    const { metrics, logger } = options;
    this.scheduler = new SlotScheduler<Item>({
      concurrency: options.concurrency,
      coalesceMs: CHECK_WAKE_MS,
      run: (item, slotMs) => this.runOne(item, slotMs),
      onLag: (lagMs) => metrics.schedulerLag.observe(lagMs / 1000),
      onSkip: (item, slotMs, reason) => {
        metrics.skipped.inc({ reason });
        logger.debug("slot skipped", { monitorId: item.id, slot: new Date(slotMs).toISOString(), reason });
      },
      onError: (error, item) => {
        metrics.checks.inc({ result: "error", type: item.monitor.type });
        logger.warn("check could not run", { monitorId: item.id, error });
      },
    });
  }

  get size(): number {
    return this.items.size;
  }

  /** Makes the scheduled set equal to `monitors`: new ones added, changed ones replaced, gone ones removed. */
  apply(monitors: readonly AssignedMonitor[]): { added: number; changed: number; removed: number } {
    let added = 0;
    let changed = 0;
    let removed = 0;
    const seen = new Set<number>();
    for (const monitor of monitors) {
      if (monitor.paused || monitor.type === "push" || monitor.type === "group") continue;
      seen.add(monitor.id);
      const fingerprint = JSON.stringify(monitor);
      const existing = this.items.get(monitor.id);
      if (existing?.fingerprint === fingerprint) continue;
      const item: Item = { id: monitor.id, intervalMs: Math.round(monitor.interval * 1000), monitor, fingerprint };
      this.items.set(monitor.id, item);
      this.scheduler.upsert(item);
      if (existing) changed++;
      else added++;
    }
    for (const id of [...this.items.keys()]) {
      if (seen.has(id)) continue;
      this.items.delete(id);
      this.scheduler.remove(id);
      removed++;
    }
    this.options.metrics.monitors.set(this.items.size);
    return { added, changed, removed };
  }

  start(): void {
    this.scheduler.start();
  }

  stop(): Promise<void> {
    return this.scheduler.stop();
  }

  stats(): ReturnType<SlotScheduler<Item>["stats"]> {
    return this.scheduler.stats();
  }

  private async runOne(item: Item, slotMs: number): Promise<void> {
    const { metrics } = this.options;
    const started = performance.now();
    const result = await this.options.runMonitor(item.monitor, slotMs);
    if (!result) return;
    metrics.checkDuration.observe({ type: item.monitor.type }, (performance.now() - started) / 1000);
    metrics.checks.inc({ result: result.ok ? "up" : "down", type: item.monitor.type });
    this.options.onResult(result);
  }
}
