import {
  ClusterClient,
  ClusterUnavailableError,
  type HealthResponse,
  type WitnessReport,
} from "@uptop/cluster-protocol";
import { quietLogger, sleep, until } from "@uptop/test-kit";
import { FakeLeader } from "@uptop/test-kit/fake-leader";
import { LeaderWitness } from "../src/leader-witness.js";

const SECRET = "a-long-random-shared-secret-0123";
const FAST_MS = 50;

const liveLeader: HealthResponse = {
  status: "ok",
  role: "leader",
  state: "active",
  nodeId: "leader",
  epoch: 1,
  version: "1.0.0",
};

describe("LeaderWitness against a fake leader and follower on loopback", () => {
  let leader: FakeLeader;
  let follower: FakeLeader;
  let leaderUrl: string;
  let followerUrl: string;
  let witness: LeaderWitness | null = null;

  beforeEach(async () => {
    leader = new FakeLeader(SECRET);
    follower = new FakeLeader(SECRET);
    leaderUrl = `http://127.0.0.1:${await leader.listen()}`;
    followerUrl = `http://127.0.0.1:${await follower.listen()}`;
  });

  afterEach(async () => {
    await witness?.stop();
    witness = null;
    await leader.close();
    await follower.close();
  });

  /** A witness wired as the probe wires it: the client tells it of every answer. */
  function start(o: { intervalMs?: number; followerUrls?: string[] } = {}): ClusterClient {
    const client = new ClusterClient({
      peerUrls: [leaderUrl, followerUrl],
      secret: SECRET,
      nodeId: "probe-eu-1",
      region: "eu-west",
      maxAttempts: 1,
      onAnswer: (url) => witness?.noteAnswer(url),
    });
    witness = new LeaderWitness({
      client,
      nodeId: "probe-eu-1",
      region: "eu-west",
      leaderUrl,
      followerUrls: o.followerUrls ?? [followerUrl],
      logger: quietLogger(),
      intervalMs: o.intervalMs ?? FAST_MS,
    });
    witness.start();
    return client;
  }

  it("reports the leader reachable to the follower, never to the leader, with its last answer's time", async () => {
    const before = Date.now();
    start();
    await until("three reports", () => follower.witnessReports.length >= 3, 5000, 10);
    for (const r of follower.witnessReports) {
      expect(r).toMatchObject({ nodeId: "probe-eu-1", region: "eu-west", leaderUrl, leaderReachable: true });
      expect(Date.parse(r.lastLeaderContact!)).toBeGreaterThanOrEqual(before);
    }
    expect(leader.witnessReports).toHaveLength(0);
    expect(leader.healthCalls.length).toBeGreaterThanOrEqual(2);
  });

  it("reports the leader unreachable once it is gone, keeping the last contact, and reachable when it is back", async () => {
    start();
    const port = Number(new URL(leaderUrl).port);
    await until("a report", () => follower.witnessReports.length > 0, 5000, 10);
    await leader.close();
    const closedAt = Date.now();
    const down = await until(
      "an unreachable report",
      () => follower.witnessReports.find((r) => !r.leaderReachable),
      5000,
      10,
    );
    expect(Date.parse(down.lastLeaderContact!)).toBeLessThanOrEqual(closedAt);
    expect(witness!.view()).toMatchObject({ leaderReachable: false, lastLeaderContact: down.lastLeaderContact });

    await leader.listen(port);
    const seen = follower.witnessReports.length;
    const back = await until(
      "a reachable report after the leader is back",
      () => follower.witnessReports.slice(seen).find((r) => r.leaderReachable),
      5000,
      10,
    );
    expect(Date.parse(back.lastLeaderContact!)).toBeGreaterThan(closedAt);
  });

  it("counts an answer on any cluster call as contact with the leader", async () => {
    leader.healthy = false;
    const client = start({ intervalMs: 60_000 });
    await until("the first report", () => follower.witnessReports[0], 5000, 10);
    // Its only heartbeat failed and it never reached the leader: it cannot vouch for it.
    expect(follower.witnessReports[0]).toMatchObject({ leaderReachable: false, lastLeaderContact: null });
    witness!.noteAnswer(`${followerUrl}/`);
    expect(witness!.view().leaderReachable).toBe(false);
    await client.register();
    expect(witness!.view().leaderReachable).toBe(true);
    expect(witness!.view().lastLeaderContact).not.toBeNull();
  });

  it("does nothing when the probe's list names no follower", async () => {
    start({ followerUrls: [] });
    await sleep(FAST_MS * 5);
    expect(leader.healthCalls).toHaveLength(0);
    expect(follower.witnessReports).toHaveLength(0);
  });

  it("stops beating and reporting when stopped", async () => {
    start();
    await until("a report", () => follower.witnessReports.length > 0, 5000, 10);
    await witness!.stop();
    const [beats, reports] = [leader.healthCalls.length, follower.witnessReports.length];
    await sleep(FAST_MS * 5);
    expect([leader.healthCalls.length, follower.witnessReports.length]).toEqual([beats, reports]);
  });
});

describe("LeaderWitness heartbeat rule", () => {
  /**
   * A scripted leader: each heartbeat takes the next answer (true: a live leader, false: no answer).
   * Each report records how many heartbeats had been answered when it was sent.
   */
  async function run(script: boolean[]): Promise<Array<{ beats: number; reachable: boolean }>> {
    let beats = 0;
    const sent: Array<{ beats: number; reachable: boolean }> = [];
    const client = {
      async health(): Promise<HealthResponse> {
        const live = script[beats] ?? script[script.length - 1];
        beats++;
        if (!live) throw new ClusterUnavailableError("/api/health", [{ url: "leader", reason: "refused" }]);
        return liveLeader;
      },
      async reportWitness(_url: string, report: WitnessReport) {
        sent.push({ beats, reachable: report.leaderReachable });
        return { accepted: true as const };
      },
    };
    const w = new LeaderWitness({
      client,
      nodeId: "probe-1",
      region: "eu",
      leaderUrl: "http://leader",
      followerUrls: ["http://follower"],
      logger: quietLogger(),
      intervalMs: 10,
    });
    w.start();
    await until("the script played", () => beats >= script.length + 2, 5000, 5);
    await w.stop();
    return sent;
  }

  it.each([
    ["one failed heartbeat between answers never says unreachable", [true, false, true, false, true], null],
    ["two failed heartbeats in a row say unreachable, from the second on", [true, false, true, false, false], 5],
    ["a leader never reached is unreachable from the first failure", [false, true], 1],
  ])("%s", async (...row) => {
    const [, script, firstDownAtBeat] = row as [string, boolean[], number | null];
    const sent = await run(script);
    const firstDown = sent.find((s) => !s.reachable);
    if (firstDownAtBeat === null) expect(firstDown).toBeUndefined();
    else expect(firstDown?.beats).toBe(firstDownAtBeat);
  });
});
