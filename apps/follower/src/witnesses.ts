import type { WitnessReport } from "@uptop/cluster-protocol";

/** A probe is counted while it has reported within this window. */
export const WITNESS_WINDOW_MS = 5 * 60_000;
/** A report speaks for the probe's current view this long: probes report every 2 s. */
export const WITNESS_FRESH_MS = 6_000;

export interface WitnessDecision {
  /** Probes that reported within the window. */
  probesSeen: number;
  /** Of those, probes whose fresh latest report says the leader is unreachable. */
  confirming: number;
  /** Confirmations a take-over needs: more than half of the probes seen (0 when none were). */
  required: number;
  allow: boolean;
}

export interface WitnessProbeView {
  nodeId: string;
  region: string;
  leaderReachable: boolean;
  lastLeaderContact: string | null;
  reportedAt: string;
  confirming: boolean;
}

interface Received {
  report: WitnessReport;
  /** By this follower's clock: probes' clocks are never compared with ours. */
  atMs: number;
}

/**
 * What the probes say of the leader, kept in memory. With no probe heard for the window the
 * follower decides alone, as it always did; otherwise it may take over only when more than half
 * of the probes heard say, freshly, that the leader is gone. A probe that went quiet still counts
 * against a take-over until the window forgets it: the follower cannot tell its silence from its
 * own isolation.
 */
export class Witnesses {
  private readonly latest = new Map<string, Received>();

  constructor(
    private readonly windowMs: number = WITNESS_WINDOW_MS,
    private readonly freshMs: number = WITNESS_FRESH_MS,
  ) {}

  record(report: WitnessReport, atMs: number): void {
    this.latest.set(report.nodeId, { report, atMs });
    this.forget(atMs);
  }

  decision(nowMs: number): WitnessDecision {
    const seen = this.seen(nowMs);
    const confirming = seen.filter((r) => this.confirms(r, nowMs)).length;
    const required = seen.length === 0 ? 0 : Math.floor(seen.length / 2) + 1;
    return { probesSeen: seen.length, confirming, required, allow: confirming >= required };
  }

  /** The decision and each probe counted, for the follower's health answer and logs. */
  view(nowMs: number): WitnessDecision & { probes: WitnessProbeView[] } {
    return {
      ...this.decision(nowMs),
      probes: this.seen(nowMs).map((r) => ({
        nodeId: r.report.nodeId,
        region: r.report.region,
        leaderReachable: r.report.leaderReachable,
        lastLeaderContact: r.report.lastLeaderContact,
        reportedAt: new Date(r.atMs).toISOString(),
        confirming: this.confirms(r, nowMs),
      })),
    };
  }

  private seen(nowMs: number): Received[] {
    return [...this.latest.values()].filter((r) => nowMs - r.atMs <= this.windowMs);
  }

  private confirms(r: Received, nowMs: number): boolean {
    return !r.report.leaderReachable && nowMs - r.atMs <= this.freshMs;
  }

  private forget(nowMs: number): void {
    for (const [id, r] of this.latest) if (nowMs - r.atMs > this.windowMs) this.latest.delete(id);
  }
}
