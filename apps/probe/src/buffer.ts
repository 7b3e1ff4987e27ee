import type { ResultItem } from "@uptop/cluster-protocol";

export const DEFAULT_BUFFER_LIMIT = 50_000;

export interface BufferedBatch {
  items: ResultItem[];
  /** Pass to `ack` once the leader has accepted the batch. */
  throughSeq: number;
}

/**
 * Results waiting to be posted, oldest first. Bounded: when full the oldest result is dropped and
 * counted, so a long leader outage costs the oldest data rather than the probe's memory. Items
 * leave only when acknowledged, so a batch that fails to post is replayed in order.
 */
export class ResultBuffer {
  private items: ResultItem[] = [];
  private head = 0;
  /** Sequence number of `items[head]`. */
  private headSeq = 0;
  private droppedCount = 0;

  constructor(readonly limit: number = DEFAULT_BUFFER_LIMIT) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`buffer limit must be >= 1, got ${limit}`);
  }

  get size(): number {
    return this.items.length - this.head;
  }

  get dropped(): number {
    return this.droppedCount;
  }

  push(item: ResultItem): void {
    if (this.size >= this.limit) this.dropOldest(1);
    this.items.push(item);
  }

  /** The oldest `max` results, left in place until `ack`. */
  peek(max: number): BufferedBatch {
    const items = this.items.slice(this.head, this.head + max);
    return { items, throughSeq: this.headSeq + items.length - 1 };
  }

  /** Removes every result up to and including `throughSeq` (those already dropped are skipped). */
  ack(throughSeq: number): void {
    const n = Math.min(this.size, throughSeq - this.headSeq + 1);
    if (n > 0) this.advance(n);
  }

  private dropOldest(n: number): void {
    this.droppedCount += n;
    this.advance(n);
  }

  private advance(n: number): void {
    this.head += n;
    this.headSeq += n;
    // Compact now and then instead of shifting on every removal.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
