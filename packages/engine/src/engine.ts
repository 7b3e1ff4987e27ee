import type { WindowSpec } from "@uptop/aggregation";
import { runCheck as defaultRunCheck } from "@uptop/checks";
import { errorMessage, type CheckReport, type NodeInfo, type ReplicaEntry } from "@uptop/core";
import {
  getMonitorStates,
  inTransaction,
  listMonitors,
  listNodes,
  listWindowSpecs,
  monitorsVersion,
  openIncidents,
  replicaOfOutboxRow,
  touchNode,
  type MonitorStateRecord,
  type OutboxRow,
} from "@uptop/store";
import { GroupTree } from "./groups.js";
import type { MetricsSource } from "./metrics.js";
import { adoptSaved, carriedVotes, newRuntime, type MonitorRuntime, type MonitorSnapshot } from "./monitor-runtime.js";
import { NodeWatch } from "./node-watch.js";
import { enqueueAlert } from "./outbox-writer.js";
import { PushDeadlines, type PushOutcome } from "./push-deadlines.js";
import { resultRows, Rounds, type ClusterView } from "./rounds.js";
import { LocalSchedule } from "./schedule.js";
import { closingAlertsOfDeleted, Transitions } from "./transitions.js";
import { WriteQueue } from "./write-queue.js";
import type { EngineOptions } from "./engine-options.js";

/** How far back an incident left open by a hand-back is still closed (older ones are history). */
const INCIDENT_LOOKBACK_MS = 30 * 86_400_000;

/**
 * The work of an active node, in rooms: the schedule runs this node's own checks, rounds turn
 * every node's votes into verdicts, transitions move the state machines and plan their alerts,
 * push deadlines watch heartbeats, and the write queue is the one way to the database. The
 * engine itself loads the monitors, runs the ticker and answers the serving node.
 */
export class Engine {
  private readonly runtimes = new Map<number, MonitorRuntime>();
  private readonly queue: WriteQueue;
  private readonly now: () => number;
  private readonly nodeWatch: NodeWatch;
  private readonly schedule: LocalSchedule;
  private readonly transitions: Transitions;
  private readonly rounds: Rounds;
  private readonly pushes: PushDeadlines;
  private tree = new GroupTree([]);
  private windows: WindowSpec[] = [];
  private cluster: ClusterView & { nodes: NodeInfo[] } = { nodes: [], offline: new Set() };
  private timers: NodeJS.Timeout[] = [];
  private reloadTimer: NodeJS.Timeout | null = null;
  private reloading: Promise<void> | null = null;
  /**
   * Settled once the reload that loads the latest `notifyChange` has run: until then a push to a
   * token we do not know may be to a monitor just created, and waits for it.
   */
  private changeLoaded: { promise: Promise<void>; settle: () => void } | null = null;
  private running = false;
  private lastMaintenanceTick = 0;
  private lastReminderTick = 0;
  private monitorsVersion = "";
  private readonly replicate: (rows: OutboxRow[]) => void;

  constructor(private readonly o: EngineOptions) {
    this.now = o.now ?? Date.now;
    const now = this.now;
    const { db, logger, metrics, node } = o;
    const replicate = (rows: OutboxRow[]) =>
      o.replication?.append(rows.map((row) => ({ kind: "outbox", row: replicaOfOutboxRow(row) })));
    this.nodeWatch = new NodeWatch({
      db,
      logger,
      selfId: node.id,
      epoch: o.epoch,
      onCommitted: replicate,
      onTransition: (t) =>
        o.events?.publish({
          type: "node",
          at: new Date(now()).toISOString(),
          nodeId: t.node.id,
          name: t.node.name,
          region: t.node.region,
          role: t.node.role,
          status: t.to,
        }),
    });
    this.replicate = replicate;
    this.queue = new WriteQueue({
      db,
      logger,
      nodeId: node.id,
      epoch: o.epoch,
      now,
      ...o.writeQueue,
      onBatch: (kind, size) => {
        // winston formats (timestamp, redaction, JSON) before it filters by level: a debug line
        // per batch at level info is garbage for nothing unless we ask first.
        if (logger.isDebugEnabled()) logger.debug("write batch", { kind, size });
        o.writeQueue?.onBatch?.(kind, size);
      },
      onDrop: (count) => metrics.droppedResults.inc(count),
      onRejected: (kind, outcome) => metrics.writeRejected.inc({ kind, outcome }),
      onCommitted: (entries) => {
        o.replication?.append(entries);
        this.publishTransitions(entries);
      },
    });
    const runtimes = this.runtimes;
    this.transitions = new Transitions({ runtimes, tree: () => this.tree, queue: this.queue, logger, now });
    this.schedule = new LocalSchedule({
      runtimes,
      node,
      localChecks: o.localChecks,
      runCheck: o.runCheck ?? defaultRunCheck,
      checkOptions: o.checkOptions,
      concurrency: o.concurrency ?? 100,
      logger,
      metrics,
      now,
      report: (results) => this.ingest(node.id, node.region, results),
      running: () => this.running,
    });
    metrics.schedulerLagNow = () => this.schedule.stats().lagMs;
    this.rounds = new Rounds({
      runtimes,
      cluster: () => this.cluster,
      selfId: node.id,
      strategy: o.strategy,
      checksLocally: (m) => this.schedule.checksLocally(m),
      settleMs: o.settleMs ?? 3000,
      transitions: this.transitions,
      nodeWatch: this.nodeWatch,
      metrics,
      logger,
      now,
    });
    this.pushes = new PushDeadlines({ runtimes, node, transitions: this.transitions, queue: this.queue, now });
  }

  async start(): Promise<void> {
    this.running = true;
    this.pushes.start();
    await this.reload(true);
    this.schedule.start();
    if (this.o.checkOverdueOnStart) this.schedule.checkOverdue();
    this.queue.start();
    await this.closeSupersededIncidents();
    const tick = setInterval(() => this.tick(), this.o.tickMs ?? 250);
    const refresh = setInterval(
      () => void this.reload(false).catch((err: unknown) => this.reloadFailed(err)),
      this.o.refreshMs ?? 10_000,
    );
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
    this.reloadTimer = null;
    this.changeLoaded?.settle();
    this.changeLoaded = null;
    await this.schedule.stop();
    await this.reloading?.catch(() => {});
    for (const rt of this.runtimes.values()) this.transitions.persist(rt);
    await this.queue.stop();
    this.o.metrics.bind(null);
  }

  /** Something changed in the database (API edit, config apply): re-read soon, coalescing bursts. */
  notifyChange(): void {
    if (!this.running) return;
    if (!this.changeLoaded) {
      let settle = () => {};
      const promise = new Promise<void>((resolve) => {
        settle = resolve;
      });
      this.changeLoaded = { promise, settle };
    }
    if (this.reloadTimer) return;
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = null;
      // Changes notified from here on need a reload that starts after them: the next timer's.
      const loaded = this.changeLoaded;
      this.changeLoaded = null;
      void this.reload(false, true)
        .catch((err: unknown) => this.reloadFailed(err))
        .finally(() => loaded?.settle());
    }, 50);
  }

  /** Runs a monitor's check now, off its grid; false when this node does not check it. */
  checkNow(id: number): boolean {
    return this.schedule.checkNow(id);
  }

  writeStats() {
    return this.queue.stats();
  }

  /** This node's own checking: in flight, queued for a slot, skipped, and its lag behind the slots. */
  schedulerStats() {
    return this.schedule.stats();
  }

  /** Current verdicts, for the API and metrics (the database copy may lag by a flush). */
  snapshot(): MonitorSnapshot[] {
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
      if (rt) adoptSaved(rt, saved, carriedVotes(saved.votes, this.o.node.id, this.cluster.nodes));
    }
    this.o.logger.info("verdicts reloaded", { monitors: states.size });
    await this.closeSupersededIncidents();
  }

  /** Incidents this node alerted that the verdicts (merged from a hand-back) no longer continue. */
  private async closeSupersededIncidents(): Promise<void> {
    const open = await openIncidents(this.o.db, new Date(this.now() - INCIDENT_LOOKBACK_MS));
    if (this.transitions.closeSuperseded(open)) await this.queue.flush();
  }

  /** Flushes pending writes now (tests, shutdown, handback). */
  flush(): Promise<void> {
    return this.queue.flush();
  }

  /** Takes results from one node: every result is stored, and each is that node's vote. */
  ingest(nodeId: string, region: string, results: readonly CheckReport[]): void {
    const rows = resultRows(nodeId, results);
    this.rounds.applyVotes(nodeId, region, results);
    if (rows.length) this.queue.addResults(rows);
    this.publishChecks(nodeId, region, results);
  }

  /**
   * A probe's batch, written before it is acknowledged: the probe drops what we accept, so a
   * leader killed a moment later must not lose it. One multi-row insert; replays are skipped by
   * the unique key and counted, and a row the database refuses is set apart (repaired or
   * dropped) while the rest are stored. With the database away the rows wait in the write queue
   * (and the verdicts go on), as for our own checks; `stored` is then null.
   */
  async ingestDurably(
    nodeId: string,
    region: string,
    results: readonly CheckReport[],
  ): Promise<{ stored: number | null }> {
    const rows = resultRows(nodeId, results);
    let stored: number | null = null;
    try {
      stored = await this.queue.writeResults(rows);
    } catch (err) {
      // Rows written before the failure are queued again too: the unique key makes that a no-op.
      this.o.logger.warn("probe results not written, queued for retry", {
        nodeId,
        results: rows.length,
        error: errorMessage(err),
      });
      this.queue.addResults(rows);
    }
    this.rounds.applyVotes(nodeId, region, results);
    this.publishChecks(nodeId, region, results);
    return { stored };
  }

  /** Every vote taken, for the live stream; a result later dropped by a long outage was still seen. */
  private publishChecks(nodeId: string, region: string, results: readonly CheckReport[]): void {
    const events = this.o.events;
    if (!events) return;
    for (const r of results) {
      events.publish({
        type: "check",
        at: r.checkedAt,
        monitorId: r.monitorId,
        nodeId,
        region,
        ok: r.ok,
        latencyMs: r.latencyMs,
        error: r.error?.message ?? null,
      });
    }
  }

  /** Transitions, once their transaction committed: the same moment the follower's feed learns them. */
  private publishTransitions(entries: readonly ReplicaEntry[]): void {
    const events = this.o.events;
    if (!events) return;
    for (const e of entries) {
      if (e.kind !== "change") continue;
      const c = e.change;
      events.publish({
        type: "status",
        at: c.at,
        monitorId: c.monitorId,
        name: this.runtimes.get(c.monitorId)?.monitor.name ?? `monitor ${c.monitorId}`,
        from: c.from,
        to: c.to,
        reason: c.reason,
      });
    }
  }

  /**
   * A heartbeat from a push monitor; `found` is false when no monitor has that token. A token we
   * do not know waits only while a change made through this node (a create, an import, a new
   * token) is not loaded yet, then is looked up once more; otherwise it is unknown at once, so a
   * flood of made-up tokens costs a map lookup each and never a database query.
   */
  push(token: string, report: { down: boolean; message: string | null }): PushOutcome | Promise<PushOutcome> {
    const outcome = this.pushes.push(token, report);
    if (outcome.found || !this.changeLoaded) return outcome;
    return this.changeLoaded.promise.then(() => this.pushes.push(token, report));
  }

  private reloadFailed(err: unknown): void {
    this.o.logger.warn("reload failed", { error: err });
  }

  private reload(first: boolean, force = false): Promise<void> {
    if (this.reloading) return this.reloading.then(() => (first ? undefined : this.reload(false, force)));
    this.reloading = this.reloadOnce(first, force).finally(() => {
      this.reloading = null;
    });
    return this.reloading;
  }

  private async reloadOnce(first: boolean, force: boolean): Promise<void> {
    const { db, node } = this.o;
    const now = new Date(this.now());
    await touchNode(
      db,
      { id: node.id, name: node.name, region: node.region, version: node.version, role: node.role },
      now,
    );
    this.windows = await listWindowSpecs(db);
    const nodes = await listNodes(db, now);
    this.cluster = { nodes, offline: new Set(nodes.filter((n) => n.status === "offline").map((n) => n.id)) };
    // The periodic reload re-reads monitors only when they changed: rebuilding 10 000 monitor
    // objects every 10 s for nothing is most of an idle leader's CPU and garbage.
    const version = await monitorsVersion(db);
    if (!first && !force && version === this.monitorsVersion) return this.afterReload();
    this.monitorsVersion = version;
    const monitors = await listMonitors(db, this.o.box);
    const states = first ? await getMonitorStates(db) : new Map<number, MonitorStateRecord>();
    this.tree = new GroupTree(monitors);

    const seen = new Set<number>();
    for (const m of monitors) {
      seen.add(m.id);
      let rt = this.runtimes.get(m.id);
      if (rt) rt.monitor = m;
      else {
        const saved = states.get(m.id);
        rt = newRuntime(m, saved, carriedVotes(saved?.votes ?? [], node.id, nodes), now);
        this.runtimes.set(m.id, rt);
        if (!saved) this.transitions.persist(rt);
      }
      const paused = rt.machine.status === "PAUSED";
      if (m.paused && !paused) this.transitions.apply(rt, { kind: "pause" }, []);
      else if (!m.paused && paused) this.transitions.apply(rt, { kind: "resume" }, []);
      this.schedule.sync(m, first);
    }
    this.schedule.checkFresh();
    // Before the runtimes go: if writing fails, the next reload still knows the open incidents.
    await this.closeDeletedIncidents([...this.runtimes.values()].filter((rt) => !seen.has(rt.monitor.id)));
    for (const id of this.runtimes.keys()) {
      if (seen.has(id)) continue;
      this.runtimes.delete(id);
      this.queue.forget(id);
      this.schedule.remove(id);
    }
    for (const rt of this.runtimes.values()) if (rt.monitor.type === "group") this.transitions.refreshGroup(rt);
    this.pushes.index();
    await this.afterReload();
  }

  /** What every reload does, whether or not the monitors changed: node states and silent rounds. */
  private async afterReload(): Promise<void> {
    const now = this.now();
    this.nodeWatch.observe(this.cluster.nodes, new Date(now));
    this.rounds.sweepSilent(now);
    await this.nodeWatch.flush(new Date(now));
  }

  /**
   * Written here, not through the queue, which skips writes of monitors that no longer exist.
   */
  private async closeDeletedIncidents(gone: readonly MonitorRuntime[]): Promise<void> {
    const at = new Date(this.now());
    const alerts = closingAlertsOfDeleted(gone, at);
    if (alerts.length === 0) return;
    const epoch = this.o.epoch();
    const rows = await inTransaction(this.o.db, async (tx) => {
      const written: OutboxRow[] = [];
      for (const a of alerts) written.push(...(await enqueueAlert(tx, a, epoch, at)));
      return written;
    });
    this.replicate(rows);
    this.o.logger.info("incidents of deleted monitors closed", {
      monitors: alerts.map((a) => a.message.monitor?.name),
    });
  }

  private tick(): void {
    if (!this.running) return;
    const now = this.now();
    try {
      this.rounds.decideDue(now);
      this.pushes.check(now);
      if (now - this.lastMaintenanceTick >= 1000) {
        this.lastMaintenanceTick = now;
        this.transitions.updateMaintenance(this.windows, new Date(now));
      }
      if (now - this.lastReminderTick >= 30_000) {
        this.lastReminderTick = now;
        this.transitions.planReminders(new Date(now));
      }
    } catch (err) {
      this.o.logger.error("engine tick failed", { error: err });
    }
  }

  private metricsSource(): MetricsSource {
    return {
      monitors: () => this.snapshot(),
      nodes: () => this.cluster.nodes,
      writeQueueDepth: () => {
        const s = this.queue.stats();
        return s.results + s.critical + s.states;
      },
      role: () => ({ role: this.o.node.role, state: "active", epoch: this.o.epoch() }),
    };
  }
}
