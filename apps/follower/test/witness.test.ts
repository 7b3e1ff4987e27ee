import { createTempDatabase, freePort, sleep, TcpProxy, until, type Proc, type TempDatabase } from "@uptop/test-kit";
import { FOLLOWER_MAIN, LEADER_MAIN, PROBE_MAIN, api, health, startProcess } from "./harness.js";

/**
 * Witnesses before promotion, with real processes: a leader and a follower on Postgres, two
 * probes listing both, and two proxies in front of the leader — one on the follower's path, one
 * on the probes' — so the test can cut the leader from the follower alone, or from everyone.
 */
const POLL_S = 1;
const THRESHOLD = 3;
const TAKEOVER_MS = POLL_S * THRESHOLD * 1000;
/** How long only the leader↔follower path stays cut: no take-over may come of it. */
const PARTITION_MS = 60_000;
/** A probe calls the leader gone after two failed heartbeats 2 s apart, and says so at once. */
const WITNESS_DELAY_MS = 2 * 2000;

let dbs: TempDatabase[] = [];
let procs: Proc[] = [];
let proxies: TcpProxy[] = [];

afterEach(async () => {
  await Promise.all(procs.map((p) => p.kill("SIGKILL")));
  procs = [];
  await Promise.all(proxies.map((p) => p.cut()));
  proxies = [];
  for (const d of dbs) await d.drop().catch(() => {});
  dbs = [];
});

interface Witnesses {
  probesSeen: number;
  confirming: number;
  required: number;
  allow: boolean;
}
interface FollowerHealth {
  state: string;
  leader: { leaderReachable: boolean; consecutiveFailures: number };
  witnesses: Witnesses;
}
const followerHealth = async (port: number) => (await health(port)) as unknown as FollowerHealth | null;

describe("witnesses before promotion", () => {
  it("a cut between leader and follower alone causes no take-over; a leader cut from everyone is taken over", async () => {
    const [a, b] = [await createTempDatabase("uptop_wit_leader"), await createTempDatabase("uptop_wit_follower")];
    dbs.push(a, b);
    const [leaderPort, followerPort] = [await freePort(), await freePort()];
    const toFollower = await new TcpProxy("127.0.0.1", leaderPort).open();
    const toProbes = await new TcpProxy("127.0.0.1", leaderPort).open();
    proxies.push(toFollower, toProbes);
    const poll = { UPTOP_FAILOVER_POLL: `${POLL_S}s`, UPTOP_FAILOVER_THRESHOLD: String(THRESHOLD) };

    procs.push(
      startProcess("leader", LEADER_MAIN, {
        UPTOP_DB_TYPE: "postgres",
        UPTOP_DB_DSN: a.dsn,
        UPTOP_HTTP_PORT: String(leaderPort),
        ...poll,
      }),
    );
    await until("leader health", () => health(leaderPort), 60_000);
    const monitor = { name: "shop", type: "http", url: "http://127.0.0.1:9/", interval: 60, timeout: 2 };
    const created = await api(leaderPort, "/api/monitors", { method: "POST", body: JSON.stringify(monitor) });
    expect(created.status).toBe(201);

    for (const id of ["probe-a", "probe-b"]) {
      procs.push(
        startProcess(id, PROBE_MAIN, {
          UPTOP_CLUSTER_MODE: "probe",
          UPTOP_PEER_URL: `http://127.0.0.1:${toProbes.port},http://127.0.0.1:${followerPort}`,
          UPTOP_NODE_ID: id,
          UPTOP_NODE_REGION: "local",
          UPTOP_HTTP_PORT: String(await freePort()),
        }),
      );
    }
    const follower = startProcess("follower", FOLLOWER_MAIN, {
      UPTOP_CLUSTER_MODE: "follower",
      UPTOP_PEER_URL: `http://127.0.0.1:${toFollower.port}`,
      UPTOP_DB_TYPE: "postgres",
      UPTOP_DB_DSN: b.dsn,
      UPTOP_HTTP_PORT: String(followerPort),
      ...poll,
    });
    procs.push(follower);
    await until(
      "follower standby with the mirror, hearing both probes reach the leader",
      async () => {
        const h = await followerHealth(followerPort);
        const monitors = (await api<Array<{ name: string }>>(followerPort, "/api/monitors")).body ?? [];
        const mirrored = monitors.some((m) => m.name === "shop");
        return h?.state === "standby" && h.witnesses.probesSeen === 2 && h.witnesses.confirming === 0 && mirrored;
      },
      60_000,
    );

    // (a) Only the follower loses the leader, for a minute (twenty times what a take-over takes).
    await toFollower.cut();
    const states = new Set<string>();
    const end = Date.now() + PARTITION_MS;
    while (Date.now() < end) {
      states.add(String((await followerHealth(followerPort))?.state));
      await sleep(200);
    }
    expect([...states]).toEqual(["standby"]);
    const held = (await followerHealth(followerPort))!;
    expect(held.leader.consecutiveFailures).toBeGreaterThanOrEqual(THRESHOLD);
    expect(held.witnesses).toMatchObject({ probesSeen: 2, confirming: 0, required: 2, allow: false });
    const vetoes = follower.out.split("\n").filter((l) => l.includes("not taking over"));
    expect(vetoes).toHaveLength(1);
    expect(vetoes[0]).toContain("2 of 2 probes still reach it");

    // (b) Healed, then the leader is cut from everyone at once: the follower takes over.
    await toFollower.restore();
    await until(
      "follower sees the leader again",
      async () => (await followerHealth(followerPort))?.leader.consecutiveFailures === 0,
      20_000,
      100,
    );
    await Promise.all([toFollower.cut(), toProbes.cut()]);
    const cutAt = Date.now();
    await until("follower active", async () => (await followerHealth(followerPort))?.state === "active", 30_000, 100);
    const takeoverMs = Date.now() - cutAt;
    console.log(`witnesses: follower active ${takeoverMs} ms after the leader was cut from everyone`);
    expect(takeoverMs).toBeLessThanOrEqual(TAKEOVER_MS + WITNESS_DELAY_MS);
    expect(follower.out).toContain("probes confirm the leader is unreachable");
  }, 240_000);
});
