import {
  formatDuration,
  SlotScheduler,
  slotOffsetMs,
  type AggregationStrategy,
  type CheckError,
  type Logger,
  type Monitor,
  type NodeInfo,
  type SecretBox,
  type Status,
  type Vote,
} from "@uptop/core";
import {
  activeMaintenance,
  aggregate,
  ancestors as ancestorsOf,
  describeVerdict,
  freshnessMs,
  groupStatus,
  initialState,
  step,
  type Health,
  type MachineInput,
  type MachineState,
  type Transition,
  type WindowSpec,
} from "@uptop/aggregation";
import { checkSpecFromMonitor, runCheck as defaultRunCheck, type CheckOptions, type CheckResult, type CheckSpec } from "@uptop/checks";
import { getMonitorStates, insertResults, listMonitors, listNodes, monitorsVersion, listWindowSpecs, touchNode, type Db, type LastCheck, type ResultRow, type MonitorStateRecord } from "@uptop/store";
import { planAlert } from "./alerts.js";
import type { EngineMetrics, MetricsSource } from "./metrics.js";
import { enqueueAlert, type PlannedAlert, type Suppression } from "./outbox-plan.js";
import { WriteQueue, type WriteQueueOptions } from "./write-queue.js";
import { NodeWatch } from "./node-watch.js";

/** One check result from any node (the leader itself, a promoted follower, a probe). */
export interface IncomingResult {
  monitorId: number;
  slotMs: number;
  checkedAt: string;
  ok: boolean;
  latencyMs: number | null;
  statusCode: number | null;
  error: CheckError | null;
  cert?: { validTo: string; daysLeft: number; expiringSoon: boolean } | null;
}

export interface EngineOptions {
  db: Db;
  box: SecretBox;
  logger: Logger;
  metrics: EngineMetrics;
  node: { id: string; name: string; region: string; role: "leader" | "follower"; version: string };
  strategy: AggregationStrategy;
  /** Whether this node checks monitors itself (one vote). */
  localChecks: boolean;
  /**
   * Check every monitor whose latest vote is older than its interval right away instead of at
   * its next slot: a follower taking over must not leave a 60 s monitor unchecked for another
   * minute. (A leader's ordinary start keeps to the grid.)
   */
  checkOverdueOnStart?: boolean;
  checkOptions: CheckOptions;
  /** The fencing epoch this node acts under. */
  epoch: () => number;
  now?: () => number;
  runCheck?: (spec: CheckSpec, options: CheckOptions) => Promise<CheckResult>;
  concurrency?: number;
  refreshMs?: number;
  tickMs?: number;
  /** How long after a slot's timeout a round waits for late votes before it is decided. */
  settleMs?: number;
  /** `onBatch` sees every batch written (kind and rows), for benchmarks and diagnostics. */
  writeQueue?: Partial<Pick<WriteQueueOptions, "flushMs" | "maxResults" | "batchSize" | "onBatch">>;
}

interface Runtime {
  monitor: Monitor;
  machine: MachineState;
  votes: Map<string, Vote & { slotMs: number }>;
  lastCheck: LastCheck | null;
  lastPushAt: number | null;
  noData: boolean;
  round: { slotMs: number; deadlineMs: number } | null;
  lastDecidedSlot: number;
  maintenance: boolean;
  certValidTo: string | null;
  /** The certificate (by its expiry) whose warning this process has already planned. */
  certWarned: string | null;
}

const CHECKABLE = new Set(["http", "tcp", "dns", "ping", "tls"]);

function healthOf(status: Status): Health {
  return status === "DOWN" ? "DOWN" : status === "UP" ? "UP" : "PENDING";
}

/**
 * The work of an active node: schedules its own checks on the slot grid, takes votes from every
 * node, decides one verdict per monitor per round, drives the state machine, keeps groups,
 * push monitors and maintenance current, and hands every write to the WriteQueue.
 */
export class Engine {
  private readonly runtimes = new Map<number, Runtime>();
  private readonly scheduler: SlotScheduler<{ id: number; intervalMs: number }>;
  private readonly queue: WriteQueue;
  private readonly now: () => number;
  private readonly runCheck: (spec: CheckSpec, options: CheckOptions) => Promise<CheckResult>;
  private windows: WindowSpec[] = [];
  private nodes: NodeInfo[] = [];
  private offline = new Set<string>();
  private ancestors = new Map<number, number[]>();
  private children = new Map<number, number[]>();
  private scheduled = new Map<number, string>();
  private timers: NodeJS.Timeout[] = [];
  private reloadTimer: NodeJS.Timeout | null = null;
  private reloading: Promise<void> | null = null;
  private running = false;
  private lastMaintenanceTick = 0;
  private lastReminderTick = 0;
  /** When this engine began serving: pushes sent while no node listened do not count against a job. */
  private servingSince = 0;
  /** Monitors a reload just added, edited or resumed: checked once at once, then on their grid. */
  private freshlyScheduled: number[] = [];
  private monitorsVersion = "";
  private readonly nodeWatch: NodeWatch;

  constructor(private readonly o: EngineOptions) {
    this.now = o.now ?? Date.now;
    this.nodeWatch = new NodeWatch({ db: o.db, logger: o.logger, selfId: o.node.id, epoch: o.epoch });
    this.runCheck = o.runCheck ?? defaultRunCheck;
    this.queue = new WriteQueue({
      db: o.db,
      logger: o.logger,
      nodeId: o.node.id,
      epoch: o.epoch,
      now: this.now,
      ...o.writeQueue,
      onBatch: (kind, size) => {
        // winston formats (timestamp, redaction, JSON) before it filters by level: a debug line
        // per batch at level info is garbage for nothing unless we ask first.
        if (o.logger.isDebugEnabled()) o.logger.debug("write batch", { kind, size });
        o.writeQueue?.onBatch?.(kind, size);
      },
      onDrop: (count) => o.metrics.droppedResults.inc(count),
    });
    this.scheduler = new SlotScheduler({
      concurrency: o.concurrency ?? 100,
      now: this.now,
      run: (item, slotMs) => this.runLocalCheck(item.id, slotMs),
      onLag: (lagMs) => o.metrics.schedulerLag.observe(lagMs / 1000),
      onSkip: (item, slotMs, reason) => {
        if (o.logger.isDebugEnabled()) o.logger.debug("slot skipped", { monitorId: item.id, slot: new Date(slotMs).toISOString(), reason });
      },
      onError: (error, item) => o.logger.error("check run failed", { monitorId: item.id, error }),
    });
  }

  async start(): Promise<void> {
    this.running = true;
    this.servingSince = this.now();
    await this.reload(true);
    this.scheduler.start();
    if (this.o.checkOverdueOnStart) this.checkOverdue();
    this.queue.start();
    const tick = setInterval(() => this.tick(), this.o.tickMs ?? 250);
    const refresh = setInterval(() => void this.reload(false).catch((err: unknown) => this.o.logger.warn("reload failed", { error: err })), this.o.refreshMs ?? 10_000);
    tick.unref();
    refresh.unref();
    this.timers.push(tick, refresh);
    this.o.metrics.bind(this.metricsSource());
    this.o.logger.info("engine started", { monitors: this.runtimes.size, localChecks: this.o.localChecks });
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    await this.scheduler.stop();
    await this.reloading?.catch(() => {});
    for (const rt of this.runtimes.values()) this.persist(rt);
    await this.queue.stop();
    this.o.metrics.bind(null);
  }

  /** Something changed in the database (API edit, config apply): re-read soon, coalescing bursts. */
  notifyChange(): void {
    if (!this.running || this.reloadTimer) return;
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = null;
      void this.reload(false, true).catch((err: unknown) => this.o.logger.warn("reload failed", { error: err }));
    }, 50);
  }

  private checkOverdue(): void {
    const now = this.now();
    let overdue = 0;
    for (const id of this.scheduled.keys()) {
      const rt = this.runtimes.get(id);
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
    this.scheduler.runAt(id, this.now());
    return true;
  }

  writeStats() {
    return this.queue.stats();
  }

  /** Current verdicts, for the API and metrics (the database copy may lag by a flush). */
  snapshot(): Array<{ id: number; name: string; type: string; status: Status; noData: boolean; latencyMs: number | null; certValidTo: string | null }> {
    return [...this.runtimes.values()].map((rt) => ({
      id: rt.monitor.id,
      name: rt.monitor.name,
      type: rt.monitor.type,
      status: rt.machine.status,
      noData: rt.noData,
      latencyMs: rt.lastCheck?.latencyMs ?? null,
      certValidTo: rt.certValidTo,
    }));
  }

  /**
   * Takes verdicts another node reached (a follower's handback) as our own: pending writes go
   * first so they cannot overwrite what was merged, then the stored states replace ours.
   */
  async reloadStates(): Promise<void> {
    await this.queue.flush();
    const states = await getMonitorStates(this.o.db);
    for (const [id, saved] of states) {
      const rt = this.runtimes.get(id);
      if (!rt) continue;
      rt.machine = { status: saved.status, health: saved.health, since: saved.since, failures: saved.failures, successes: saved.successes, downSince: saved.downSince };
      rt.votes = new Map(this.carriedVotes(saved.votes).map((v) => [v.node, { ...v, slotMs: Date.parse(v.at) }]));
      rt.lastPushAt = saved.lastPushAt ? Date.parse(saved.lastPushAt) : rt.lastPushAt;
      rt.noData = saved.noData;
      rt.maintenance = saved.status === "MAINTENANCE";
      rt.round = null;
    }
    this.o.logger.info("verdicts reloaded", { monitors: states.size });
  }

  /** Flushes pending writes now (tests, shutdown, handback). */
  flush(): Promise<void> {
    return this.queue.flush();
  }

  // ---- loading -------------------------------------------------------------------------------

  private reload(first: boolean, force = false): Promise<void> {
    if (this.reloading) return this.reloading.then(() => (first ? undefined : this.reload(false, force)));
    this.reloading = this.reloadOnce(first, force).finally(() => {
      this.reloading = null;
    });
    return this.reloading;
  }

  private async reloadOnce(first: boolean, force: boolean): Promise<void> {
    const db = this.o.db;
    const now = this.now();
    await touchNode(db, { id: this.o.node.id, name: this.o.node.name, region: this.o.node.region, version: this.o.node.version, role: this.o.node.role }, new Date(now));
    this.windows = await listWindowSpecs(db);
    this.nodes = await listNodes(db, new Date(now));
    this.offline = new Set(this.nodes.filter((n) => n.status === "offline").map((n) => n.id));
    // The periodic reload re-reads monitors only when they changed: rebuilding 10 000 monitor
    // objects every 10 s for nothing is most of an idle leader's CPU and garbage.
    const version = await monitorsVersion(db);
    if (!first && !force && version === this.monitorsVersion) return this.afterReload();
    this.monitorsVersion = version;
    const monitors = await listMonitors(db, this.o.box);
    const states = first ? await getMonitorStates(db) : new Map<number, MonitorStateRecord>();

    const seen = new Set<number>();
    // A chain of ancestors runs through groups only: walking that short list per monitor keeps a
    // reload linear, where the whole tree per monitor was quadratic (seconds at 10 000 monitors).
    const parents = new Set(monitors.map((m) => m.parentId));
    const groups = monitors.filter((m) => parents.has(m.id)).map((m) => ({ id: m.id, parentId: m.parentId }));
    this.ancestors = new Map(monitors.map((m) => [m.id, m.parentId === null ? [] : ancestorsOf(m.id, [{ id: m.id, parentId: m.parentId }, ...groups])]));
    this.children = new Map();
    for (const m of monitors) {
      if (m.parentId === null) continue;
      const list = this.children.get(m.parentId) ?? [];
      list.push(m.id);
      this.children.set(m.parentId, list);
    }

    for (const m of monitors) {
      seen.add(m.id);
      let rt = this.runtimes.get(m.id);
      if (!rt) {
        rt = this.newRuntime(m, states.get(m.id));
        this.runtimes.set(m.id, rt);
      } else {
        rt.monitor = m;
      }
      const paused = rt.machine.status === "PAUSED";
      if (m.paused && !paused) this.apply(rt, { kind: "pause" }, []);
      else if (!m.paused && paused) this.apply(rt, { kind: "resume" }, []);
      this.syncSchedule(rt, first);
    }
    this.checkFreshlyScheduled();
    // Before the runtimes go: if writing fails, the next reload still knows the open incidents.
    await this.closeDeletedIncidents([...this.runtimes.values()].filter((rt) => !seen.has(rt.monitor.id)));
    for (const id of this.runtimes.keys()) {
      if (seen.has(id)) continue;
      this.runtimes.delete(id);
      this.queue.forget(id);
      if (this.scheduled.delete(id)) this.scheduler.remove(id);
    }
    for (const rt of this.runtimes.values()) if (rt.monitor.type === "group") this.updateGroup(rt);
    await this.afterReload();
  }

  /** What every reload does, whether or not the monitors changed: node states and silent rounds. */
  private async afterReload(): Promise<void> {
    const now = this.now();
    this.nodeWatch.observe(this.nodes, new Date(now));
    this.sweepSilent(now);
    await this.nodeWatch.flush(new Date(now));
  }

  private newRuntime(m: Monitor, saved: MonitorStateRecord | undefined): Runtime {
    const machine: MachineState = saved
      ? { status: saved.status, health: saved.health, since: saved.since, failures: saved.failures, successes: saved.successes, downSince: saved.downSince }
      : initialState(new Date(this.now()));
    const votes = new Map<string, Vote & { slotMs: number }>();
    for (const v of this.carriedVotes(saved?.votes ?? [])) votes.set(v.node, { ...v, slotMs: Date.parse(v.at) });
    const rt: Runtime = {
      monitor: m,
      machine,
      votes,
      lastCheck: saved?.lastCheck ?? null,
      lastPushAt: saved?.lastPushAt ? Date.parse(saved.lastPushAt) : null,
      noData: saved?.noData ?? false,
      round: null,
      lastDecidedSlot: 0,
      maintenance: machine.status === "MAINTENANCE",
      certValidTo: null,
      certWarned: null,
    };
    if (!saved) this.persist(rt);
    return rt;
  }

  /**
   * Which stored votes still count after a restart or a hand-over: our own and the probes'. A
   * vote of the other serving node (the leader a follower took over from, or the follower that
   * handed back) must not linger for its freshness window — that node is not checking any more.
   */
  private carriedVotes(votes: readonly Vote[]): Vote[] {
    const probes = new Set(this.nodes.filter((n) => n.role === "probe").map((n) => n.id));
    return votes.filter((v) => v.node === this.o.node.id || probes.has(v.node));
  }

  private checksLocally(m: Monitor): boolean {
    return (
      this.o.localChecks &&
      !m.paused &&
      CHECKABLE.has(m.type) &&
      (m.regions.length === 0 || m.regions.includes(this.o.node.region))
    );
  }

  private syncSchedule(rt: Runtime, first: boolean): void {
    const m = rt.monitor;
    const want = this.checksLocally(m);
    const key = `${m.interval}|${m.updatedAt}`;
    if (!want) {
      if (this.scheduled.delete(m.id)) this.scheduler.remove(m.id);
      return;
    }
    if (this.scheduled.get(m.id) === key) return;
    this.scheduled.set(m.id, key);
    this.scheduler.upsert({ id: m.id, intervalMs: m.interval * 1000 });
    // A monitor just created, edited or resumed is checked now, then joins its grid: an operator
    // should not wait up to a whole interval (a day, for a daily check) to see whether it works.
    // At start-up the grid alone applies, so a restart does not check everything at once.
    if (!first) this.freshlyScheduled.push(m.id);
  }

  /**
   * Runs the monitors a reload added or changed once now. A bulk apply of thousands would be a
   * burst in front of everyone's grid slots, so beyond a few dozen they are spread over up to
   * 30 s (10 ms each), each at a stable place in that window.
   */
  private checkFreshlyScheduled(): void {
    const ids = this.freshlyScheduled.splice(0);
    if (ids.length === 0) return;
    const now = this.now();
    const windowMs = ids.length <= 50 ? 0 : Math.min(30_000, ids.length * 10);
    for (const id of ids) this.scheduler.runAt(id, now + (windowMs ? slotOffsetMs(id, windowMs) : 0));
  }

  // ---- votes and rounds ----------------------------------------------------------------------

  private async runLocalCheck(id: number, slotMs: number): Promise<void> {
    const rt = this.runtimes.get(id);
    if (!rt || !this.running) return;
    const spec = checkSpecFromMonitor(rt.monitor);
    if (!spec) return;
    const res = await this.runCheck(spec, this.o.checkOptions);
    this.o.metrics.checkDuration.observe({ type: spec.type, node: this.o.node.id }, (res.latencyMs ?? 0) / 1000);
    const cert = "cert" in res.details ? res.details.cert : null;
    this.ingest(this.o.node.id, this.o.node.region, [
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
    if (!res.ok && m.retryInterval && rt.machine.health !== "DOWN" && this.running) {
      this.scheduler.runAt(id, this.now() + m.retryInterval * 1000);
    }
  }

  /**
   * Takes results from one node. Every result is stored; each becomes that node's vote, and a
   * round is decided once every expected node has voted for the slot or its deadline passes.
   */
  ingest(nodeId: string, region: string, results: readonly IncomingResult[]): void {
    const rows = resultRows(nodeId, results);
    this.applyVotes(nodeId, region, results);
    if (rows.length) this.queue.addResults(rows);
  }

  /**
   * A probe's batch, written before it is acknowledged: the probe drops what we accept, so a
   * leader killed a moment later must not lose it. One multi-row insert; replays are skipped by
   * the unique key and counted. With the database away the rows wait in the write queue (and
   * the verdicts go on), as for our own checks; `stored` is then null.
   */
  async ingestDurably(nodeId: string, region: string, results: readonly IncomingResult[]): Promise<{ stored: number | null }> {
    const rows = resultRows(nodeId, results);
    let stored: number | null = null;
    try {
      stored = await insertResults(this.o.db, rows);
    } catch (err) {
      this.o.logger.warn("probe results not written, queued for retry", { nodeId, results: rows.length, error: err instanceof Error ? err.message : String(err) });
      this.queue.addResults(rows);
    }
    this.applyVotes(nodeId, region, results);
    return { stored };
  }

  private applyVotes(nodeId: string, region: string, results: readonly IncomingResult[]): void {
    for (const r of results) {
      const rt = this.runtimes.get(r.monitorId);
      this.o.metrics.checksTotal.inc({ type: rt?.monitor.type ?? "unknown", node: nodeId, result: r.ok ? "up" : "down" });
      if (!rt || rt.monitor.type === "push" || rt.monitor.type === "group") continue;
      const previous = rt.votes.get(nodeId);
      if (previous && previous.slotMs > r.slotMs) continue; // a replayed, older result: stored, not a vote
      rt.votes.set(nodeId, { node: nodeId, region, ok: r.ok, latencyMs: r.latencyMs, error: r.error, at: r.checkedAt, slotMs: r.slotMs });
      rt.lastCheck = { at: r.checkedAt, ok: r.ok, latencyMs: r.latencyMs, error: r.error, node: nodeId };
      if (r.cert) this.noteCert(rt, r.cert);
      this.onVote(rt, r.slotMs);
    }
  }

  private onVote(rt: Runtime, slotMs: number): void {
    if (rt.round && slotMs > rt.round.slotMs) this.decide(rt);
    if (!rt.round && slotMs > rt.lastDecidedSlot) {
      rt.round = { slotMs, deadlineMs: slotMs + rt.monitor.timeout * 1000 + (this.o.settleMs ?? 3000) };
    }
    if (rt.round && this.allVoted(rt)) this.decide(rt);
    else this.persist(rt);
  }

  /** The nodes expected to vote on this monitor: online probes of its regions, and this node. */
  private allVoted(rt: Runtime): boolean {
    const round = rt.round!;
    const m = rt.monitor;
    const expected: string[] = [];
    if (this.checksLocally(m)) expected.push(this.o.node.id);
    for (const n of this.nodes) {
      if (n.role !== "probe" || n.status !== "online") continue;
      if (m.regions.length && !m.regions.includes(n.region)) continue;
      expected.push(n.id);
    }
    if (expected.length === 0) return true;
    return expected.every((id) => (rt.votes.get(id)?.slotMs ?? -Infinity) >= round.slotMs);
  }

  private decide(rt: Runtime): void {
    const round = rt.round;
    if (!round) return;
    rt.round = null;
    rt.lastDecidedSlot = round.slotMs;
    const m = rt.monitor;
    if (m.paused) return;
    const regions = m.regions.length ? m.regions : [...new Set(this.nodes.filter((n) => n.status !== "offline").map((n) => n.region))];
    const verdict = aggregate([...rt.votes.values()], {
      strategy: m.aggregation ?? this.o.strategy,
      intervalS: m.interval,
      now: new Date(this.now()),
      offlineNodes: this.offline,
      expectedRegions: regions,
    });
    if (verdict.outcome === "unknown") {
      if (!rt.noData) {
        rt.noData = true;
        this.o.logger.warn("monitor has no data", { monitorId: m.id, monitor: m.name, regions: verdict.silentRegions });
        this.nodeWatch.noData(m, verdict.silentRegions, new Date(this.now()));
      }
      this.persist(rt);
      return;
    }
    rt.noData = false;
    this.apply(rt, { kind: "round", outcome: verdict.outcome, reason: describeVerdict(verdict) }, verdict.votes);
  }

  // ---- node watch ----------------------------------------------------------------------------

  /**
   * Rounds open only when a vote arrives, so a monitor whose every voter went silent (its probes
   * died) would never be decided. This opens a round for such a monitor once its newest vote is
   * past freshness (plus a margin, so a vote still fresh to aggregate is never counted twice);
   * the verdict is unknown, which flags "no data" and sends one `node` notification.
   */
  private sweepSilent(now: number): void {
    for (const rt of this.runtimes.values()) {
      const m = rt.monitor;
      if (m.paused || !CHECKABLE.has(m.type) || rt.noData || rt.round || rt.maintenance) continue;
      // Votes of offline nodes do not count; with no vote at all, the monitor's age is the clock.
      let newest = rt.votes.size ? -Infinity : Date.parse(m.createdAt);
      for (const v of rt.votes.values()) if (!this.offline.has(v.node)) newest = Math.max(newest, v.slotMs, Date.parse(v.at));
      if (now - newest <= freshnessMs(m.interval) + 15_000) continue;
      rt.round = { slotMs: now, deadlineMs: now };
      this.decide(rt);
    }
  }

  // ---- state -------------------------------------------------------------------------------

  private apply(rt: Runtime, input: MachineInput, votes: Vote[]): void {
    const m = rt.monitor;
    const before = rt.machine;
    const cfg = { retries: m.type === "push" ? 0 : m.retries, recoveryThreshold: m.type === "push" ? 1 : m.recoveryThreshold };
    const { state, transition } = step(before, input, cfg, new Date(this.now()));
    rt.machine = state;
    this.persist(rt);
    if (transition) this.onTransition(rt, before, transition, votes);
  }

  private onTransition(rt: Runtime, before: MachineState, t: Transition, votes: Vote[]): void {
    const m = rt.monitor;
    const at = new Date(this.now());
    const alerts: PlannedAlert[] = [];
    // Maintenance holds back new DOWNs only. An incident's end is never suppressed: `up` goes to
    // exactly the channels that heard its DOWN, so one that began inside a window (never told)
    // stays silent, and one told before the window is resolved — PagerDuty and Opsgenie would
    // otherwise keep it open forever.
    const suppressed: Suppression = rt.maintenance ? "maintenance" : null;
    if (t.healthTo === "DOWN" && t.healthFrom !== "DOWN") {
      alerts.push(this.downAlert(rt, t, votes, at, suppressed));
    } else if (t.from === "MAINTENANCE" && t.to === "DOWN") {
      // Leaving maintenance still DOWN: alert only if this incident was never alerted (it began
      // inside the window); the dedupe key makes an incident alerted before the window a no-op.
      alerts.push(this.downAlert(rt, t, votes, at, null));
    }
    if (t.healthFrom === "DOWN" && t.healthTo === "UP" && before.downSince) {
      alerts.push(planAlert({ monitor: m, event: "up", status: t.to, previousStatus: t.from, reason: t.reason, votes, at, downSince: before.downSince }));
    } else if (before.health === "DOWN" && before.downSince && (t.to === "PAUSED" || t.from === "PAUSED")) {
      // Pausing ends the incident: a resume starts the monitor over, with a new one if it is
      // still broken. Told at the pause, so a monitor paused for good does not leave it open;
      // planned again at the resume for one paused before this rule (the dedupe key makes a repeat nothing).
      const reason = t.to === "PAUSED" ? "paused while DOWN: incident closed" : "resumed: the incident open before the pause is closed";
      alerts.push(planAlert({ monitor: m, event: "up", status: t.to, previousStatus: t.from, reason, votes: [], at, downSince: before.downSince }));
    }
    this.o.logger.info("monitor status changed", { monitorId: m.id, monitor: m.name, from: t.from, to: t.to, reason: t.reason, alerts: alerts.filter((a) => !a.suppressed).length });
    this.queue.addStateChange({ monitorId: m.id, change: { from: t.from, to: t.to, reason: t.reason, votes, at }, alerts });
    if (t.from !== t.to) for (const g of this.ancestors.get(m.id) ?? []) {
      const group = this.runtimes.get(g);
      if (group) this.updateGroup(group);
    }
  }

  private downAlert(rt: Runtime, t: Transition, votes: Vote[], at: Date, suppressed: Suppression): PlannedAlert {
    const m = rt.monitor;
    const children = m.type === "group" ? this.brokenChildren(m.id) : undefined;
    const coveredBy = this.alertingAncestors(m.id);
    return {
      ...planAlert({ monitor: m, event: "down", status: t.to, previousStatus: t.from, reason: t.reason, votes, at, downSince: rt.machine.downSince ?? at.toISOString(), suppressed, ...(children ? { children } : {}) }),
      ...(coveredBy.length ? { coveredBy } : {}),
    };
  }

  /**
   * The ancestor groups whose one alert tells a child's DOWN (those neither paused nor in
   * maintenance). Which channels that alert really reaches is decided when the outbox is
   * written: only those are spared the child's own alert, so a group without channels hides nothing.
   */
  private alertingAncestors(id: number): number[] {
    return (this.ancestors.get(id) ?? []).filter((g) => {
      const rt = this.runtimes.get(g);
      return !!rt && !rt.monitor.paused && !rt.maintenance;
    });
  }

  /**
   * A monitor deleted while DOWN: the channels told about its incident hear it is closed. Written
   * here, not through the queue, which skips writes of monitors that no longer exist; the row
   * names no monitor for the same reason (the message still does).
   */
  private async closeDeletedIncidents(gone: readonly Runtime[]): Promise<void> {
    const at = new Date(this.now());
    const alerts = gone
      .filter((rt) => rt.machine.health === "DOWN" && rt.machine.downSince)
      .map((rt): PlannedAlert => {
        const a = planAlert({ monitor: rt.monitor, event: "up", status: rt.machine.status, previousStatus: rt.machine.status, reason: "monitor deleted while DOWN: incident closed", votes: [], at, downSince: rt.machine.downSince! });
        return { ...a, monitorId: null, message: { ...a.message, status: null } };
      });
    if (alerts.length === 0) return;
    const epoch = this.o.epoch();
    await this.o.db.transaction().execute(async (tx) => {
      for (const a of alerts) await enqueueAlert(tx, a, epoch, at);
    });
    this.o.logger.info("incidents of deleted monitors closed", { monitors: alerts.map((a) => a.message.monitor?.name) });
  }

  private brokenChildren(groupId: number): Array<{ name: string; status: Status }> {
    const out: Array<{ name: string; status: Status }> = [];
    for (const id of this.children.get(groupId) ?? []) {
      const c = this.runtimes.get(id);
      if (c && (c.machine.status === "DOWN" || c.machine.status === "LATE")) out.push({ name: c.monitor.name, status: c.machine.status });
    }
    return out;
  }

  /** A group's status is the worst of its children's; it changes only when they do. */
  private updateGroup(rt: Runtime): void {
    if (rt.monitor.paused || rt.maintenance) return;
    const kids = (this.children.get(rt.monitor.id) ?? []).map((id) => this.runtimes.get(id)).filter((c): c is Runtime => !!c);
    const status = groupStatus(kids.map((c) => ({ status: c.monitor.paused ? "PAUSED" : c.machine.status })));
    const before = rt.machine;
    if (status === before.status) return;
    const now = new Date(this.now()).toISOString();
    const health = healthOf(status);
    rt.machine = {
      status,
      health,
      since: now,
      failures: health === "DOWN" ? before.failures + 1 : 0,
      successes: health === "UP" ? before.successes + 1 : 0,
      downSince: health === "DOWN" ? (before.downSince ?? now) : null,
    };
    this.persist(rt);
    const broken = this.brokenChildren(rt.monitor.id);
    const reason = broken.length ? `${broken.length} of ${kids.length} children failing: ${broken.map((c) => `${c.name} ${c.status}`).join(", ")}` : `children: ${status}`;
    this.onTransition(rt, before, { from: before.status, to: status, healthFrom: before.health, healthTo: health, reason }, []);
  }

  private persist(rt: Runtime): void {
    const s = rt.machine;
    this.queue.saveState({
      monitorId: rt.monitor.id,
      status: s.status,
      health: s.health,
      since: s.since,
      failures: s.failures,
      successes: s.successes,
      lastCheck: rt.lastCheck,
      votes: [...rt.votes.values()].map(({ slotMs: _slot, ...v }) => v),
      lastPushAt: rt.lastPushAt === null ? null : new Date(rt.lastPushAt).toISOString(),
      downSince: s.downSince,
      noData: rt.noData,
    });
  }

  /**
   * Warns once per certificate when its days left fall below the monitor's threshold — on
   * whichever check first sees it inside, not only when a new certificate appears (one seen at
   * 30 days left must warn when it reaches 13). Days are counted on our clock, whoever checked.
   * In maintenance nothing is planned, so the warning comes after the window if still due. The
   * dedupe key (monitor, certificate expiry, channel) keeps it to one across restarts.
   */
  private noteCert(rt: Runtime, cert: { validTo: string; daysLeft: number; expiringSoon: boolean }): void {
    rt.certValidTo = cert.validTo;
    const validTo = Date.parse(cert.validTo);
    if (!Number.isFinite(validTo) || rt.certWarned === cert.validTo || rt.maintenance) return;
    const daysLeft = Math.floor((validTo - this.now()) / 86_400_000);
    if (daysLeft >= rt.monitor.certExpiryDays) return;
    rt.certWarned = cert.validTo;
    const at = new Date(this.now());
    this.queue.addStateChange({
      monitorId: rt.monitor.id,
      change: null,
      alerts: [
        planAlert({
          monitor: rt.monitor,
          event: "cert",
          status: rt.machine.status,
          previousStatus: null,
          reason: `certificate expires in ${daysLeft} days (${cert.validTo})`,
          votes: [],
          at,
          downSince: cert.validTo,
          cert: { validTo: cert.validTo, daysLeft },
          discriminator: `cert-${Date.parse(cert.validTo)}`,
        }),
      ],
    });
  }

  // ---- push ---------------------------------------------------------------------------------

  /** A heartbeat from a push monitor; false when no monitor has that token. */
  push(token: string, report: { down: boolean; message: string | null }): { found: boolean; monitorId?: number } {
    const rt = [...this.runtimes.values()].find((r) => r.monitor.type === "push" && r.monitor.token === token);
    if (!rt) return { found: false };
    const now = this.now();
    rt.lastPushAt = now;
    if (rt.monitor.paused) {
      this.persist(rt);
      return { found: true, monitorId: rt.monitor.id };
    }
    const at = new Date(now).toISOString();
    const error: CheckError | null = report.down ? { code: "PROTOCOL", message: report.message ?? "push reported down" } : null;
    const vote: Vote = { node: this.o.node.id, region: this.o.node.region, ok: !report.down, latencyMs: null, error, at };
    rt.votes = new Map([[vote.node, { ...vote, slotMs: now }]]);
    rt.lastCheck = { at, ok: !report.down, latencyMs: null, error, node: this.o.node.id };
    this.queue.addResults([{ monitorId: rt.monitor.id, nodeId: this.o.node.id, slot: new Date(now), checkedAt: new Date(now), ok: !report.down, latencyMs: null, statusCode: null, errorCode: error?.code ?? null, errorMessage: error?.message ?? null }]);
    const reason = report.down ? `push reported down${report.message ? `: ${report.message}` : ""}` : "push received";
    this.apply(rt, { kind: "round", outcome: report.down ? "down" : "up", reason }, [vote]);
    return { found: true, monitorId: rt.monitor.id };
  }

  // ---- the ticker ---------------------------------------------------------------------------

  private tick(): void {
    if (!this.running) return;
    const now = this.now();
    try {
      for (const rt of this.runtimes.values()) {
        if (rt.round && now >= rt.round.deadlineMs) this.decide(rt);
        if (rt.monitor.type === "push") this.checkPushDeadline(rt, now);
      }
      if (now - this.lastMaintenanceTick >= 1000) {
        this.lastMaintenanceTick = now;
        this.updateMaintenance(now);
      }
      if (now - this.lastReminderTick >= 30_000) {
        this.lastReminderTick = now;
        this.planReminders(now);
      }
    } catch (err) {
      this.o.logger.error("engine tick failed", { error: err });
    }
  }

  private checkPushDeadline(rt: Runtime, now: number): void {
    const m = rt.monitor;
    if (m.paused) return;
    // A job's pushes go nowhere while no node serves (leader restarting, follower taking over):
    // it gets a full interval and grace from when we began listening before it is called late.
    const base = Math.max(rt.lastPushAt ?? Date.parse(m.createdAt), this.servingSince);
    const age = now - base;
    const grace = (m.grace ?? Math.max(m.interval / 2, 60)) * 1000;
    const never = rt.lastPushAt === null;
    if (age > m.interval * 1000 + grace) {
      if (rt.machine.health !== "DOWN") {
        const reason = never ? `no push received since the monitor was created ${formatDuration(now - Date.parse(m.createdAt))} ago` : `no push for ${formatDuration(now - rt.lastPushAt!)}`;
        this.apply(rt, { kind: "round", outcome: "down", reason }, []);
      }
    } else if (age > m.interval * 1000 && rt.machine.status !== "LATE" && rt.machine.health !== "DOWN") {
      this.apply(rt, { kind: "late", reason: `no push for ${formatDuration(now - (rt.lastPushAt ?? Date.parse(m.createdAt)))}` }, []);
    }
  }

  private updateMaintenance(now: number): void {
    const date = new Date(now);
    for (const rt of this.runtimes.values()) {
      const active = activeMaintenance(this.windows, rt.monitor.id, this.ancestors.get(rt.monitor.id) ?? [], date) !== null;
      if (active === rt.maintenance) continue;
      rt.maintenance = active;
      this.o.logger.info(active ? "maintenance started" : "maintenance ended", { monitorId: rt.monitor.id, monitor: rt.monitor.name });
      this.apply(rt, { kind: "maintenance", active }, []);
      if (!active && rt.monitor.type === "group") this.updateGroup(rt);
    }
  }

  private planReminders(now: number): void {
    const at = new Date(now);
    for (const rt of this.runtimes.values()) {
      if (rt.machine.status !== "DOWN" || !rt.machine.downSince || rt.maintenance) continue;
      this.queue.addStateChange({
        monitorId: rt.monitor.id,
        change: null,
        alerts: [
          planAlert({ monitor: rt.monitor, event: "reminder", status: "DOWN", previousStatus: "DOWN", reason: `still DOWN for ${formatDuration(now - Date.parse(rt.machine.downSince))}`, votes: [...rt.votes.values()], at, downSince: rt.machine.downSince }),
        ],
      });
    }
  }

  private metricsSource(): MetricsSource {
    return {
      monitors: () => this.snapshot(),
      nodes: () => this.nodes,
      writeQueueDepth: () => {
        const s = this.queue.stats();
        return s.results + s.critical + s.states;
      },
      role: () => ({ role: this.o.node.role, state: "active", epoch: this.o.epoch() }),
    };
  }
}

function resultRows(nodeId: string, results: readonly IncomingResult[]): ResultRow[] {
  return results.map((r) => ({
    monitorId: r.monitorId,
    nodeId,
    slot: new Date(r.slotMs),
    checkedAt: new Date(r.checkedAt),
    ok: r.ok,
    latencyMs: r.latencyMs,
    statusCode: r.statusCode,
    errorCode: r.error?.code ?? null,
    errorMessage: r.error?.message ?? null,
  }));
}
