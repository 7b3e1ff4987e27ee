import type { AggregationStrategy, Vote } from "@uptop/core";

/** Votes up to this far in the future still count: node clocks drift a little. */
export const CLOCK_SKEW_TOLERANCE_MS = 10_000;

const MIN_FRESHNESS_MS = 60_000;

/** How long a vote stays fresh: three missed intervals, but never less than a minute. */
export function freshnessMs(intervalS: number): number {
  return Math.max(3 * intervalS * 1000, MIN_FRESHNESS_MS);
}

export interface AggregateOptions {
  strategy: AggregationStrategy;
  intervalS: number;
  now: Date;
  /** Nodes marked offline: their votes never count, however fresh. */
  offlineNodes?: ReadonlySet<string>;
  /** Regions the monitor should be seen from; those without a counted vote land in `silentRegions`. */
  expectedRegions?: readonly string[];
}

/**
 * Why a vote did not count. `future` is a vote stamped further ahead of `now` than the clock-skew
 * tolerance: a node with a broken clock must not keep a verdict alive forever.
 */
export type IgnoredReason = "stale" | "offline" | "superseded" | "future";

export interface IgnoredVote {
  vote: Vote;
  why: IgnoredReason;
}

export type Outcome = "up" | "down" | "unknown";

export interface Verdict {
  outcome: Outcome;
  strategy: AggregationStrategy;
  /** The fresh votes that counted, one per node (its latest), sorted by region then node. */
  votes: Vote[];
  ignored: IgnoredVote[];
  down: number;
  total: number;
  /** e.g. "DOWN: 2 of 3 probes — eu-west: TIMEOUT, us-east: HTTP_STATUS 503; ap-south: up 120 ms" */
  summary: string;
  /** Regions with at least one counted vote, sorted. */
  regions: string[];
  /** Expected regions (see `AggregateOptions.expectedRegions`) with no counted vote, sorted. */
  silentRegions: string[];
}

function timeOf(vote: Vote): number {
  return Date.parse(vote.at);
}

function byRegionThenNode(a: Vote, b: Vote): number {
  return a.region < b.region ? -1 : a.region > b.region ? 1 : a.node < b.node ? -1 : a.node > b.node ? 1 : 0;
}

function isDown(strategy: AggregationStrategy, down: number, total: number): boolean {
  switch (strategy) {
    case "any-down":
      return down >= 1;
    // A tie is UP: DOWN needs more than half the votes.
    case "majority-down":
      return down * 2 > total;
    case "all-down":
      return down === total;
  }
}

/** Combines the nodes' votes for one monitor into a verdict. Pure: `now` is passed in. */
export function aggregate(votes: readonly Vote[], options: AggregateOptions): Verdict {
  const nowMs = options.now.getTime();
  const maxAge = freshnessMs(options.intervalS);
  const offline = options.offlineNodes;
  const ignored: IgnoredVote[] = [];

  // Latest vote per node; a far-future vote is bogus, so it cannot supersede a real one.
  const latest = new Map<string, Vote>();
  for (const vote of votes) {
    if (offline?.has(vote.node)) {
      ignored.push({ vote, why: "offline" });
      continue;
    }
    const at = timeOf(vote);
    if (Number.isFinite(at) && at - nowMs > CLOCK_SKEW_TOLERANCE_MS) {
      ignored.push({ vote, why: "future" });
      continue;
    }
    const previous = latest.get(vote.node);
    if (previous === undefined) {
      latest.set(vote.node, vote);
      continue;
    }
    // An unparseable time sorts before any real one; on equal times the later entry wins.
    const prevAt = timeOf(previous);
    const newer = !Number.isFinite(prevAt) || (Number.isFinite(at) && at >= prevAt);
    if (newer) {
      ignored.push({ vote: previous, why: "superseded" });
      latest.set(vote.node, vote);
    } else {
      ignored.push({ vote, why: "superseded" });
    }
  }

  const counted: Vote[] = [];
  for (const vote of latest.values()) {
    const at = timeOf(vote);
    // An unparseable time cannot be proven fresh, so it is treated as stale.
    if (!Number.isFinite(at) || nowMs - at >= maxAge) ignored.push({ vote, why: "stale" });
    else counted.push(vote);
  }
  counted.sort(byRegionThenNode);

  const total = counted.length;
  const down = counted.filter((v) => !v.ok).length;
  const outcome: Outcome = total === 0 ? "unknown" : isDown(options.strategy, down, total) ? "down" : "up";
  const regions = [...new Set(counted.map((v) => v.region))].sort();
  const silentRegions = [...new Set(options.expectedRegions ?? [])].filter((r) => !regions.includes(r)).sort();

  const verdict: Verdict = {
    outcome,
    strategy: options.strategy,
    votes: counted,
    ignored,
    down,
    total,
    summary: "",
    regions,
    silentRegions,
  };
  verdict.summary = describeVerdict(verdict);
  return verdict;
}

function probes(n: number): string {
  return n === 1 ? "probe" : "probes";
}

/** The error shown for a down vote: its code, plus the HTTP status when there is one. */
function describeError(vote: Vote): string {
  if (!vote.error) return "down";
  if (vote.error.code === "HTTP_STATUS") {
    const status = /\b([1-5]\d\d)\b/.exec(vote.error.message);
    if (status) return `HTTP_STATUS ${status[1]}`;
  }
  return vote.error.code;
}

function describeUp(vote: Vote): string {
  return vote.latencyMs === null ? "up" : `up ${Math.round(vote.latencyMs)} ms`;
}

/**
 * One line of evidence for humans and the API. Votes are labelled by region, or by region/node
 * when a region has several counted votes, so every entry is distinguishable.
 */
export function describeVerdict(v: Verdict): string {
  if (v.total === 0) {
    const counts = new Map<string, number>();
    for (const { why } of v.ignored) counts.set(why, (counts.get(why) ?? 0) + 1);
    const detail = [...counts].map(([why, n]) => `${n} ${why}`).join(", ");
    return detail ? `UNKNOWN: no fresh votes (${detail})` : "UNKNOWN: no votes";
  }
  const perRegion = new Map<string, number>();
  for (const vote of v.votes) perRegion.set(vote.region, (perRegion.get(vote.region) ?? 0) + 1);
  const label = (vote: Vote): string =>
    (perRegion.get(vote.region) ?? 0) > 1 ? `${vote.region}/${vote.node}` : vote.region;

  const sorted = [...v.votes].sort(byRegionThenNode);
  const downList = sorted.filter((x) => !x.ok).map((x) => `${label(x)}: ${describeError(x)}`);
  const upList = sorted.filter((x) => x.ok).map((x) => `${label(x)}: ${describeUp(x)}`);
  const evidence = [downList.join(", "), upList.join(", ")].filter((s) => s !== "").join("; ");

  const head =
    v.outcome === "down"
      ? `DOWN: ${v.down} of ${v.total} ${probes(v.total)}`
      : v.down === 0
        ? `UP: ${v.total} of ${v.total} ${probes(v.total)} up`
        : `UP: ${v.down} of ${v.total} ${probes(v.total)} down`;
  return `${head} — ${evidence}`;
}
