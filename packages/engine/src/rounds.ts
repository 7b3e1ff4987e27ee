import { aggregate, describeVerdict, freshnessMs } from "@uptop/aggregation";
import type { AggregationStrategy, CheckReport, Logger, Monitor, NodeInfo } from "@uptop/core";
import type { ResultRow } from "@uptop/store";
import type { EngineMetrics } from "./metrics.js";
import { CHECKABLE, type MonitorRuntime } from "./monitor-runtime.js";
import type { NodeWatch } from "./node-watch.js";
import type { Transitions } from "./transitions.js";

export function resultRows(nodeId: string, results: readonly CheckReport[]): ResultRow[] {
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

/** The cluster as the last reload saw it. */
export interface ClusterView {
  nodes: readonly NodeInfo[];
  offline: ReadonlySet<string>;
}

export interface RoundsOptions {
  runtimes: ReadonlyMap<number, MonitorRuntime>;
  cluster: () => ClusterView;
  selfId: string;
  strategy: AggregationStrategy;
  /** Whether this node votes on a monitor itself. */
  checksLocally: (m: Monitor) => boolean;
  /** How long after a slot's timeout a round waits for late votes before it is decided. */
  settleMs: number;
  transitions: Transitions;
  nodeWatch: NodeWatch;
  metrics: EngineMetrics;
  logger: Logger;
  now: () => number;
}

/**
 * Votes into verdicts: each result is its node's vote, and a monitor's round is decided once
 * every expected node has voted for the slot or the round's deadline passes.
 */
export class Rounds {
  constructor(private readonly o: RoundsOptions) {}

  applyVotes(nodeId: string, region: string, results: readonly CheckReport[]): void {
    for (const r of results) {
      const rt = this.o.runtimes.get(r.monitorId);
      this.o.metrics.checksTotal.inc({
        type: rt?.monitor.type ?? "unknown",
        node: nodeId,
        result: r.ok ? "up" : "down",
      });
      if (!rt || rt.monitor.type === "push" || rt.monitor.type === "group") continue;
      const previous = rt.votes.get(nodeId);
      if (previous && previous.slotMs > r.slotMs) continue; // a replayed, older result: stored, not a vote
      const vote = { node: nodeId, region, ok: r.ok, latencyMs: r.latencyMs, error: r.error, at: r.checkedAt };
      rt.votes.set(nodeId, { ...vote, slotMs: r.slotMs });
      const certValidTo = r.cert?.validTo ?? rt.lastCheck?.certValidTo ?? null;
      rt.lastCheck = { at: r.checkedAt, ok: r.ok, latencyMs: r.latencyMs, error: r.error, node: nodeId, certValidTo };
      if (r.cert) this.o.transitions.noteCert(rt, r.cert.validTo);
      this.onVote(rt, r.slotMs);
    }
  }

  /** The ticker's part: decides every round whose deadline has passed. */
  decideDue(now: number): void {
    for (const rt of this.o.runtimes.values()) if (rt.round && now >= rt.round.deadlineMs) this.decide(rt);
  }

  /**
   * Rounds open only when a vote arrives, so a monitor whose every voter went silent (its probes
   * died) would never be decided. This opens a round for such a monitor once its newest vote is
   * past freshness (plus a margin, so a vote still fresh to aggregate is never counted twice);
   * the verdict is unknown, which flags "no data" and sends one `node` notification.
   */
  sweepSilent(now: number): void {
    const { offline } = this.o.cluster();
    for (const rt of this.o.runtimes.values()) {
      const m = rt.monitor;
      if (m.paused || !CHECKABLE.has(m.type) || rt.noData || rt.round || rt.maintenance) continue;
      // Votes of offline nodes do not count; with no vote at all, the monitor's age is the clock.
      let newest = rt.votes.size ? -Infinity : Date.parse(m.createdAt);
      for (const v of rt.votes.values())
        if (!offline.has(v.node)) newest = Math.max(newest, v.slotMs, Date.parse(v.at));
      if (now - newest <= freshnessMs(m.interval) + 15_000) continue;
      rt.round = { slotMs: now, deadlineMs: now };
      this.decide(rt);
    }
  }

  private onVote(rt: MonitorRuntime, slotMs: number): void {
    if (rt.round && slotMs > rt.round.slotMs) this.decide(rt);
    if (!rt.round && slotMs > rt.lastDecidedSlot) {
      rt.round = { slotMs, deadlineMs: slotMs + rt.monitor.timeout * 1000 + this.o.settleMs };
    }
    if (rt.round && this.allVoted(rt, rt.round.slotMs)) this.decide(rt);
    else this.o.transitions.persist(rt);
  }

  /** The nodes expected to vote on this monitor: online probes of its regions, and this node. */
  private allVoted(rt: MonitorRuntime, slotMs: number): boolean {
    const m = rt.monitor;
    const expected: string[] = [];
    if (this.o.checksLocally(m)) expected.push(this.o.selfId);
    for (const n of this.o.cluster().nodes) {
      if (n.role !== "probe" || n.status !== "online") continue;
      if (m.regions.length && !m.regions.includes(n.region)) continue;
      expected.push(n.id);
    }
    return expected.every((id) => (rt.votes.get(id)?.slotMs ?? -Infinity) >= slotMs);
  }

  private decide(rt: MonitorRuntime): void {
    const round = rt.round;
    if (!round) return;
    rt.round = null;
    rt.lastDecidedSlot = round.slotMs;
    const m = rt.monitor;
    if (m.paused) return;
    const { nodes, offline } = this.o.cluster();
    const regions = m.regions.length
      ? m.regions
      : [...new Set(nodes.filter((n) => n.status !== "offline").map((n) => n.region))];
    const now = new Date(this.o.now());
    const verdict = aggregate([...rt.votes.values()], {
      strategy: m.aggregation ?? this.o.strategy,
      intervalS: m.interval,
      now,
      offlineNodes: offline,
      expectedRegions: regions,
    });
    if (verdict.outcome === "unknown") {
      if (!rt.noData) {
        rt.noData = true;
        this.o.logger.warn("monitor has no data", { monitorId: m.id, monitor: m.name, regions: verdict.silentRegions });
        this.o.nodeWatch.noData(m, verdict.silentRegions, now);
      }
      this.o.transitions.persist(rt);
      return;
    }
    rt.noData = false;
    this.o.transitions.apply(
      rt,
      { kind: "round", outcome: verdict.outcome, reason: describeVerdict(verdict) },
      verdict.votes,
    );
  }
}
