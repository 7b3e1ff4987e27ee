import { pushDeadlineInput } from "@uptop/aggregation";
import type { CheckError, Vote } from "@uptop/core";
import type { MonitorRuntime } from "./monitor-runtime.js";
import type { Transitions } from "./transitions.js";
import type { WriteQueue } from "./write-queue.js";

export interface PushOutcome {
  found: boolean;
  monitorId?: number;
}

export interface PushDeadlinesOptions {
  runtimes: ReadonlyMap<number, MonitorRuntime>;
  node: { id: string; region: string };
  transitions: Transitions;
  queue: WriteQueue;
  now: () => number;
}

/** Push monitors: a heartbeat is a round, and silence past the interval (and grace) is LATE, then DOWN. */
export class PushDeadlines {
  /** When this node began serving: pushes sent while no node listened do not count against a job. */
  private servingSinceMs = 0;
  /** Push token → monitor id, rebuilt when the monitors are: a push never scans them all. */
  private byToken = new Map<string, number>();

  constructor(private readonly o: PushDeadlinesOptions) {}

  start(): void {
    this.servingSinceMs = this.o.now();
  }

  /** Learns the push tokens of the monitors now loaded. */
  index(): void {
    this.byToken = new Map();
    for (const rt of this.o.runtimes.values())
      if (rt.monitor.type === "push" && rt.monitor.token) this.byToken.set(rt.monitor.token, rt.monitor.id);
  }

  /** A heartbeat from a push monitor; `found` is false when no monitor has that token. */
  push(token: string, report: { down: boolean; message: string | null }): PushOutcome {
    const id = this.byToken.get(token);
    const rt = id === undefined ? undefined : this.o.runtimes.get(id);
    if (rt?.monitor.type !== "push" || rt.monitor.token !== token) return { found: false };
    const now = this.o.now();
    const { id: nodeId, region } = this.o.node;
    rt.lastPushAt = now;
    if (rt.monitor.paused) {
      this.o.transitions.persist(rt);
      return { found: true, monitorId: rt.monitor.id };
    }
    const at = new Date(now).toISOString();
    const ok = !report.down;
    const error: CheckError | null = ok ? null : { code: "PROTOCOL", message: report.message ?? "push reported down" };
    const vote: Vote = { node: nodeId, region, ok, latencyMs: null, error, at };
    rt.votes = new Map([[nodeId, { ...vote, slotMs: now }]]);
    rt.lastCheck = { at, ok, latencyMs: null, error, node: nodeId };
    this.o.queue.addResults([
      {
        monitorId: rt.monitor.id,
        nodeId,
        slot: new Date(now),
        checkedAt: new Date(now),
        ok,
        latencyMs: null,
        statusCode: null,
        errorCode: error?.code ?? null,
        errorMessage: error?.message ?? null,
      },
    ]);
    const reason = ok ? "push received" : `push reported down${report.message ? `: ${report.message}` : ""}`;
    this.o.transitions.apply(rt, { kind: "round", outcome: ok ? "up" : "down", reason }, [vote]);
    return { found: true, monitorId: rt.monitor.id };
  }

  /** The ticker's part: calls silent jobs LATE or DOWN. */
  check(now: number): void {
    for (const rt of this.o.runtimes.values()) {
      const m = rt.monitor;
      if (m.type !== "push" || m.paused) continue;
      const clock = {
        intervalS: m.interval,
        graceS: m.grace,
        createdAtMs: Date.parse(m.createdAt),
        lastPushAtMs: rt.lastPushAt,
        servingSinceMs: this.servingSinceMs,
      };
      const input = pushDeadlineInput(rt.machine, clock, now);
      if (input) this.o.transitions.apply(rt, input, []);
    }
  }
}
