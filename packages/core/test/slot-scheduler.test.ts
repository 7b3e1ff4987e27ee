import { SlotScheduler, type SchedulerItem } from "../src/runtime/slot-scheduler.js";
import { nextSlotStartMs, slotOf, slotOffsetMs } from "../src/domain/slots.js";

// In ESM mode jest's object is on import.meta rather than a global.
const jest = (import.meta as unknown as { jest: typeof import("@jest/globals").jest }).jest;

const T0 = Date.UTC(2030, 0, 1, 0, 0, 0);

interface Call {
  id: number;
  slotMs: number;
  at: number;
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

function setup(concurrency = 10, hold?: (item: SchedulerItem) => Promise<void> | undefined) {
  const calls: Call[] = [];
  const skips: Array<{ id: number; slotMs: number; reason: string }> = [];
  const lags: number[] = [];
  const scheduler = new SlotScheduler<SchedulerItem>({
    concurrency,
    run: async (item, slotMs) => {
      calls.push({ id: item.id, slotMs, at: Date.now() });
      await hold?.(item);
    },
    onSkip: (item, slotMs, reason) => skips.push({ id: item.id, slotMs, reason }),
    onLag: (lag) => lags.push(lag),
  });
  return { scheduler, calls, skips, lags };
}

beforeEach(() => {
  jest.useFakeTimers({ now: T0 });
});

afterEach(() => {
  jest.useRealTimers();
});

describe("slot maths", () => {
  // Pinned values: a probe and a leader of different versions must put a monitor on the same
  // grid, so the formula is a wire contract. FNV-1a("1") = 0x340ca71c = 873244444 (the published
  // test vector), and 873244444 mod 30000 = 4444.
  it.each([
    // id, interval ms, offset ms, first slot after 1 700 000 000 000
    [1, 30_000, 4_444, 1_700_000_014_444],
    [7, 30_000, 19_206, 1_700_000_029_206],
    [42, 60_000, 15_011, 1_700_000_055_011],
    [1234, 5_000, 4_661, 1_700_000_004_661],
    [99999, 86_400_000, 3_614_864, 1_700_010_014_864],
  ])("monitor %i every %i ms sits at offset %i, next slot %i", (id, intervalMs, offset, next) => {
    expect(slotOffsetMs(id, intervalMs)).toBe(offset);
    expect(nextSlotStartMs(1_700_000_000_000, intervalMs, offset)).toBe(next);
  });

  it.each([
    // id, interval, now offset from T0
    [1, 30_000, 0],
    [7, 30_000, 12_345],
    [42, 60_000, 59_999],
    [1234, 5_000, 1],
    [99999, 86_400_000, 3_600_000],
  ])(
    "item %i every %i ms first runs at its next grid slot strictly after now (+%i ms)",
    async (id, intervalMs, skew) => {
      jest.setSystemTime(T0 + skew);
      const { scheduler, calls } = setup();
      scheduler.start();
      scheduler.upsert({ id, intervalMs });
      const offset = slotOffsetMs(id, intervalMs);
      const first = nextSlotStartMs(T0 + skew, intervalMs, offset);
      expect(scheduler.nextDue(id)).toBe(first);
      expect((first - offset) % intervalMs).toBe(0);
      await jest.advanceTimersByTimeAsync(first - Date.now() + 2 * intervalMs);
      expect(calls.map((c) => c.slotMs)).toEqual([first, first + intervalMs, first + 2 * intervalMs]);
      expect(calls.map((c) => c.at)).toEqual([first, first + intervalMs, first + 2 * intervalMs]);
      await scheduler.stop();
    },
  );
});

describe("SlotScheduler", () => {
  it("uses one timer for many items", async () => {
    const { scheduler, calls } = setup(1000);
    scheduler.start();
    for (let id = 1; id <= 500; id++) scheduler.upsert({ id, intervalMs: 10_000 });
    expect(jest.getTimerCount()).toBe(1);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(new Set(calls.map((c) => c.id)).size).toBe(500);
    expect(jest.getTimerCount()).toBe(1);
    await scheduler.stop();
    expect(jest.getTimerCount()).toBe(0);
  });

  it("with coalesceMs, wakes once per grid step and runs everything due by then, each with its own slot", async () => {
    const calls: Call[] = [];
    const scheduler = new SlotScheduler<SchedulerItem>({
      concurrency: 100,
      coalesceMs: 50,
      run: async (item, slotMs) => {
        calls.push({ id: item.id, slotMs, at: Date.now() });
      },
    });
    scheduler.start();
    for (let id = 1; id <= 200; id++) scheduler.upsert({ id, intervalMs: 1_000 });
    await jest.advanceTimersByTimeAsync(1_000);
    expect(calls).toHaveLength(200);
    for (const c of calls) {
      expect(c.at % 50).toBe(0);
      expect(c.at - c.slotMs).toBeGreaterThanOrEqual(0);
      expect(c.at - c.slotMs).toBeLessThan(50);
      expect(c.slotMs).toBe(slotOf(c.id, 1_000, c.slotMs));
    }
    // 200 slots spread over a second, run in at most 20 wake-ups.
    expect(new Set(calls.map((c) => c.at)).size).toBeLessThanOrEqual(20);
    await scheduler.stop();
  });

  it("skips a slot and counts it when the previous run of the same item is still going", async () => {
    const gate = deferred();
    const { scheduler, calls, skips } = setup(10, () => gate.promise);
    scheduler.start();
    scheduler.upsert({ id: 3, intervalMs: 1_000 });
    const first = scheduler.nextDue(3) as number;
    await jest.advanceTimersByTimeAsync(first - T0 + 2_500);
    expect(calls).toHaveLength(1);
    expect(skips.map((s) => s.reason)).toEqual(["overlap", "overlap"]);
    expect(skips.map((s) => s.slotMs)).toEqual([first + 1_000, first + 2_000]);
    expect(scheduler.stats()).toMatchObject({ inFlight: 1, skipped: 2 });
    gate.resolve();
    await jest.advanceTimersByTimeAsync(1_000);
    expect(calls.map((c) => c.slotMs)).toEqual([first, first + 3_000]);
    await scheduler.stop();
  });

  it("runs a late tick once for the current slot, never a burst of missed slots", async () => {
    const { scheduler, calls, skips } = setup();
    scheduler.start();
    scheduler.upsert({ id: 5, intervalMs: 1_000 });
    const first = scheduler.nextDue(5) as number;
    // The process stalls (event loop blocked, laptop asleep) for 10 slots before the timer fires.
    jest.setSystemTime(first + 10_400);
    await jest.advanceTimersByTimeAsync(first - T0);
    const now = Date.now();
    expect(calls).toHaveLength(1);
    expect(calls[0]?.slotMs).toBe(slotOf(5, 1_000, now));
    expect(calls[0]?.slotMs).toBeGreaterThan(first + 9_000);
    expect(skips).toEqual([{ id: 5, slotMs: first, reason: "late" }]);
    expect(scheduler.nextDue(5)).toBeGreaterThan(now);
    expect(scheduler.nextDue(5)).toBe(nextSlotStartMs(now, 1_000, slotOffsetMs(5, 1_000)));
    await scheduler.stop();
  });

  it("reports how late a run started, including time queued behind the concurrency cap", async () => {
    const gate = deferred();
    const { scheduler, calls, lags } = setup(1, () => gate.promise);
    scheduler.start();
    scheduler.upsert({ id: 1, intervalMs: 60_000 });
    scheduler.upsert({ id: 2, intervalMs: 60_000 });
    await jest.advanceTimersByTimeAsync(60_000);
    expect(calls).toHaveLength(1);
    expect(scheduler.stats()).toMatchObject({ inFlight: 1, queued: 1 });
    await jest.advanceTimersByTimeAsync(700);
    gate.resolve();
    await jest.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(2);
    expect(lags[0]).toBe(0);
    expect(lags[1]).toBeGreaterThan(0);
    await scheduler.stop();
  });

  it("moves an item to its new grid when upsert changes its interval", async () => {
    const { scheduler, calls } = setup();
    scheduler.start();
    scheduler.upsert({ id: 11, intervalMs: 60_000 });
    await jest.advanceTimersByTimeAsync(1_000);
    scheduler.upsert({ id: 11, intervalMs: 5_000 });
    const offset = slotOffsetMs(11, 5_000);
    const first = nextSlotStartMs(T0 + 1_000, 5_000, offset);
    expect(scheduler.nextDue(11)).toBe(first);
    await jest.advanceTimersByTimeAsync(first - Date.now() + 5_000);
    expect(calls.map((c) => c.slotMs)).toEqual([first, first + 5_000]);
    expect(scheduler.stats().items).toBe(1);
    await scheduler.stop();
  });

  it("keeps the due time when upsert leaves the interval alone, and runs the newest item", async () => {
    const seen: string[] = [];
    const scheduler = new SlotScheduler<SchedulerItem & { url: string }>({
      concurrency: 2,
      run: async (item) => void seen.push(item.url),
    });
    scheduler.start();
    scheduler.upsert({ id: 1, intervalMs: 10_000, url: "a" });
    const due = scheduler.nextDue(1);
    scheduler.upsert({ id: 1, intervalMs: 10_000, url: "b" });
    expect(scheduler.nextDue(1)).toBe(due);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(seen).toEqual(["b"]);
    await scheduler.stop();
  });

  it("drops a queued run of an item removed before the run started", async () => {
    const gate = deferred();
    const { scheduler, calls } = setup(1, (item) => (item.id === 1 ? gate.promise : undefined));
    scheduler.start();
    scheduler.upsert({ id: 1, intervalMs: 60_000 });
    scheduler.upsert({ id: 2, intervalMs: 60_000 });
    scheduler.upsert({ id: 3, intervalMs: 60_000 });
    await jest.advanceTimersByTimeAsync(60_000);
    const running = calls[0]?.id as number;
    const queued = [1, 2, 3].filter((id) => id !== running);
    expect(scheduler.stats().queued).toBe(2);
    scheduler.remove(queued[0] as number);
    gate.resolve();
    await jest.advanceTimersByTimeAsync(0);
    expect(calls.map((c) => c.id)).toEqual([running, queued[1]]);
    expect(scheduler.stats().items).toBe(2);
    await scheduler.stop();
  });

  it("runAt makes one off-grid run with that time as its slot, then returns to the grid", async () => {
    const { scheduler, calls } = setup();
    scheduler.start();
    scheduler.upsert({ id: 8, intervalMs: 30_000 });
    const offset = slotOffsetMs(8, 30_000);
    scheduler.runAt(8, T0 + 1_234);
    await jest.advanceTimersByTimeAsync(1_234);
    expect(calls.map((c) => c.slotMs)).toEqual([T0 + 1_234]);
    const next = nextSlotStartMs(T0 + 1_234, 30_000, offset);
    expect(scheduler.nextDue(8)).toBe(next);
    await jest.advanceTimersByTimeAsync(next - Date.now());
    expect(calls.map((c) => c.slotMs)).toEqual([T0 + 1_234, next]);
    await scheduler.stop();
  });

  it("stop() waits for runs in flight and starts no new ones", async () => {
    const gate = deferred();
    const { scheduler, calls } = setup(1, () => gate.promise);
    scheduler.start();
    scheduler.upsert({ id: 1, intervalMs: 5_000 });
    scheduler.upsert({ id: 2, intervalMs: 5_000 });
    await jest.advanceTimersByTimeAsync(5_000);
    let stopped = false;
    const stopping = scheduler.stop().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    gate.resolve();
    await stopping;
    await jest.advanceTimersByTimeAsync(20_000);
    expect(calls).toHaveLength(1);
  });

  it("keeps going when a run throws, reporting the error", async () => {
    const errors: unknown[] = [];
    let n = 0;
    const scheduler = new SlotScheduler<SchedulerItem>({
      concurrency: 1,
      run: async () => {
        n++;
        throw new Error("boom");
      },
      onError: (e) => errors.push(e),
    });
    scheduler.start();
    scheduler.upsert({ id: 1, intervalMs: 1_000 });
    await jest.advanceTimersByTimeAsync(3_000);
    expect(n).toBe(3);
    expect(errors).toHaveLength(3);
    await scheduler.stop();
  });
});
