import { pushDeadlineInput } from "@uptop/aggregation";
import type { CheckError, Vote } from "@uptop/core";
import type { MonitorRuntime } from "./monitor-runtime.js";
import type { Transitions } from "./transitions.js";
import type { WriteQueue } from "./write-queue.js";

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

  constructor(private readonly o: PushDeadlinesOptions) {}

  start(): void {
    this.servingSinceMs = this.o.now();
  }

  /** A heartbeat from a push monitor; `found` is false when no monitor has that token. */
  push(token: string, report: { down: boolean; message: string | null }): { found: boolean; monitorId?: number } {
    const rt = [...this.o.runtimes.values()].find((r) => r.monitor.type === "push" && r.monitor.token === token);
    if (!rt) return { found: false };
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
