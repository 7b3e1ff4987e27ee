import { HttpTarget, sleep, until, WebhookReceiver, type Proc, type ReceivedRequest } from "@uptop/test-kit";
import {
  addMonitor,
  addWebhook,
  ClusterFixture,
  health,
  mirrored,
  stateOf,
  statusOf,
  type Cluster,
} from "./harness.js";

/**
 * The leader killed -9 at the worst instants of an alert's life, with a follower that takes over
 * and a leader that comes back: every incident reaches the receiver as exactly one DOWN and one
 * UP (counted as a receiver honouring X-Uptop-Delivery counts them: one per delivery key among
 * the requests it accepted or never answered).
 */
const LONG = 240_000;

const fixture = new ClusterFixture();
let target: HttpTarget;
let receiver: WebhookReceiver;

beforeAll(async () => {
  target = await new HttpTarget().start();
  receiver = await new WebhookReceiver().start();
});

afterEach(async () => {
  receiver.onRequest = null;
  receiver.status = 200;
  receiver.releaseHeld();
  await fixture.cleanup();
});

afterAll(async () => {
  await target.stop();
  await receiver.stop();
});

const isDown = (name: string) => (r: ReceivedRequest) => {
  const b = r.json as { event?: string; monitor?: { name?: string } } | undefined;
  return b?.event === "down" && b.monitor?.name === name;
};

/** A leader and its follower, the follower tailing the leader's feed; the monitor `name` UP. */
async function runningCluster(name: string): Promise<{ c: Cluster; leader: Proc; follower: Proc; id: number }> {
  target.mode = "up";
  const c = await fixture.cluster({ UPTOP_FAILOVER_POLL: "1s", UPTOP_FAILOVER_THRESHOLD: "3" });
  const leader = await c.startLeader();
  await addWebhook(c.leaderDb, receiver.url);
  const id = await addMonitor(c.leaderPort, name, target.url);
  await until("UP on the leader", async () => (await statusOf(c.leaderPort, id)) === "UP", 30_000);
  const follower = c.startFollower();
  await until(
    "follower standby, mirrored and tailing the feed",
    async () => {
      const h = await health(c.followerPort);
      const feed = (h?.leader as { feed?: { position: unknown } } | undefined)?.feed;
      return h?.state === "standby" && Boolean(feed?.position) && (await mirrored(c.followerPort, name));
    },
    60_000,
  );
  return { c, leader, follower, id };
}

/** The follower took over, the target recovered, the leader came back and took the hand-back. */
async function recoverAndHandBack(c: Cluster, name: string, id: number): Promise<void> {
  await until("follower active", async () => (await stateOf(c.followerPort)) === "active", 30_000, 100);
  // Still down under the follower for a few rounds: it must not alert the incident again.
  await sleep(6_000);
  target.mode = "up";
  await until("the UP delivered", async () => receiver.deliveries(name, "up").length > 0, 40_000);
  await c.startLeader();
  await until("follower standby", async () => (await stateOf(c.followerPort)) === "standby", 30_000, 100);
  await until("leader active after the hand-back", async () => (await stateOf(c.leaderPort)) === "active", 30_000);
  expect(await statusOf(c.leaderPort, id)).toBe("UP");
  // Time for anything the returning leader would wrongly repeat or close again.
  await sleep(8_000);
}

/** Exactly one DOWN and one UP per incident, and every incident that got a DOWN got its UP. */
function expectEachIncidentOnce(name: string): void {
  const downs = receiver.deliveries(name, "down");
  const ups = receiver.deliveries(name, "up");
  const incidents = (list: typeof downs) => list.map((b) => b.downSince).sort();
  expect(downs).toHaveLength(1);
  expect(incidents(ups)).toEqual(incidents(downs));
}

describe("alerts exactly once through a failover", () => {
  it(
    "leader killed within 0.1 s after its DOWN was delivered",
    async () => {
      const name = "killed-after-delivery";
      const { c, leader, id } = await runningCluster(name);
      receiver.onRequest = (r) => {
        if (isDown(name)(r)) setTimeout(() => void leader.kill("SIGKILL"), 50);
        return undefined;
      };
      target.mode = "down";
      await until("the leader's DOWN", async () => receiver.deliveries(name, "down").length === 1, 40_000);
      receiver.onRequest = null;
      await recoverAndHandBack(c, name, id);
      expectEachIncidentOnce(name);
    },
    LONG,
  );

  it(
    "leader killed while its DOWN is being retried (the receiver refused it)",
    async () => {
      const name = "killed-while-retrying";
      const { c, leader, id } = await runningCluster(name);
      receiver.status = 500;
      receiver.onRequest = (r) => {
        if (isDown(name)(r)) {
          receiver.onRequest = null;
          setTimeout(() => {
            void leader.kill("SIGKILL").then(() => {
              receiver.status = 200;
            });
          }, 200);
        }
        return undefined;
      };
      target.mode = "down";
      await until("the leader killed", async () => !leader.running, 40_000);
      expect(receiver.deliveries(name, "down")).toHaveLength(0);
      // The follower continues the refused DOWN: the outage is alerted, once.
      await until(
        "the DOWN delivered by the follower",
        async () => receiver.deliveries(name, "down").length > 0,
        40_000,
      );
      await recoverAndHandBack(c, name, id);
      expectEachIncidentOnce(name);
    },
    LONG,
  );

  it(
    "leader killed between sending its DOWN and recording the answer",
    async () => {
      const name = "killed-mid-send";
      const { c, leader, id } = await runningCluster(name);
      receiver.onRequest = (r) => {
        if (!isDown(name)(r)) return undefined;
        receiver.onRequest = null;
        setTimeout(() => void leader.kill("SIGKILL").then(() => receiver.releaseHeld()), 100);
        return "hold";
      };
      target.mode = "down";
      await until("the leader killed", async () => !leader.running, 40_000);
      await recoverAndHandBack(c, name, id);
      // The follower could not know whether the DOWN arrived; a webhook drops a repeat of its key.
      const repeats = receiver.received.filter(isDown(name));
      expect(new Set(repeats.map((r) => r.headers["x-uptop-delivery"])).size).toBe(1);
      expectEachIncidentOnce(name);
    },
    LONG,
  );
});
