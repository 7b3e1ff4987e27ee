import type { AggregationStrategy, Vote } from "@uptop/core";
import { aggregate, CLOCK_SKEW_TOLERANCE_MS, describeVerdict, freshnessMs } from "../src/aggregate.js";

const NOW = new Date("2024-05-01T12:00:00.000Z");
const INTERVAL_S = 30; // freshness 90 s

function vote(node: string, ok: boolean, ageMs: number, extra: Partial<Vote> = {}): Vote {
  return {
    node,
    region: `region-${node}`,
    ok,
    latencyMs: ok ? 100 : null,
    error: ok ? null : { code: "TIMEOUT", message: "timed out after 10 s" },
    at: new Date(NOW.getTime() - ageMs).toISOString(),
    ...extra,
  };
}

describe("freshnessMs", () => {
  it.each([
    [5, 60_000],
    [20, 60_000],
    [30, 90_000],
    [60, 180_000],
    [300, 900_000],
  ])("interval %ss stays fresh for %d ms (3 intervals, at least a minute)", (interval, expected) => {
    expect(freshnessMs(interval)).toBe(expected);
  });
});

// Every mix of up to five votes over six kinds: fresh up/down, stale up/down, offline up/down.
// Stale and offline votes of both flavours are present so a bug that counts them changes the answer.
const KINDS = ["freshUp", "freshDown", "staleUp", "staleDown", "offlineUp", "offlineDown"] as const;
type Mix = Record<(typeof KINDS)[number], number>;

function mixes(maxVotes: number): Mix[] {
  const out: Mix[] = [];
  const walk = (i: number, left: number, acc: number[]): void => {
    if (i === KINDS.length - 1) {
      for (let last = 0; last <= left; last++) {
        const counts = [...acc, last];
        out.push(Object.fromEntries(KINDS.map((k, j) => [k, counts[j]])) as Mix);
      }
      return;
    }
    for (let n = 0; n <= left; n++) walk(i + 1, left - n, [...acc, n]);
  };
  walk(0, maxVotes, []);
  return out;
}

function expected(strategy: AggregationStrategy, up: number, down: number): "up" | "down" | "unknown" {
  const total = up + down;
  if (total === 0) return "unknown";
  if (strategy === "any-down") return down > 0 ? "down" : "up";
  if (strategy === "majority-down") return down > total / 2 ? "down" : "up";
  return down === total ? "down" : "up";
}

const STRATEGIES: AggregationStrategy[] = ["any-down", "majority-down", "all-down"];
const TABLE = STRATEGIES.flatMap((strategy) =>
  mixes(5).map((m) => {
    const label =
      KINDS.filter((k) => m[k] > 0)
        .map((k) => `${m[k]} ${k}`)
        .join(", ") || "no votes";
    return { strategy, m, label, want: expected(strategy, m.freshUp, m.freshDown) };
  }),
);

describe("aggregate: every strategy × 0–5 votes × fresh/stale/offline", () => {
  it("covers the whole table", () => {
    expect(TABLE.length).toBe(3 * 462);
  });

  it.each(TABLE)("$strategy with $label → $want", ({ strategy, m, want }) => {
    const votes: Vote[] = [];
    const offline = new Set<string>();
    let n = 0;
    const add = (count: number, ok: boolean, ageMs: number, isOffline: boolean): void => {
      for (let i = 0; i < count; i++) {
        const node = `n${n++}`;
        if (isOffline) offline.add(node);
        votes.push(vote(node, ok, ageMs));
      }
    };
    add(m.freshUp, true, 1_000, false);
    add(m.freshDown, false, 1_000, false);
    add(m.staleUp, true, 120_000, false);
    add(m.staleDown, false, 120_000, false);
    add(m.offlineUp, true, 1_000, true);
    add(m.offlineDown, false, 1_000, true);

    const v = aggregate(votes, { strategy, intervalS: INTERVAL_S, now: NOW, offlineNodes: offline });
    expect(v.outcome).toBe(want);
    expect(v.total).toBe(m.freshUp + m.freshDown);
    expect(v.down).toBe(m.freshDown);
    expect(v.ignored.filter((i) => i.why === "stale")).toHaveLength(m.staleUp + m.staleDown);
    expect(v.ignored.filter((i) => i.why === "offline")).toHaveLength(m.offlineUp + m.offlineDown);
    expect(v.votes.length + v.ignored.length).toBe(votes.length);
  });
});

describe("aggregate: edge cases", () => {
  const opts = (strategy: AggregationStrategy) => ({ strategy, intervalS: INTERVAL_S, now: NOW });

  it.each([
    [1, 1, "up"],
    [2, 2, "up"],
    [1, 2, "down"],
    [2, 3, "down"],
    [3, 2, "up"],
  ] as const)("majority-down with %d up and %d down is %s (a tie is UP)", (up, down, want) => {
    const votes = [
      ...Array.from({ length: up }, (_, i) => vote(`u${i}`, true, 1_000)),
      ...Array.from({ length: down }, (_, i) => vote(`d${i}`, false, 1_000)),
    ];
    expect(aggregate(votes, opts("majority-down")).outcome).toBe(want);
  });

  it("counts only each node's latest vote, whatever the input order", () => {
    const older = vote("a", false, 20_000);
    const newer = vote("a", true, 5_000);
    for (const votes of [
      [older, newer],
      [newer, older],
    ]) {
      const v = aggregate(votes, opts("any-down"));
      expect(v.outcome).toBe("up");
      expect(v.votes).toEqual([newer]);
      expect(v.ignored).toEqual([{ vote: older, why: "superseded" }]);
    }
  });

  it("a node whose latest vote is stale does not fall back to an older one", () => {
    const v = aggregate([vote("a", false, 200_000), vote("a", true, 100_000)], opts("any-down"));
    expect(v.outcome).toBe("unknown");
    expect(v.ignored.map((i) => i.why).sort()).toEqual(["stale", "superseded"]);
  });

  it("a vote exactly as old as the freshness limit is stale; one millisecond younger is fresh", () => {
    const limit = freshnessMs(INTERVAL_S);
    expect(aggregate([vote("a", false, limit)], opts("any-down")).outcome).toBe("unknown");
    expect(aggregate([vote("a", false, limit - 1)], opts("any-down")).outcome).toBe("down");
  });

  it("votes slightly in the future (clock skew) count; far-future ones are ignored", () => {
    const skewed = vote("a", false, -CLOCK_SKEW_TOLERANCE_MS);
    expect(aggregate([skewed], opts("any-down")).outcome).toBe("down");
    const bogus = vote("b", false, -(CLOCK_SKEW_TOLERANCE_MS + 1));
    const v = aggregate([bogus, vote("b", true, 1_000)], opts("any-down"));
    expect(v.outcome).toBe("up");
    expect(v.ignored).toEqual([{ vote: bogus, why: "future" }]);
  });

  it("a vote with an unparseable time is treated as stale", () => {
    const v = aggregate([vote("a", false, 0, { at: "not a time" })], opts("any-down"));
    expect(v.outcome).toBe("unknown");
    expect(v.ignored[0]?.why).toBe("stale");
  });

  it("a fresh vote from an offline node does not count", () => {
    const v = aggregate([vote("a", false, 1_000), vote("b", true, 1_000)], {
      ...opts("any-down"),
      offlineNodes: new Set(["a"]),
    });
    expect(v.outcome).toBe("up");
    expect(v.ignored).toEqual([{ vote: expect.objectContaining({ node: "a" }), why: "offline" }]);
  });

  it("lists the regions that voted, and the expected regions that did not", () => {
    const v = aggregate(
      [
        vote("a", true, 1_000, { region: "us-east" }),
        vote("b", true, 1_000, { region: "eu-west" }),
        vote("c", true, 1_000, { region: "eu-west" }),
        vote("d", true, 500_000, { region: "ap-south" }),
      ],
      { ...opts("any-down"), expectedRegions: ["eu-west", "ap-south", "sa-east", "us-east"] },
    );
    expect(v.regions).toEqual(["eu-west", "us-east"]);
    expect(v.silentRegions).toEqual(["ap-south", "sa-east"]);
  });
});

describe("summary text", () => {
  const at = (ageMs: number) => new Date(NOW.getTime() - ageMs).toISOString();
  const eu: Vote = {
    node: "probe-eu",
    region: "eu-west",
    ok: false,
    latencyMs: 10_012,
    error: { code: "TIMEOUT", message: "timed out after 10 s" },
    at: at(1_000),
  };
  const us: Vote = {
    node: "probe-us",
    region: "us-east",
    ok: false,
    latencyMs: 80,
    error: { code: "HTTP_STATUS", message: "status 503 not in 200-299" },
    at: at(1_000),
  };
  const ap: Vote = { node: "probe-ap", region: "ap-south", ok: true, latencyMs: 119.6, error: null, at: at(1_000) };

  // biome-ignore format: a table reads best one case per line
  it.each([
    ["the spec's example", "any-down", [us, ap, eu], "DOWN: 2 of 3 probes — eu-west: TIMEOUT, us-east: HTTP_STATUS 503; ap-south: up 120 ms"],
    ["an UP verdict with a dissenting probe", "majority-down", [eu, ap], "UP: 1 of 2 probes down — eu-west: TIMEOUT; ap-south: up 120 ms"],
    ["an all-up verdict", "any-down", [ap], "UP: 1 of 1 probe up — ap-south: up 120 ms"],
    ["one down probe", "all-down", [eu], "DOWN: 1 of 1 probe — eu-west: TIMEOUT"],
    ["no votes", "any-down", [], "UNKNOWN: no votes"],
    ["only stale votes", "any-down", [{ ...eu, at: at(600_000) }, { ...ap, at: at(600_000) }], "UNKNOWN: no fresh votes (2 stale)"],
    ["an up vote without latency", "any-down", [{ ...ap, latencyMs: null }], "UP: 1 of 1 probe up — ap-south: up"],
    ["HTTP_STATUS without a number in the message", "any-down", [{ ...us, error: { code: "HTTP_STATUS", message: "bad status" } }], "DOWN: 1 of 1 probe — us-east: HTTP_STATUS"],
    [
      "two nodes in one region, labelled by node",
      "any-down",
      [eu, { ...eu, node: "leader", ok: true, error: null, latencyMs: 40 }],
      "DOWN: 1 of 2 probes — eu-west/probe-eu: TIMEOUT; eu-west/leader: up 40 ms",
    ],
  ] as const)("%s", (_name, strategy, votes, text) => {
    const v = aggregate(votes, { strategy, intervalS: INTERVAL_S, now: NOW });
    expect(v.summary).toBe(text);
    expect(describeVerdict(v)).toBe(text);
  });
});
