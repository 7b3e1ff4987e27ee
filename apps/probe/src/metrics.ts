import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** Default Node.js metrics that are gauges with a counter's `_total` suffix. */
const MISNAMED_DEFAULT_GAUGES = [
  "nodejs_active_handles_total",
  "nodejs_active_requests_total",
  "nodejs_active_resources_total",
] as const;

/** The probe's Prometheus metrics, on a registry of its own (no process-wide singletons). */
export class ProbeMetrics {
  readonly registry = new Registry();
  readonly checks: Counter<"result" | "type">;
  readonly checkDuration: Histogram<"type">;
  readonly bufferDepth: Gauge;
  readonly dropped: Counter;
  readonly schedulerLag: Histogram;
  /** How far behind its schedule the scheduler runs now; read on every scrape. */
  readonly schedulerBehind: Gauge;
  /** Set by whoever owns the scheduler: its current lag in ms. */
  schedulerLagNow: () => number = () => 0;
  readonly lastSync: Gauge;
  readonly monitors: Gauge;
  readonly skipped: Counter<"reason">;

  constructor(nodeId: string, region: string) {
    this.registry.setDefaultLabels({ node: nodeId, region });
    collectDefaultMetrics({ register: this.registry });
    // Gauges named like counters (promtool refuses them); the same counts by type stay, as
    // nodejs_active_handles, nodejs_active_requests and nodejs_active_resources.
    for (const name of MISNAMED_DEFAULT_GAUGES) this.registry.removeSingleMetric(name);
    const registers = [this.registry];
    this.checks = new Counter({
      name: "uptop_checks_total",
      help: "Checks run, by result (up, down, error) and type",
      labelNames: ["result", "type"],
      registers,
    });
    this.checkDuration = new Histogram({
      name: "uptop_check_duration_seconds",
      help: "Wall time of each check",
      labelNames: ["type"],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.bufferDepth = new Gauge({
      name: "uptop_probe_buffer_depth",
      help: "Results waiting to be posted to the leader",
      registers,
    });
    this.dropped = new Counter({
      name: "uptop_probe_buffer_dropped_total",
      help: "Results dropped because the buffer was full",
      registers,
    });
    this.schedulerLag = new Histogram({
      name: "uptop_scheduler_lag_seconds",
      help: "Delay between a slot's due time and its check starting",
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 15, 60],
      registers,
    });
    const lagNow = () => this.schedulerLagNow() / 1000;
    this.schedulerBehind = new Gauge({
      name: "uptop_scheduler_behind_seconds",
      help: "How long the oldest check waiting for a concurrency slot has been due (0 when none waits)",
      registers,
      collect() {
        this.set(lagNow());
      },
    });
    this.lastSync = new Gauge({
      name: "uptop_probe_last_sync_timestamp_seconds",
      help: "Time of the last successful assignment sync",
      registers,
    });
    this.monitors = new Gauge({ name: "uptop_probe_monitors", help: "Monitors assigned to this probe", registers });
    this.skipped = new Counter({
      name: "uptop_scheduler_skipped_total",
      help: "Slots not run, by reason (overlap, late)",
      labelNames: ["reason"],
      registers,
    });
  }
}
