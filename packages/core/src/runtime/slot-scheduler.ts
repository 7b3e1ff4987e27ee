import pLimit, { type LimitFunction } from "p-limit";
import { nextSlotStartMs, slotIndex, slotOffsetMs, slotStartMs } from "../domain/slots.js";

export interface SchedulerItem {
  id: number;
  intervalMs: number;
}

export type SkipReason = "overlap" | "late";

export interface SlotSchedulerOptions<T> {
  /** Runs started at once; more due runs wait in a FIFO queue. */
  concurrency: number;
  /**
   * One check. `slotMs` is the start of the grid slot being run (the same instant on every node,
   * so votes compare the same moment), or the requested time of an off-grid `runAt`.
   */
  run(item: T, slotMs: number): Promise<void>;
  now?: () => number;
  /**
   * Wake at most once per this many ms (0: at each due time). Slots spread evenly over an
   * interval make every check its own wake-up; waking on a grid of a few ms runs the checks due
   * by then together, which costs less CPU per check, at the price of starting each up to this late.
   */
  coalesceMs?: number;
  /** How long after its due time a run actually started (timer delay plus queueing). */
  onLag?(lagMs: number, item: T): void;
  onSkip?(item: T, slotMs: number, reason: SkipReason): void;
  /** A `run` that rejected; the scheduler carries on either way. */
  onError?(error: unknown, item: T): void;
}

export interface SlotSchedulerStats {
  items: number;
  inFlight: number;
  queued: number;
  skipped: number;
  /**
   * How far behind the schedule runs now, in ms: how long the oldest run waiting for a slot has
   * been due, or, with none waiting, how late the latest run started. A busy scheduler shows
   * here (and in onLag) instead of in failed checks: a check's timeout starts with the check.
   */
  lagMs: number;
}

interface Entry<T> {
  item: T;
  offsetMs: number;
  /** When this entry is next due. */
  dueMs: number;
  /** True when `dueMs` came from `runAt` rather than the grid. */
  offGrid: boolean;
  /** Position in the heap, -1 when not in it. */
  heapIndex: number;
  /** Queued or running: a new slot for this item is skipped until it is false again. */
  busy: boolean;
}

/**
 * The wake-up grid of the schedulers that run checks (a probe's, and a leader's own). Measured
 * with a real probe holding 10 000 monitors at 30 s (bench/probe.mjs, 333 checks/s): CPU 21 % of a
 * core waking at each due time, 17 % at 10 ms, 11 % at 50 ms, the same at 100 ms; checks start
 * 25 ms after their slot on average, which no one watching a 30 s interval can see.
 */
export const CHECK_WAKE_MS = 50;

/** Longest delay setTimeout accepts; a longer wait just re-arms when it fires. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * One timer structure for every monitor: a binary min-heap of due times and a single setTimeout
 * for the earliest, so 10 000 monitors cost one timer, not 10 000. Each item runs on its slot
 * grid (offset = hash(id) mod interval), never overlaps itself, and a late tick runs once instead
 * of replaying every missed slot.
 */
export class SlotScheduler<T extends SchedulerItem> {
  private readonly entries = new Map<number, Entry<T>>();
  private readonly heap: Array<Entry<T>> = [];
  private readonly limit: LimitFunction;
  private readonly now: () => number;
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;
  private started = false;
  private stopped = false;
  private skipped = 0;
  /** Due times of the runs waiting for a slot, oldest first: p-limit starts them in this order. */
  private waiting: number[] = [];
  private waitingHead = 0;
  private lastLagMs = 0;

  constructor(private readonly options: SlotSchedulerOptions<T>) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw new RangeError(`concurrency must be a whole number >= 1, got ${options.concurrency}`);
    }
    this.limit = pLimit({ concurrency: options.concurrency, rejectOnClear: true });
    this.now = options.now ?? Date.now;
  }

  /** Adds or replaces an item. A new item, or one whose interval changed, waits for its next slot. */
  upsert(item: T): void {
    if (!(item.intervalMs > 0)) throw new RangeError(`intervalMs must be > 0 for item ${item.id}`);
    const existing = this.entries.get(item.id);
    const offsetMs = slotOffsetMs(item.id, item.intervalMs);
    if (existing) {
      const sameGrid = existing.item.intervalMs === item.intervalMs;
      existing.item = item;
      if (sameGrid) return;
      existing.offsetMs = offsetMs;
      existing.offGrid = false;
      this.reschedule(existing, nextSlotStartMs(this.now(), item.intervalMs, offsetMs));
      return;
    }
    const entry: Entry<T> = {
      item,
      offsetMs,
      dueMs: nextSlotStartMs(this.now(), item.intervalMs, offsetMs),
      offGrid: false,
      heapIndex: -1,
      busy: false,
    };
    this.entries.set(item.id, entry);
    this.heapPush(entry);
    this.arm();
  }

  /** Forgets an item; a run of it that is queued but not started is dropped. */
  remove(id: number): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    this.heapRemove(entry);
    this.arm();
  }

  /**
   * One off-grid run at `atMs` (a retry interval, "check now"), replacing the next grid slot;
   * afterwards the item is back on its grid.
   */
  runAt(id: number, atMs: number): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    entry.offGrid = true;
    this.reschedule(entry, atMs);
  }

  start(): void {
    if (this.stopped) throw new Error("a stopped SlotScheduler cannot be started again");
    this.started = true;
    this.arm();
  }

  /** Stops scheduling, drops queued runs and waits for the runs already going. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.limit.clearQueue();
    this.waiting = [];
    this.waitingHead = 0;
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  stats(): SlotSchedulerStats {
    return {
      items: this.entries.size,
      inFlight: this.limit.activeCount,
      queued: this.limit.pendingCount,
      skipped: this.skipped,
      lagMs: this.lagMs(),
    };
  }

  /** The next due time of an item, for tests and diagnostics. */
  nextDue(id: number): number | undefined {
    return this.entries.get(id)?.dueMs;
  }

  private lagMs(): number {
    if (this.waitingHead < this.waiting.length) {
      return Math.max(0, this.now() - (this.waiting[this.waitingHead] as number));
    }
    return this.lastLagMs;
  }

  private reschedule(entry: Entry<T>, dueMs: number): void {
    this.heapRemove(entry);
    entry.dueMs = dueMs;
    this.heapPush(entry);
    this.arm();
  }

  private arm(): void {
    if (!this.started) return;
    const head = this.heap[0];
    const q = this.options.coalesceMs ?? 0;
    const at = head ? (q > 0 ? Math.ceil(head.dueMs / q) * q : head.dueMs) : Infinity;
    if (this.timer && at === this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = at;
    if (!head) return;
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, at - this.now()));
    this.timer = setTimeout(() => this.tick(), delay);
  }

  private tick(): void {
    this.timer = null;
    this.timerAt = Infinity;
    const now = this.now();
    for (let head = this.heap[0]; head && head.dueMs <= now; head = this.heap[0]) {
      this.fire(head, now);
    }
    this.arm();
  }

  private fire(entry: Entry<T>, now: number): void {
    const { item, offsetMs } = entry;
    const dueMs = entry.dueMs;
    let slotMs = dueMs;
    if (!entry.offGrid) {
      // A tick that comes after later slots have begun runs once, for the slot we are in now.
      const missed = slotIndex(now, item.intervalMs, offsetMs) - slotIndex(dueMs, item.intervalMs, offsetMs);
      if (missed > 0) {
        this.skipped += missed;
        this.options.onSkip?.(item, dueMs, "late");
        slotMs = slotStartMs(slotIndex(now, item.intervalMs, offsetMs), item.intervalMs, offsetMs);
      }
    }
    entry.offGrid = false;
    this.heapRemove(entry);
    entry.dueMs = nextSlotStartMs(now, item.intervalMs, offsetMs);
    this.heapPush(entry);

    if (entry.busy) {
      this.skipped++;
      this.options.onSkip?.(item, slotMs, "overlap");
      return;
    }
    entry.busy = true;
    this.waiting.push(dueMs);
    this.limit(() => this.execute(entry, slotMs, dueMs)).catch(() => {
      // Only a clearQueue() on stop rejects here; execute() itself never throws.
    });
  }

  private async execute(entry: Entry<T>, slotMs: number, dueMs: number): Promise<void> {
    // Runs start in the order they were queued: this one is the oldest waiting.
    this.waitingHead++;
    if (this.waitingHead > 1024 && this.waitingHead * 2 > this.waiting.length) {
      this.waiting = this.waiting.slice(this.waitingHead);
      this.waitingHead = 0;
    }
    const item = entry.item;
    if (this.stopped || this.entries.get(item.id) !== entry) {
      entry.busy = false;
      return;
    }
    this.lastLagMs = Math.max(0, this.now() - dueMs);
    this.options.onLag?.(this.lastLagMs, item);
    const running = (async () => {
      try {
        await this.options.run(item, slotMs);
      } catch (err) {
        this.options.onError?.(err, item);
      } finally {
        entry.busy = false;
      }
    })();
    this.inFlight.add(running);
    try {
      await running;
    } finally {
      this.inFlight.delete(running);
    }
  }

  // Indexed binary min-heap on dueMs; the index on each entry makes removal O(log n).

  private heapPush(entry: Entry<T>): void {
    entry.heapIndex = this.heap.length;
    this.heap.push(entry);
    this.siftUp(entry.heapIndex);
  }

  private heapRemove(entry: Entry<T>): void {
    const i = entry.heapIndex;
    if (i < 0) return;
    const last = this.heap.pop() as Entry<T>;
    entry.heapIndex = -1;
    if (last === entry) return;
    this.heap[i] = last;
    last.heapIndex = i;
    this.siftUp(i);
    this.siftDown(last.heapIndex);
  }

  private siftUp(i: number): void {
    const heap = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((heap[parent] as Entry<T>).dueMs <= (heap[i] as Entry<T>).dueMs) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private siftDown(i: number): void {
    const heap = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let min = i;
      if (l < heap.length && (heap[l] as Entry<T>).dueMs < (heap[min] as Entry<T>).dueMs) min = l;
      if (r < heap.length && (heap[r] as Entry<T>).dueMs < (heap[min] as Entry<T>).dueMs) min = r;
      if (min === i) return;
      this.swap(i, min);
      i = min;
    }
  }

  private swap(a: number, b: number): void {
    const ea = this.heap[a] as Entry<T>;
    const eb = this.heap[b] as Entry<T>;
    this.heap[a] = eb;
    this.heap[b] = ea;
    ea.heapIndex = b;
    eb.heapIndex = a;
  }
}
