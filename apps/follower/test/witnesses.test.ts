import { Witnesses } from "../src/witnesses.js";

const NOW = Date.parse("2030-01-01T12:00:00.000Z");

/**
 * Reports in arrival order: `a-@2` is probe a saying the leader is unreachable, received 2 s
 * before now; `b+@0` is probe b reaching it, just now.
 */
function witnessesAfter(reports: string): Witnesses {
  const w = new Witnesses();
  for (const token of reports.split(" ").filter(Boolean)) {
    const m = /^([a-z])([+-])@(\d+)$/.exec(token);
    if (!m) throw new Error(`bad token ${token}`);
    const atMs = NOW - Number(m[3]) * 1000;
    w.record(
      {
        nodeId: `probe-${m[1]}`,
        region: "eu",
        leaderUrl: "http://leader:8080",
        lastLeaderContact: m[2] === "+" ? new Date(atMs).toISOString() : null,
        leaderReachable: m[2] === "+",
      },
      atMs,
    );
  }
  return w;
}

describe("Witnesses.decision", () => {
  it.each([
    // name, reports, probes seen, confirming, required, take-over allowed
    ["no probes: the health polls alone decide", "", 0, 0, 0, true],
    ["1 of 1 says the leader is gone", "a-@1", 1, 1, 1, true],
    ["1 of 2 is not a majority", "a-@1 b+@1", 2, 1, 2, false],
    ["2 of 2", "a-@1 b-@0", 2, 2, 2, true],
    ["2 of 3 is a majority", "a-@1 b-@2 c+@1", 3, 2, 2, true],
    ["2 of 4 is a tie, and a tie is not a majority", "a-@1 b-@1 c+@1 d+@1", 4, 2, 3, false],
    ["reachable reports never confirm", "a+@0 b+@0", 2, 0, 2, false],
    ["a report 6 s old still confirms", "a-@6", 1, 1, 1, true],
    ["a stale report (7 s) no longer confirms, though its probe still counts", "a-@7", 1, 0, 1, false],
    ["a quiet probe counts against until the window forgets it", "a-@1 b+@300", 2, 1, 2, false],
    ["a probe not heard for over 5 minutes is no longer counted", "a-@1 b+@301", 1, 1, 1, true],
    ["only probes heard long ago: back to the health polls alone", "a+@400 b+@600", 0, 0, 0, true],
    ["a probe's latest report replaces its earlier one (now reachable)", "a-@3 a+@1", 1, 0, 1, false],
    ["a probe's latest report replaces its earlier one (now gone)", "a+@3 a-@1", 1, 1, 1, true],
  ])("%s", (...row) => {
    const [, reports, probesSeen, confirming, required, allow] = row as [
      string,
      string,
      number,
      number,
      number,
      boolean,
    ];
    expect(witnessesAfter(reports).decision(NOW)).toEqual({ probesSeen, confirming, required, allow });
  });

  it("names each probe counted in its view", () => {
    const view = witnessesAfter("a-@1 b+@2 c+@400").view(NOW);
    expect(view).toMatchObject({ probesSeen: 2, confirming: 1, required: 2, allow: false });
    expect(view.probes).toEqual([
      expect.objectContaining({ nodeId: "probe-a", leaderReachable: false, confirming: true }),
      expect.objectContaining({ nodeId: "probe-b", leaderReachable: true, confirming: false }),
    ]);
    expect(view.probes[0]!.reportedAt).toBe(new Date(NOW - 1000).toISOString());
  });
});
