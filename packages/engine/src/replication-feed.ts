import { randomUUID } from "node:crypto";
import type { ReplicaEntry } from "@uptop/core";

export interface ReplicationFeedOptions {
  /**
   * Entries kept for a follower that is behind (default 20 000: two minutes of verdicts at 10 000
   * monitors a minute); one further back must resynchronise.
   */
  capacity?: number;
  /** A follower silent this long is away: alerts no longer wait for it. */
  awayMs?: number;
  /** Entries given per answer at most. */
  maxBatch?: number;
  /** A follower is expected (one is registered) even before it first asks. */
  followerKnown?: () => boolean;
  now?: () => number;
}

export type FeedRead =
  | { reset: true; reason: string }
  | { reset: false; feedId: string; entries: ReplicaEntry[]; next: number };

export interface FeedStats {
  feedId: string;
  seq: number;
  /** The last entry the follower confirmed holding. */
  acked: number;
  lastFetchAt: number | null;
  followerAttached: boolean;
}

/** What the dispatcher needs of replication: record a change, wait until the follower holds it. */
export interface AlertReplication {
  /** Whether a follower is known: without one, nothing is kept and nothing waits. */
  expectsFollower(): boolean;
  append(entries: readonly ReplicaEntry[]): number;
  /**
   * True once the follower holds entry `seq`; false after `maxWaitMs`, or at once when the
   * follower is away. `expected` says whether a false answer means "sent unreplicated".
   */
  replicated(seq: number, maxWaitMs: number): Promise<{ replicated: boolean; expected: boolean }>;
}

/**
 * The leader's change feed: every committed verdict, transition and outbox change, in commit
 * order, for the follower to tail. It lives in memory — entries are appended after their
 * transaction commits, so a reader never sees a change the database might still lose, and a
 * restarted leader starts a new feed (a new id) that every follower resynchronises from.
 *
 * The follower asks with long polls; asking for what follows `after` confirms it durably holds
 * everything up to `after`, which is what an alert waits for before it is sent.
 */
export class ReplicationFeed implements AlertReplication {
  readonly id = randomUUID();
  private readonly buffer: Array<{ seq: number; entry: ReplicaEntry }> = [];
  private seq = 0;
  private acked = 0;
  private lastFetchAt: number | null = null;
  /** Long polls held open right now: a follower waiting in one is attached, however long it waits. */
  private openReads = 0;
  /** Shutting down: nobody is held any more (a held request would hold the server's close). */
  private closed = false;
  /** A follower copied our state: it is expected from now on, even before its first feed request. */
  private followerSeen = false;
  private readers = new Set<() => void>();
  private ackWaiters = new Set<{ seq: number; done: (ok: boolean) => void }>();
  private readonly capacity: number;
  private readonly awayMs: number;
  private readonly maxBatch: number;
  private readonly now: () => number;

  constructor(private readonly o: ReplicationFeedOptions = {}) {
    this.capacity = o.capacity ?? 20_000;
    this.awayMs = o.awayMs ?? 10_000;
    this.maxBatch = o.maxBatch ?? 5000;
    this.now = o.now ?? Date.now;
  }

  position(): { feedId: string; seq: number } {
    return { feedId: this.id, seq: this.seq };
  }

  stats(): FeedStats {
    return {
      feedId: this.id,
      seq: this.seq,
      acked: this.acked,
      lastFetchAt: this.lastFetchAt,
      followerAttached: this.attached(),
    };
  }

  /** Appends committed changes; returns the seq of the last one. */
  append(entries: readonly ReplicaEntry[]): number {
    if (entries.length === 0) return this.seq;
    // A leader without a follower keeps nothing: one that appears starts from a full copy anyway.
    if (!this.expectsFollower()) {
      this.seq += entries.length;
      return this.seq;
    }
    for (const entry of entries) this.buffer.push({ seq: ++this.seq, entry });
    const over = this.buffer.length - this.capacity;
    if (over > 0) this.buffer.splice(0, over);
    const readers = [...this.readers];
    this.readers.clear();
    for (const wake of readers) wake();
    return this.seq;
  }

  /**
   * The follower's request: confirms `after`, then answers the entries after it — at once when
   * there are some, else when one arrives, at `waitMs`, or when `signal` aborts.
   */
  async read(q: { feedId: string; after: number; waitMs: number; signal?: AbortSignal }): Promise<FeedRead> {
    this.lastFetchAt = this.now();
    if (q.feedId !== this.id) return { reset: true, reason: "another leader process: resynchronise" };
    if (q.after > this.seq) return { reset: true, reason: `position ${q.after} is ahead of this feed (${this.seq})` };
    const oldest = this.buffer[0]?.seq ?? this.seq + 1;
    if (q.after < oldest - 1) return { reset: true, reason: "fell behind what the leader keeps: resynchronise" };
    this.confirm(q.after);
    if (q.after === this.seq && q.waitMs > 0 && !q.signal?.aborted && !this.closed) {
      this.openReads++;
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          q.signal?.removeEventListener("abort", wake);
          this.readers.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, q.waitMs);
        q.signal?.addEventListener("abort", wake, { once: true });
        this.readers.add(wake);
      });
      this.openReads--;
      this.lastFetchAt = this.now();
    }
    const from = this.buffer.findIndex((b) => b.seq > q.after);
    const slice = from < 0 ? [] : this.buffer.slice(from, from + this.maxBatch);
    return {
      reset: false,
      feedId: this.id,
      entries: slice.map((b) => b.entry),
      next: slice.length ? slice[slice.length - 1]!.seq : q.after,
    };
  }

  replicated(seq: number, maxWaitMs: number): Promise<{ replicated: boolean; expected: boolean }> {
    const expected = this.expectsFollower();
    if (this.acked >= seq) return Promise.resolve({ replicated: true, expected });
    if (!this.attached()) return Promise.resolve({ replicated: false, expected });
    return new Promise((resolve) => {
      const waiter = {
        seq,
        done: (ok: boolean) => {
          clearTimeout(timer);
          this.ackWaiters.delete(waiter);
          resolve({ replicated: ok, expected });
        },
      };
      const timer = setTimeout(() => waiter.done(false), maxWaitMs);
      this.ackWaiters.add(waiter);
    });
  }

  /** Releases every waiter (shutdown): their alerts go out as unreplicated rather than hang. */
  close(): void {
    this.closed = true;
    for (const w of [...this.ackWaiters]) w.done(false);
    for (const wake of [...this.readers]) wake();
  }

  /** A follower took a full copy (it tails from that copy's position next). */
  followerCopied(): void {
    this.followerSeen = true;
  }

  expectsFollower(): boolean {
    return this.followerSeen || this.lastFetchAt !== null || (this.o.followerKnown?.() ?? false);
  }

  private attached(): boolean {
    return this.openReads > 0 || (this.lastFetchAt !== null && this.now() - this.lastFetchAt < this.awayMs);
  }

  private confirm(after: number): void {
    if (after <= this.acked) return;
    this.acked = after;
    for (const w of [...this.ackWaiters]) if (w.seq <= after) w.done(true);
  }
}
