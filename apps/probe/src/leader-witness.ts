import { isLiveLeader, type ClusterClient, type WitnessReport } from "@uptop/cluster-protocol";
import type { Logger } from "@uptop/core";

export interface LeaderWitnessOptions {
  client: Pick<ClusterClient, "health" | "reportWitness">;
  nodeId: string;
  region: string;
  /** The first URL of the probe's peer list. */
  leaderUrl: string;
  /** Every other URL of the list: the followers that ask before taking over. */
  followerUrls: readonly string[];
  logger: Logger;
  /** Heartbeat and report period. Default 2 s. */
  intervalMs?: number;
  now?: () => number;
}

export interface LeaderWitnessView {
  leaderUrl: string;
  leaderReachable: boolean;
  lastLeaderContact: string | null;
  reportsTo: readonly string[];
  lastReportAt: string | null;
}

/** Failed heartbeats in a row before the probe calls the leader unreachable: one lost answer is not an outage. */
const FAILURES_TO_UNREACHABLE = 2;

const trimUrl = (url: string) => url.replace(/\/+$/, "");

/**
 * The probe as a witness for the follower. It keeps the time of its last answer from the leader
 * (a heartbeat every interval, and any cluster call it makes anyway) and pushes that view to each
 * follower every interval, at once when it changes: probes are often behind NAT, so the follower
 * cannot ask them. A follower takes over only when most probes it hears say the leader is gone.
 */
export class LeaderWitness {
  private readonly leaderUrl: string;
  private readonly followerUrls: readonly string[];
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private lastContact: number | null = null;
  private failures = 0;
  /** What the followers were last told; null until the first heartbeat has an answer or a failure. */
  private told: boolean | null = null;
  private lastReport: number | null = null;
  private beating: Promise<void> | null = null;
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Followers whose report changed while one was in flight: sent again as soon as it returns. */
  private readonly owed = new Set<string>();
  private readonly failing = new Set<string>();

  constructor(private readonly o: LeaderWitnessOptions) {
    this.leaderUrl = trimUrl(o.leaderUrl);
    this.followerUrls = o.followerUrls.map(trimUrl).filter((u) => u !== this.leaderUrl);
    this.now = o.now ?? Date.now;
  }

  /** Reachable: an answer came, and fewer than two heartbeats in a row have failed since. */
  get leaderReachable(): boolean {
    return this.lastContact !== null && this.failures < FAILURES_TO_UNREACHABLE;
  }

  /** Starts the loop; a probe with no follower in its list has nobody to tell and does nothing. */
  start(): void {
    if (this.followerUrls.length === 0 || this.timer) return;
    this.tick();
    this.timer = setInterval(() => this.tick(), this.o.intervalMs ?? 2000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.allSettled([this.beating, ...this.inFlight.values()]);
  }

  /** Any answer from the leader on a cluster call proves it alive, just as a heartbeat does. */
  noteAnswer(peerUrl: string): void {
    if (trimUrl(peerUrl) === this.leaderUrl) this.contact();
  }

  view(): LeaderWitnessView {
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    return {
      leaderUrl: this.leaderUrl,
      leaderReachable: this.leaderReachable,
      lastLeaderContact: iso(this.lastContact),
      reportsTo: this.followerUrls,
      lastReportAt: iso(this.lastReport),
    };
  }

  private tick(): void {
    this.beating ??= this.beat().finally(() => (this.beating = null));
    if (this.told !== null) this.reportToAll();
  }

  private async beat(): Promise<void> {
    let alive = false;
    try {
      alive = isLiveLeader(await this.o.client.health(this.leaderUrl));
    } catch {
      alive = false;
    }
    if (alive) this.contact();
    else this.failures++;
    if (this.leaderReachable !== this.told) {
      if (this.told !== null || !this.leaderReachable) this.logChange();
      this.told = this.leaderReachable;
      this.reportToAll();
    }
  }

  private contact(): void {
    this.lastContact = this.now();
    this.failures = 0;
  }

  private logChange(): void {
    const fields = { leader: this.leaderUrl, lastLeaderContact: this.view().lastLeaderContact };
    if (this.leaderReachable) this.o.logger.info("leader reachable again from this probe", fields);
    else this.o.logger.warn("leader unreachable from this probe", { ...fields, failedHeartbeats: this.failures });
  }

  private reportToAll(): void {
    for (const url of this.followerUrls) this.report(url);
  }

  private report(url: string): void {
    if (this.stopped) return;
    if (this.inFlight.has(url)) {
      this.owed.add(url);
      return;
    }
    const sending = this.send(url).finally(() => {
      this.inFlight.delete(url);
      if (this.owed.delete(url)) this.report(url);
    });
    this.inFlight.set(url, sending);
  }

  private async send(url: string): Promise<void> {
    const report: WitnessReport = {
      nodeId: this.o.nodeId,
      region: this.o.region,
      leaderUrl: this.leaderUrl,
      lastLeaderContact: this.view().lastLeaderContact,
      leaderReachable: this.leaderReachable,
    };
    try {
      await this.o.client.reportWitness(url, report);
      this.lastReport = this.now();
      if (this.failing.delete(url)) this.o.logger.info("witness reports reach the follower again", { follower: url });
    } catch (err) {
      if (!this.failing.has(url))
        this.o.logger.warn("cannot report to the follower", {
          follower: url,
          error: err instanceof Error ? err.message : String(err),
        });
      this.failing.add(url);
    }
  }
}
