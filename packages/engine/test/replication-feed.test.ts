import type { ReplicaEntry } from "@uptop/core";
import { ReplicationFeed } from "../src/index.js";

const config: ReplicaEntry = { kind: "config" };
const entries = (n: number): ReplicaEntry[] => Array.from({ length: n }, () => config);

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe("replication feed", () => {
  it("answers the entries after a position, in order, and the position after them", async () => {
    const feed = new ReplicationFeed({ followerKnown: () => true });
    feed.append(entries(3));
    const all = await feed.read({ feedId: feed.id, after: 0, waitMs: 0 });
    expect(all).toEqual({ reset: false, feedId: feed.id, entries: entries(3), next: 3 });
    const rest = await feed.read({ feedId: feed.id, after: 2, waitMs: 0 });
    expect(rest).toMatchObject({ reset: false, next: 3 });
    expect(rest.reset === false && rest.entries.length).toBe(1);
  });

  it("keeps nothing while no follower is known or has asked: one that appears starts from a full copy", async () => {
    const feed = new ReplicationFeed();
    feed.append(entries(3));
    expect(feed.position().seq).toBe(3);
    expect(await feed.read({ feedId: feed.id, after: 0, waitMs: 0 })).toMatchObject({ reset: true });
    expect(await feed.read({ feedId: feed.id, after: 3, waitMs: 0 })).toMatchObject({ reset: false, entries: [] });
    feed.append(entries(1));
    expect(await feed.read({ feedId: feed.id, after: 3, waitMs: 0 })).toMatchObject({ reset: false, next: 4 });
  });

  it.each([
    ["another leader process", (_f: ReplicationFeed) => ({ feedId: "other", after: 0 }), "another leader process"],
    ["a position ahead of the feed", (f: ReplicationFeed) => ({ feedId: f.id, after: 99 }), "ahead"],
    ["a position older than what is kept", (f: ReplicationFeed) => ({ feedId: f.id, after: 1 }), "fell behind"],
  ])("sends a reader back to a full copy for %s", async (...[, query, reason]) => {
    const feed = new ReplicationFeed({ capacity: 5 });
    feed.append(entries(10)); // keeps 6..10
    const answer = await feed.read({ ...query(feed), waitMs: 0 });
    expect(answer.reset).toBe(true);
    expect(answer.reset && answer.reason).toContain(reason);
  });

  it("holds a caught-up reader until an entry arrives", async () => {
    const feed = new ReplicationFeed();
    const pending = feed.read({ feedId: feed.id, after: 0, waitMs: 10_000 });
    let answered = false;
    void pending.then(() => (answered = true));
    await new Promise((r) => setImmediate(r));
    expect(answered).toBe(false);
    feed.append([config]);
    await expect(pending).resolves.toMatchObject({ reset: false, next: 1 });
  });

  it("releases a held reader when its request is abandoned", async () => {
    const feed = new ReplicationFeed();
    const gone = new AbortController();
    const pending = feed.read({ feedId: feed.id, after: 0, waitMs: 60_000, signal: gone.signal });
    gone.abort();
    await expect(pending).resolves.toEqual({ reset: false, feedId: feed.id, entries: [], next: 0 });
  });

  it("an alert waits for the follower to confirm it, and no longer", async () => {
    const feed = new ReplicationFeed();
    await feed.read({ feedId: feed.id, after: 0, waitMs: 0 }); // a follower is attached
    const seq = feed.append([config]);
    const waiting = feed.replicated(seq, 60_000);
    let settled = false;
    void waiting.then(() => (settled = true));
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    // The follower's next request, for what follows `seq`, confirms it holds `seq`.
    await feed.read({ feedId: feed.id, after: seq, waitMs: 0 });
    await expect(waiting).resolves.toEqual({ replicated: true, expected: true });
  });

  it("gives up after the bounded wait when the follower does not confirm", async () => {
    const feed = new ReplicationFeed();
    await feed.read({ feedId: feed.id, after: 0, waitMs: 0 });
    const seq = feed.append([config]);
    await expect(feed.replicated(seq, 20)).resolves.toEqual({ replicated: false, expected: true });
  });

  it.each([
    ["never seen, none known", false, null, false],
    ["never seen, one registered", true, null, true],
    ["seen 11 s ago (away)", false, 11_000, true],
  ])("does not wait at all for a follower %s", async (...[, known, seenAgoMs, expected]) => {
    const c = clock();
    const feed = new ReplicationFeed({ followerKnown: () => known, now: c.now, awayMs: 10_000 });
    if (seenAgoMs !== null) {
      await feed.read({ feedId: feed.id, after: 0, waitMs: 0 });
      c.advance(seenAgoMs);
    }
    const seq = feed.append([config]);
    await expect(feed.replicated(seq, 60_000)).resolves.toEqual({ replicated: false, expected });
  });

  it("expects a follower from its first full copy, before its first feed request", async () => {
    const feed = new ReplicationFeed();
    feed.followerCopied();
    const seq = feed.append([config]);
    await expect(feed.replicated(seq, 60_000)).resolves.toEqual({ replicated: false, expected: true });
    expect(await feed.read({ feedId: feed.id, after: 0, waitMs: 0 })).toMatchObject({ reset: false, next: 1 });
  });

  it("counts a follower held in a long poll as attached, however long it has waited", async () => {
    const c = clock();
    const feed = new ReplicationFeed({ now: c.now, awayMs: 10_000 });
    const held = feed.read({ feedId: feed.id, after: 0, waitMs: 60_000 });
    c.advance(30_000);
    const seq = feed.append([config]); // wakes the poll; the follower then asks for what follows
    await held;
    const waiting = feed.replicated(seq, 60_000);
    await feed.read({ feedId: feed.id, after: seq, waitMs: 0 });
    await expect(waiting).resolves.toMatchObject({ replicated: true });
  });

  it("releases every waiter when closed, and holds no reader after", async () => {
    const feed = new ReplicationFeed();
    await feed.read({ feedId: feed.id, after: 0, waitMs: 0 });
    const waiting = feed.replicated(feed.append([config]), 60_000);
    feed.close();
    await expect(waiting).resolves.toMatchObject({ replicated: false });
    await expect(feed.read({ feedId: feed.id, after: 1, waitMs: 60_000 })).resolves.toMatchObject({ entries: [] });
  });
});
