import type { Logger } from "@uptop/core";
import type { ClusterClient, FeedPosition } from "@uptop/cluster-protocol";
import { applyReplicaEntries, type Db } from "@uptop/store";

export interface FeedTailOptions {
  client: ClusterClient;
  db: Db;
  logger: Logger;
  /** How long the leader may hold one request open waiting for a change. */
  waitMs: number;
  /** Pause after a failed request (the leader is away: the health poll decides what that means). */
  retryMs: number;
  /** Only a standby follower copies; checked again, under the lock, before each batch is applied. */
  standby: () => boolean;
  /** Serialises applying with the full mirror and with promotion. */
  exclusive: <T>(fn: () => Promise<T>) => Promise<T>;
  /** The feed cannot continue from here (or the configuration changed): copy everything again. */
  resync: (why: string) => void;
}

export interface FeedTailView {
  position: FeedPosition | null;
  lastAppliedAt: string | null;
  applied: number;
}

/**
 * Tails the leader's change feed: verdicts, transitions and alerts, as they commit. Each request
 * confirms the previous batch (it asks for what follows it), and the leader sends an alert only
 * once its follower holds it — so a follower promoted at any instant knows every alert a receiver
 * may have seen, and continues those incidents under the same keys.
 */
export class FeedTail {
  private position: FeedPosition | null = null;
  private running = false;
  private stopping = new AbortController();
  private wake = new AbortController();
  private loopDone: Promise<void> = Promise.resolve();
  private failing = false;
  private lastAppliedAt: number | null = null;
  private applied = 0;

  constructor(private readonly o: FeedTailOptions) {}

  /** Where to continue from: set by every full mirror, which holds everything up to it. */
  resume(position: FeedPosition | null): void {
    this.position = position;
    // A tail waiting for its first position asks at once, not after its retry pause: alerts the
    // leader sends meanwhile would go out before we hold them.
    this.wake.abort();
    this.wake = new AbortController();
  }

  view(): FeedTailView {
    return {
      position: this.position,
      lastAppliedAt: this.lastAppliedAt === null ? null : new Date(this.lastAppliedAt).toISOString(),
      applied: this.applied,
    };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = new AbortController();
    this.loopDone = this.loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopping.abort(); // a long poll held open by the leader must not hold our shutdown
    await this.loopDone;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const from = this.position;
      if (!this.o.standby() || from === null) {
        await sleep(this.o.retryMs, AbortSignal.any([this.stopping.signal, this.wake.signal]));
        continue;
      }
      try {
        const answer = await this.o.client.feed({
          feedId: from.feedId,
          after: from.seq,
          waitMs: this.o.waitMs,
          signal: this.stopping.signal,
        });
        if (this.failing) this.o.logger.info("change feed resumed", { after: from.seq });
        this.failing = false;
        if (answer.reset) {
          this.o.logger.info("change feed lost its place; copying everything again", { reason: answer.reason });
          this.position = null;
          this.o.resync(`feed reset: ${answer.reason}`);
          continue;
        }
        const entries = answer.entries;
        const kept = await this.o.exclusive(async () => {
          // A mirror moved the position, or we were promoted, while the request was out: the
          // answer is stale, and a promoted follower's adopted alerts must not be overwritten.
          if (this.position !== from || !this.o.standby()) return false;
          await applyReplicaEntries(this.o.db, entries);
          this.position = { feedId: from.feedId, seq: answer.next };
          return true;
        });
        if (this.o.logger.isDebugEnabled())
          this.o.logger.debug("change feed answer", {
            after: from.seq,
            entries: entries.length,
            next: answer.next,
            kept,
          });
        if (kept && entries.length) {
          this.applied += entries.length;
          this.lastAppliedAt = Date.now();
          if (entries.some((e) => e.kind === "config")) this.o.resync("the leader's configuration changed");
        }
      } catch (err) {
        if (!this.running) break;
        if (!this.failing)
          this.o.logger.warn("change feed unavailable", { error: err instanceof Error ? err.message : String(err) });
        this.failing = true;
        await sleep(this.o.retryMs, this.stopping.signal);
      }
    }
  }
}

/** Waits `ms`, or less if `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
