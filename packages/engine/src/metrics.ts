import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { STATUSES, type NodeInfo, type Status } from "@uptop/core";

/** What the metrics read at scrape time; the engine (and a standby follower) provide it. */
export interface MetricsSource {
  monitors(): Iterable<{
    id: number;
    name: string;
    type: string;
    status: Status;
    latencyMs: number | null;
    certValidTo: string | null;
    noData: boolean;
  }>;
  nodes(): readonly NodeInfo[];
  writeQueueDepth(): number;
  role(): { role: string; state: string; epoch: number };
}

/**
 * `uptop_monitor_up` only for the two statuses that answer "is it up?": an alert on `== 0` then
 * fires exactly when uptop's own DOWN alert would, never for a paused monitor, one in maintenance,
 * one still within its retries (PENDING) or a push that is late but within its grace (LATE).
 */
const UP_VALUE: Partial<Record<Status, number>> = { UP: 1, DOWN: 0 };

/** Every per-monitor series names the monitor by id (stable across a rename) and by name (to read). */
function monitorLabels(m: { id: number; name: string }): { monitor_id: string; monitor: string } {
  return { monitor_id: String(m.id), monitor: m.name };
}

/** Default Node.js metrics that are gauges with a counter's `_total` suffix. */
const MISNAMED_DEFAULT_GAUGES = [
  "nodejs_active_handles_total",
  "nodejs_active_requests_total",
  "nodejs_active_resources_total",
] as const;

/**
 * One registry per process (passed around, not a module singleton), holding every uptop series.
 * Gauges about monitors and nodes are computed when scraped, so they are never stale.
 */
export class EngineMetrics {
  readonly registry = new Registry();
  readonly checkDuration: Histogram<"type" | "node">;
  readonly checksTotal: Counter<"type" | "node" | "result">;
  readonly notificationsTotal: Counter<"channel_type" | "result">;
  readonly schedulerLag: Histogram;
  /** How far behind its schedule the scheduler runs now; read on every scrape. */
  readonly schedulerBehind: Gauge;
  /** Set by whoever owns the scheduler: its current lag in ms. */
  schedulerLagNow: () => number = () => 0;
  readonly droppedResults: Counter;
  /** Rows the database refused for what they held, by what they were and whether they were repaired or dropped. */
  readonly writeRejected: Counter<"kind" | "outcome">;
  /** Engine starts and stops of this node, by the state entered; the reason is in the log. */
  readonly clusterTransitions: Counter<"to">;
  /** How long an alert waited for the follower to hold it before it was sent. */
  readonly replicationWait: Histogram<"outcome">;
  private source: MetricsSource | null = null;
  private roleSource: (() => { role: string; state: string; epoch: number }) | null = null;
  private eventClients: (() => number) | null = null;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    // Gauges named like counters (promtool refuses them); the same counts by type stay, as
    // nodejs_active_handles, nodejs_active_requests and nodejs_active_resources.
    for (const name of MISNAMED_DEFAULT_GAUGES) this.registry.removeSingleMetric(name);
    const r = this.registry;
    const self = () => this.source;
    const roleOf = () => this.roleSource?.() ?? this.source?.role() ?? null;
    this.checkDuration = new Histogram({
      name: "uptop_check_duration_seconds",
      help: "Duration of executed checks",
      labelNames: ["type", "node"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [r],
    });
    this.checksTotal = new Counter({
      name: "uptop_checks_total",
      help: "Checks received, by result",
      labelNames: ["type", "node", "result"],
      registers: [r],
    });
    this.notificationsTotal = new Counter({
      name: "uptop_notifications_total",
      help: "Notification deliveries by channel type and result",
      labelNames: ["channel_type", "result"],
      registers: [r],
    });
    this.schedulerLag = new Histogram({
      name: "uptop_scheduler_lag_seconds",
      help: "How late checks started relative to their slot",
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60],
      registers: [r],
    });
    const lagNow = () => this.schedulerLagNow() / 1000;
    this.schedulerBehind = new Gauge({
      name: "uptop_scheduler_behind_seconds",
      help: "How long the oldest check waiting for a concurrency slot has been due (0 when none waits)",
      registers: [r],
      collect() {
        this.set(lagNow());
      },
    });
    this.droppedResults = new Counter({
      name: "uptop_dropped_results_total",
      help: "Raw results dropped because the write backlog was full",
      registers: [r],
    });
    this.writeRejected = new Counter({
      name: "uptop_write_rejected_total",
      help: "Rows the database refused for what they held (bad text, a number out of range), repaired or dropped",
      labelNames: ["kind", "outcome"],
      registers: [r],
    });
    new Gauge({
      name: "uptop_monitor_up",
      help: "1 when the monitor is UP, 0 when DOWN; absent while PENDING, LATE, PAUSED or in MAINTENANCE",
      labelNames: ["monitor_id", "monitor", "type"],
      registers: [r],
      collect() {
        this.reset();
        for (const m of self()?.monitors() ?? []) {
          const up = UP_VALUE[m.status];
          if (up !== undefined) this.set({ ...monitorLabels(m), type: m.type }, up);
        }
      },
    });
    new Gauge({
      name: "uptop_monitor_status",
      help: "Current status of each monitor, one-hot",
      labelNames: ["monitor_id", "monitor", "status"],
      registers: [r],
      collect() {
        this.reset();
        for (const m of self()?.monitors() ?? [])
          for (const s of STATUSES) this.set({ ...monitorLabels(m), status: s }, m.status === s ? 1 : 0);
      },
    });
    new Gauge({
      name: "uptop_monitor_no_data",
      help: "1 when no live node has voted recently for the monitor",
      labelNames: ["monitor_id", "monitor"],
      registers: [r],
      collect() {
        this.reset();
        for (const m of self()?.monitors() ?? []) this.set(monitorLabels(m), m.noData ? 1 : 0);
      },
    });
    new Gauge({
      name: "uptop_monitor_latency_seconds",
      help: "Latency of the latest check",
      labelNames: ["monitor_id", "monitor"],
      registers: [r],
      collect() {
        this.reset();
        for (const m of self()?.monitors() ?? [])
          if (m.latencyMs !== null) this.set(monitorLabels(m), m.latencyMs / 1000);
      },
    });
    new Gauge({
      name: "uptop_monitor_cert_expiry_timestamp_seconds",
      help: "Expiry of the monitored TLS certificate",
      labelNames: ["monitor_id", "monitor"],
      registers: [r],
      collect() {
        this.reset();
        for (const m of self()?.monitors() ?? [])
          if (m.certValidTo) this.set(monitorLabels(m), Date.parse(m.certValidTo) / 1000);
      },
    });
    new Gauge({
      name: "uptop_node_last_seen_timestamp_seconds",
      help: "When each node was last heard from",
      labelNames: ["node", "region", "role"],
      registers: [r],
      collect() {
        this.reset();
        for (const n of self()?.nodes() ?? [])
          this.set({ node: n.id, region: n.region, role: n.role }, Date.parse(n.lastSeen) / 1000);
      },
    });
    new Gauge({
      name: "uptop_node_up",
      help: "1 when the node is online",
      labelNames: ["node", "region", "role"],
      registers: [r],
      collect() {
        this.reset();
        for (const n of self()?.nodes() ?? [])
          this.set({ node: n.id, region: n.region, role: n.role }, n.status === "online" ? 1 : 0);
      },
    });
    new Gauge({
      name: "uptop_write_queue_depth",
      help: "Rows waiting to be written to the database",
      registers: [r],
      collect() {
        this.set(self()?.writeQueueDepth() ?? 0);
      },
    });
    new Gauge({
      name: "uptop_cluster_role",
      help: "This node's role and state (value is the fencing epoch)",
      labelNames: ["role", "state"],
      registers: [r],
      collect() {
        this.reset();
        // The node says who it is even with no engine running (a standby follower, a leader
        // waiting for a hand-back): that is when an operator most needs to see it.
        const s = roleOf();
        if (s) this.set({ role: s.role, state: s.state }, s.epoch);
      },
    });
    const eventClients = () => this.eventClients?.() ?? 0;
    new Gauge({
      name: "uptop_event_stream_clients",
      help: "Clients connected to the live event stream (GET /api/events)",
      registers: [r],
      collect() {
        this.set(eventClients());
      },
    });
    this.replicationWait = new Histogram({
      name: "uptop_alert_replication_wait_seconds",
      help: "Time an alert waited for the follower before it was sent, by outcome (replicated, unreplicated)",
      labelNames: ["outcome"],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
      registers: [r],
    });
    this.clusterTransitions = new Counter({
      name: "uptop_cluster_transitions_total",
      help: "Times this node's engine started (to=active) or stopped (to=standby)",
      labelNames: ["to"],
      registers: [r],
    });
  }

  /** Where the role gauge reads from, for the life of the process. */
  bindRole(source: () => { role: string; state: string; epoch: number }): void {
    this.roleSource = source;
  }

  /** Where the event stream's client count is read from, for the life of the process. */
  bindEventStream(clients: () => number): void {
    this.eventClients = clients;
  }

  bind(source: MetricsSource | null): void {
    this.source = source;
  }
}
