import type { ResultItem } from "@uptop/cluster-protocol";
import { ResultBuffer } from "../src/buffer.js";

function result(n: number): ResultItem {
  return {
    monitorId: 1,
    slot: new Date(Date.UTC(2030, 0, 1) + n * 1000).toISOString(),
    checkedAt: new Date(Date.UTC(2030, 0, 1) + n * 1000 + 5).toISOString(),
    ok: true,
    latencyMs: 5,
    statusCode: 200,
    error: null,
  };
}
const seqOf = (r: ResultItem) => (Date.parse(r.slot) - Date.UTC(2030, 0, 1)) / 1000;

describe("ResultBuffer", () => {
  it.each([
    // limit, pushed, expected size, expected dropped, first kept
    [5, 3, 3, 0, 0],
    [5, 5, 5, 0, 0],
    [5, 6, 5, 1, 1],
    [5, 12, 5, 7, 7],
    [1, 4, 1, 3, 3],
  ])(
    "with limit %i after %i results holds %i, has dropped %i, oldest kept is #%i",
    (limit, pushed, size, dropped, first) => {
      const b = new ResultBuffer(limit);
      for (let i = 0; i < pushed; i++) b.push(result(i));
      expect(b.size).toBe(size);
      expect(b.dropped).toBe(dropped);
      expect(seqOf(b.peek(1).items[0] as ResultItem)).toBe(first);
    },
  );

  it("replays in order, in batches, and keeps a batch that was not acknowledged", () => {
    const b = new ResultBuffer(1000);
    for (let i = 0; i < 450; i++) b.push(result(i));
    const seen: number[] = [];
    const failed = b.peek(200);
    // The post failed: nothing is acked, so the next attempt sends the same batch.
    expect(b.peek(200).items).toEqual(failed.items);
    while (b.size > 0) {
      const batch = b.peek(200);
      seen.push(...batch.items.map(seqOf));
      b.ack(batch.throughSeq);
    }
    expect(seen).toEqual(Array.from({ length: 450 }, (_, i) => i));
  });

  it("accepts new results while a batch is in flight and does not lose them on ack", () => {
    const b = new ResultBuffer(1000);
    for (let i = 0; i < 10; i++) b.push(result(i));
    const batch = b.peek(200);
    for (let i = 10; i < 15; i++) b.push(result(i));
    b.ack(batch.throughSeq);
    expect(b.peek(200).items.map(seqOf)).toEqual([10, 11, 12, 13, 14]);
  });

  it("does not remove newer results when the acked batch was partly dropped meanwhile", () => {
    const b = new ResultBuffer(4);
    for (let i = 0; i < 4; i++) b.push(result(i));
    const batch = b.peek(2); // #0, #1
    for (let i = 4; i < 7; i++) b.push(result(i)); // drops #0, #1, #2
    b.ack(batch.throughSeq);
    expect(b.peek(10).items.map(seqOf)).toEqual([3, 4, 5, 6]);
    expect(b.dropped).toBe(3);
  });

  it("stays correct across many pushes and acks (internal compaction)", () => {
    const b = new ResultBuffer(50_000);
    let next = 0;
    let expected = 0;
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 300; i++) b.push(result(next++));
      const batch = b.peek(200);
      expect(seqOf(batch.items[0] as ResultItem)).toBe(expected);
      expected += batch.items.length;
      b.ack(batch.throughSeq);
    }
    expect(b.size).toBe(next - expected);
  });
});
