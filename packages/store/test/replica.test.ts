import { randomBytes } from "node:crypto";
import { normalizeMonitor, SecretBox, type ReplicaOutboxRow } from "@uptop/core";
import { BACKENDS, createTempDatabase, type TempDatabase } from "@uptop/test-kit";
import {
  adoptReplicaOutbox,
  applyReplicaEntries,
  closeStaleReplicas,
  createChannel,
  createMonitor,
  mergeHandback,
  openIncidents,
  openAndMigrate,
  type Store,
} from "../src/index.js";

const box = new SecretBox(randomBytes(32));

describe.each(BACKENDS)("replicated alerts on %s", (backend) => {
  let store: Store;
  let temp: TempDatabase;
  let monitorId: number;
  let hook: number;
  let chat: number;

  beforeAll(async () => {
    temp = await createTempDatabase("uptop_replica", backend);
    store = await openAndMigrate(temp);
    monitorId = (await createMonitor(store.db, box, normalizeMonitor({ name: "shop", type: "group" }))).id;
    const channel = async (name: string, type: string) =>
      (
        await createChannel(store.db, box, {
          name,
          type,
          settings: {},
          secretFields: [],
          isDefault: true,
          enabled: true,
          reminderIntervalS: null,
        })
      ).id;
    hook = await channel("hook", "webhook");
    chat = await channel("chat", "slack");
  }, 60_000);

  afterAll(async () => {
    await store?.close();
    await temp?.drop();
  });

  beforeEach(async () => {
    await store.db.deleteFrom("notifications").execute();
  });

  const leaderRow = (key: string, over: Partial<ReplicaOutboxRow> = {}): ReplicaOutboxRow => ({
    dedupeKey: key,
    channelId: hook,
    monitorId,
    event: "down",
    payload: { event: "down", incidentKey: `m${monitorId}-1`, downSince: "2030-01-01T00:00:00.000Z" },
    state: "pending",
    attempts: 0,
    nextAttemptAt: "2030-01-01T00:00:00.000Z",
    sentAt: null,
    lastError: null,
    epoch: 1,
    createdAt: "2030-01-01T00:00:00.000Z",
    ...over,
  });
  const rows = () =>
    store.db
      .selectFrom("notifications")
      .select(["dedupe_key", "state", "origin", "epoch"])
      .orderBy("dedupe_key")
      .execute();
  const local = (key: string, state: string, channelId = hook, event = "down") =>
    store.db
      .insertInto("notifications")
      .values({
        channel_id: channelId,
        monitor_id: monitorId,
        event,
        payload: JSON.stringify({ incidentKey: `m${monitorId}-1`, downSince: "2030-01-01T00:00:00.000Z" }),
        dedupe_key: key,
        state,
        attempts: 0,
        next_attempt_at: new Date(),
        epoch: 1,
      })
      .execute();

  it("keeps each of the leader's rows in its latest state, and never overwrites a row of its own", async () => {
    await local("mine", "sent");
    await applyReplicaEntries(store.db, [
      { kind: "outbox", row: leaderRow("k1") },
      { kind: "outbox", row: leaderRow("k1", { state: "sending" }) },
      { kind: "outbox", row: leaderRow("mine", { state: "pending" }) },
    ]);
    expect(await rows()).toEqual([
      { dedupe_key: "k1", state: "sending", origin: "replica", epoch: 1 },
      { dedupe_key: "mine", state: "sent", origin: "local", epoch: 1 },
    ]);
  });

  it("on promotion takes the leader's open alerts over under its epoch, resending in-flight ones only where repeats are dropped", async () => {
    await applyReplicaEntries(store.db, [
      { kind: "outbox", row: leaderRow("waiting") },
      { kind: "outbox", row: leaderRow("in-flight-hook", { state: "sending" }) },
      { kind: "outbox", row: leaderRow("in-flight-chat", { state: "sending", channelId: chat }) },
      { kind: "outbox", row: leaderRow("delivered", { state: "sent", sentAt: "2030-01-01T00:00:01.000Z" }) },
    ]);
    expect(await adoptReplicaOutbox(store.db, 4, ["webhook"])).toEqual({ requeued: 1, resent: 1, unknown: 1 });
    expect(await rows()).toEqual([
      { dedupe_key: "delivered", state: "sent", origin: "replica", epoch: 1 },
      { dedupe_key: "in-flight-chat", state: "unknown", origin: "adopted", epoch: 1 },
      { dedupe_key: "in-flight-hook", state: "pending", origin: "adopted", epoch: 4 },
      { dedupe_key: "waiting", state: "pending", origin: "adopted", epoch: 4 },
    ]);
    // A feed answer that arrives after the promotion cannot take them back.
    await applyReplicaEntries(store.db, [{ kind: "outbox", row: leaderRow("waiting", { state: "failed" }) }]);
    expect((await rows()).find((r) => r.dedupe_key === "waiting")?.state).toBe("pending");
  });

  it("closes replicas the leader no longer lists as open or delivered", async () => {
    await applyReplicaEntries(store.db, [
      { kind: "outbox", row: leaderRow("still-open") },
      { kind: "outbox", row: leaderRow("given-up") },
    ]);
    expect(await closeStaleReplicas(store.db, new Set(["still-open"]))).toBe(1);
    expect((await rows()).map((r) => [r.dedupe_key, r.state])).toEqual([
      ["given-up", "failed"],
      ["still-open", "pending"],
    ]);
  });

  it("a hand-back marks what the follower delivered as sent and moves our waiting alerts to the new term", async () => {
    await local("theirs-too", "pending");
    await local("ours-only", "pending");
    const merged = await mergeHandback(
      store.db,
      {
        stateChanges: [],
        notifications: [
          {
            dedupeKey: "theirs-too",
            channelName: "hook",
            monitorName: "shop",
            event: "down",
            sentAt: "2030-01-01T00:00:05.000Z",
            epoch: 2,
          },
        ],
        pending: [],
        rollups: [],
        states: [],
      },
      "follower",
      3,
      { requeueOwn: true },
    );
    expect(merged).toMatchObject({ notifications: 1, requeued: 1 });
    expect(await rows()).toEqual([
      { dedupe_key: "ours-only", state: "pending", origin: "local", epoch: 3 },
      { dedupe_key: "theirs-too", state: "sent", origin: "local", epoch: 1 },
    ]);
  });

  it("lists an incident whose DOWN went out without its UP, per channel", async () => {
    const incident = `m${monitorId}-1`;
    await local(`down:${incident}::c${hook}`, "sent");
    await local(`down:${incident}::c${chat}`, "sent", chat);
    await local(`up:${incident}::c${hook}`, "sent", hook, "up");
    const since = new Date(Date.now() - 60_000);
    expect(await openIncidents(store.db, since)).toEqual([
      { monitorId, incidentKey: incident, downSince: "2030-01-01T00:00:00.000Z" },
    ]);
    await local(`up:${incident}::c${chat}`, "pending", chat, "up");
    expect(await openIncidents(store.db, since)).toEqual([]);
  });
});
