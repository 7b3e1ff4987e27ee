import {
  ADMIN_TOKEN,
  BACKENDS,
  HttpTarget,
  sleep,
  until,
  WebhookReceiver,
  type Backend,
  type TempDatabase,
} from "@uptop/test-kit";
import {
  addMonitor as addMonitorOf,
  addWebhook as addWebhookOf,
  api,
  ClusterFixture,
  health,
  mirrored,
  stateOf,
  statusOf,
} from "./harness.js";

/**
 * Real processes, killed for real: a leader and a follower on their own databases (Postgres; the
 * kill, take-over and hand-back also with both on SQLite files), a proxy between them (to cut the
 * follower off without stopping the leader), a target and a webhook receiver that counts what
 * reached the outside world.
 */
const LONG = 180_000;

const fixture = new ClusterFixture();
let target: HttpTarget;
let receiver: WebhookReceiver;

beforeAll(async () => {
  target = await new HttpTarget().start();
  receiver = await new WebhookReceiver().start();
});

afterEach(() => fixture.cleanup());

afterAll(async () => {
  await target.stop();
  await receiver.stop();
});

const cluster = (env: Record<string, string> = {}, backend: Backend = "postgres") => fixture.cluster(env, backend);
const addWebhook = (db: TempDatabase) => addWebhookOf(db, receiver.url);
const addMonitor = (port: number, name: string) => addMonitorOf(port, name, target.url);

/** The `uptop_cluster_role` sample of a node's /metrics, e.g. `{role="follower",state="standby"} 1`. */
async function roleSample(port: number): Promise<string | undefined> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  return (await res.text())
    .split("\n")
    .find((l) => l.startsWith("uptop_cluster_role{"))
    ?.slice("uptop_cluster_role".length);
}

describe("failover", () => {
  it.each(BACKENDS)(
    "on %s: takes over within 16 s of a kill -9, alerts a DOWN once, hands back without a gap or a repeat",
    async (backend) => {
      // Its own name: the receiver counts the events of both runs.
      const shop = `shop-${backend}`;
      target.mode = "up";
      const c = await cluster({}, backend);
      let leader = await c.startLeader();
      await addWebhook(c.leaderDb);
      const id = await addMonitor(c.leaderPort, shop);
      await until("UP on the leader", async () => (await statusOf(c.leaderPort, id)) === "UP", 30_000);
      c.startFollower();
      await until(
        "follower standby with the mirrored monitor",
        async () => (await stateOf(c.followerPort)) === "standby" && (await mirrored(c.followerPort, shop)),
        60_000,
      );

      await leader.kill("SIGKILL");
      const killedAt = Date.now();
      target.mode = "down";
      await until("follower active", async () => (await stateOf(c.followerPort)) === "active", 30_000, 100);
      const takeoverMs = Date.now() - killedAt;
      console.log(`failover: follower active ${takeoverMs} ms after the leader was killed`);
      expect(takeoverMs).toBeLessThanOrEqual(16_000);

      await until("one DOWN delivered by the follower", async () => receiver.events(shop, "down").length === 1, 40_000);
      const followerEpoch = receiver.events(shop, "down")[0]!.epoch;
      // Checks go on: the follower's own, after the kill (the mirrored lastCheck is older).
      await until(
        "a check by the follower",
        async () => {
          const last = (await api<{ lastCheck: { at: string } | null }>(c.followerPort, `/api/monitors/${id}`)).body
            .lastCheck;
          return last !== null && Date.parse(last.at) > killedAt;
        },
        20_000,
      );

      leader = await c.startLeader();
      const backAt = Date.now();
      await until("follower standby", async () => (await stateOf(c.followerPort)) === "standby", 20_000, 100);
      const standDownMs = Date.now() - backAt;
      console.log(`failover: follower standby ${standDownMs} ms after the leader answered again`);
      expect(standDownMs).toBeLessThanOrEqual(6_000);
      await until("leader active after the hand-back", async () => (await stateOf(c.leaderPort)) === "active", 30_000);

      // History has no gap: the follower's DOWN is in the leader's state changes and its SLA.
      const changes = (
        await api<Array<{ to: string; origin?: string }>>(c.leaderPort, `/api/monitors/${id}/state-changes`)
      ).body;
      expect(changes.some((ch) => ch.to === "DOWN")).toBe(true);
      const sla = (await api<{ downtimeS: number }>(c.leaderPort, `/api/monitors/${id}/sla?period=24h`)).body;
      expect(sla.downtimeS).toBeGreaterThan(0);
      expect(await statusOf(c.leaderPort, id)).toBe("DOWN");

      // Still down: the leader, back, must not alert the incident the follower already alerted.
      await sleep(12_000);
      expect(receiver.events(shop, "down")).toHaveLength(1);

      target.mode = "up";
      await until("one UP delivered by the leader", async () => receiver.events(shop, "up").length === 1, 40_000).catch(
        (err: unknown) => {
          console.log(
            leader.out
              .split("\n")
              .filter((l) => /status changed|hand|verdict|notif|dispatch|deliver|error/i.test(l))
              .join("\n"),
          );
          throw err;
        },
      );
      await sleep(3_000);
      expect(receiver.events(shop, "up")).toHaveLength(1);
      expect(receiver.events(shop, "down")).toHaveLength(1);
      expect(receiver.events(shop, "up")[0]!.epoch).toBeGreaterThan(followerEpoch);
    },
    LONG,
  );

  it(
    "a follower started before its leader does not take over with nothing, and mirrors once the leader is up",
    async () => {
      const c = await cluster({ UPTOP_FAILOVER_POLL: "1s" });
      const follower = c.startFollower();
      await until("follower standby", async () => (await stateOf(c.followerPort)) === "standby", 60_000);
      await sleep(5_000);
      expect(await stateOf(c.followerPort)).toBe("standby");
      expect(follower.out).toContain("no configuration mirrored yet");
      // Metrics name the role and state with no engine running.
      expect(await roleSample(c.followerPort)).toMatch(/^\{role="follower",state="standby"\} \d+$/);
      await c.startLeader();
      await addMonitor(c.leaderPort, "early");
      await until("mirror after the leader appears", async () => mirrored(c.followerPort, "early"), 60_000);
      expect(await stateOf(c.followerPort)).toBe("standby");
      // It registered once the leader was up: listed online, so a restarted leader waits for it.
      const { nodes } = (await api<{ nodes: Array<{ role: string; status: string }> }>(c.leaderPort, "/api/nodes"))
        .body;
      expect(nodes.filter((n) => n.role === "follower").map((n) => n.status)).toEqual(["online"]);
    },
    LONG,
  );

  it(
    "a follower restarted while the leader is down takes over from the copy in its database",
    async () => {
      const c = await cluster({ UPTOP_FAILOVER_POLL: "1s" });
      const leader = await c.startLeader();
      await addMonitor(c.leaderPort, "kept");
      const follower = c.startFollower();
      await until("mirrored", async () => mirrored(c.followerPort, "kept"), 60_000);
      await leader.kill("SIGKILL");
      await follower.kill("SIGKILL");
      fixture.forget(follower);
      c.startFollower();
      await until("restarted follower active", async () => (await stateOf(c.followerPort)) === "active", 60_000, 200);
      expect(await roleSample(c.followerPort)).toMatch(/^\{role="follower",state="active"\} \d+$/);
    },
    LONG,
  );

  it(
    "does not promote while the leader flaps for less than the threshold",
    async () => {
      const c = await cluster({ UPTOP_FAILOVER_POLL: "1s", UPTOP_FAILOVER_THRESHOLD: "4" });
      await c.startLeader();
      await addMonitor(c.leaderPort, "flap");
      c.startFollower();
      await until("mirrored", async () => mirrored(c.followerPort, "flap"), 60_000);
      const seen = new Set<string>();
      for (let i = 0; i < 4; i++) {
        await c.proxy.cut();
        for (let t = 0; t < 10; t++) {
          seen.add(String(await stateOf(c.followerPort)));
          await sleep(200);
        }
        await c.proxy.open();
        for (let t = 0; t < 10; t++) {
          seen.add(String(await stateOf(c.followerPort)));
          await sleep(200);
        }
      }
      expect([...seen]).toEqual(["standby"]);
    },
    LONG,
  );

  it(
    "after a partition heals, exactly one node sends",
    async () => {
      target.mode = "up";
      const c = await cluster({ UPTOP_FAILOVER_POLL: "1s" });
      await c.startLeader();
      await addWebhook(c.leaderDb);
      const id = await addMonitor(c.leaderPort, "split");
      c.startFollower();
      await until("mirrored", async () => mirrored(c.followerPort, "split"), 60_000);
      await until("UP", async () => (await statusOf(c.leaderPort, id)) === "UP", 30_000);

      await c.proxy.cut();
      await until(
        "follower active during the partition",
        async () => (await stateOf(c.followerPort)) === "active",
        20_000,
        100,
      );
      const followerEpoch = (await health(c.followerPort))!.epoch;
      await c.proxy.open();
      await until(
        "follower standby after the heal",
        async () => (await stateOf(c.followerPort)) === "standby",
        20_000,
        100,
      );
      await until(
        "leader took a newer epoch",
        async () => ((await health(c.leaderPort))?.epoch ?? 0) > followerEpoch,
        20_000,
      );

      const before = receiver.events("split", "down").length;
      target.mode = "down";
      await until("the DOWN delivered", async () => receiver.events("split", "down").length > before, 40_000);
      await sleep(6_000);
      const downs = receiver.events("split", "down").slice(before);
      expect(downs).toHaveLength(1);
      expect(downs[0]!.epoch).toBeGreaterThan(followerEpoch);
      target.mode = "up";
    },
    LONG,
  );
});
