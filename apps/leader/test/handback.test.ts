import { ClusterClient, type Handback } from "@uptop/cluster-protocol";
import { sleep, until, WebhookReceiver } from "@uptop/test-kit";
import { startTestLeader, type TestLeader } from "./helpers.js";

(import.meta as unknown as { jest: { setTimeout(ms: number): void } }).jest.setTimeout(60_000);

const SECRET = "handback-test-cluster-secret-0123456789";

function handback(epoch: number, extra: Partial<Handback> = {}): Handback {
  const now = new Date().toISOString();
  return {
    nodeId: "follower-1",
    epoch,
    from: now,
    to: now,
    stateChanges: [],
    notifications: [],
    pending: [],
    states: [],
    rollups: [],
    ...extra,
  };
}

describe("the leader merging a follower's hand-back", () => {
  let t: TestLeader;
  let receiver: WebhookReceiver;
  /** The delivery ids the receiver was sent, in arrival order. */
  const deliveries = () => receiver.received.map((r) => String(r.headers["x-uptop-delivery"] ?? ""));
  let client: ClusterClient;

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    t = await startTestLeader({ UPTOP_CLUSTER_SECRET: SECRET, UPTOP_NODE_ID: "leader-1" });
    client = new ClusterClient({
      peerUrls: [t.url],
      secret: SECRET,
      nodeId: "follower-1",
      role: "follower",
      maxAttempts: 1,
    });
    const res = await t.api("/api/channels", {
      method: "POST",
      body: JSON.stringify({ name: "hook", type: "webhook", settings: { url: receiver.url } }),
    });
    expect(res.status).toBe(201);
  });

  afterAll(async () => {
    await t?.leader.stop();
    await receiver?.stop();
  });

  const epochNow = async () => ((await (await fetch(`${t.url}/api/health`)).json()) as { epoch: number }).epoch;

  it("keeps its term and its queued alerts when a follower that never led hands back", async () => {
    const before = await epochNow();
    const db = t.leader.store.db;
    const channel = await db.selectFrom("channels").select("id").where("name", "=", "hook").executeTakeFirstOrThrow();
    // An alert of ours waiting for a retry, as after a provider's 500.
    await db
      .insertInto("notifications")
      .values({
        channel_id: channel.id,
        monitor_id: null,
        event: "test",
        payload: JSON.stringify({ event: "test" }),
        dedupe_key: "ours-waiting",
        state: "pending",
        attempts: 1,
        next_attempt_at: new Date(Date.now() + 3_600_000),
        epoch: before,
      })
      .execute();

    const answer = await client.handback(handback(before));
    expect(answer.epoch).toBe(before);
    expect(await epochNow()).toBe(before);
    // Long enough for several dispatcher passes, which fence rows of an older term.
    await sleep(2500);
    const row = await db
      .selectFrom("notifications")
      .select(["state", "last_error"])
      .where("dedupe_key", "=", "ours-waiting")
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ state: "pending", last_error: null });
  });

  it("takes a newer term than a follower that led, and delivers the alerts it had not sent, once", async () => {
    const followerEpoch = (await epochNow()) + 1;
    const message = {
      event: "down",
      monitor: { id: 1, name: "checkout", type: "http", url: "https://shop.example.com/" },
      status: "DOWN",
      previousStatus: "UP",
      reason: "HTTP 503",
      votes: [],
      at: new Date().toISOString(),
      downSince: new Date().toISOString(),
      outageDurationS: null,
      epoch: followerEpoch,
      incidentKey: "checkout-incident",
    };
    const body = handback(followerEpoch, {
      pending: [
        {
          dedupeKey: "follower-unsent-down",
          channelName: "hook",
          monitorName: null,
          event: "down",
          payload: message,
          createdAt: new Date().toISOString(),
        },
      ],
    });
    const answer = await client.handback(body);
    expect(answer.epoch).toBe(followerEpoch + 1);
    expect(answer.pending).toBe(1);
    await until("the follower's alert delivered", () => deliveries().includes("follower-unsent-down"), 15_000, 100);

    // The same hand-back again (its answer was lost): nothing new, no second delivery.
    const again = await client.handback(body);
    expect(again).toMatchObject({ pending: 0, epoch: followerEpoch + 1 });
    await sleep(2500);
    expect(deliveries().filter((d) => d === "follower-unsent-down")).toHaveLength(1);
  });
});
