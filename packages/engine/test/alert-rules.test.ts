import {
  deleteMonitor,
  getMonitorStates,
  openAndMigrate,
  saveMonitorStates,
  setMonitorPaused,
  touchNode,
  type Store,
} from "@uptop/store";
import type { CheckReport, MonitorDraft } from "@uptop/core";
import type { Engine } from "../src/index.js";
import { addMonitor, addWebhookChannel, draft, startEngine, statusOf, waitFor } from "./harness.js";

// The wiring of the alert rules: the rules themselves are a table in @uptop/aggregation
// (alert-rules.test.ts). These drive the engine with votes handed in and a clock the test moves,
// and prove that reloads, the ticker, the outbox writer and the database carry the rules' plans:
// maintenance windows, pauses, deletions, group channels, certificates, reminders, node events.

const DAY_MS = 86_400_000;
let clock = Date.now();
const now = () => clock;

interface Row {
  event: string;
  channel_id: number;
  dedupe_key: string;
  monitor_id: number | null;
  payload: Record<string, unknown>;
}

/**
 * Outbox rows, without `node` ones unless asked: the test clock jumps days, so a monitor created
 * in real time may be flagged "no data" before its first vote, which is not what these test.
 */
function rowsOf(
  store: Store,
  where: { monitorId?: number; channelId?: number; keyLike?: string; nodeEvents?: boolean },
): Promise<Row[]> {
  let q = store.db.selectFrom("notifications").select(["event", "channel_id", "dedupe_key", "monitor_id", "payload"]);
  if (!where.nodeEvents) q = q.where("event", "!=", "node");
  if (where.monitorId !== undefined) q = q.where("monitor_id", "=", where.monitorId);
  if (where.channelId !== undefined) q = q.where("channel_id", "=", where.channelId);
  if (where.keyLike !== undefined) q = q.where("dedupe_key", "like", where.keyLike);
  return q.orderBy("id").execute() as Promise<Row[]>;
}

/** The incident part of a dedupe key (`event:incident:discriminator:channel`). */
const incidentOf = (r: Row) => r.dedupe_key.split(":")[1];

async function engineOn(store: Store): Promise<Engine> {
  const e = startEngine(store.db, { localChecks: false, now, refreshMs: 200 });
  await e.start();
  return e;
}

/** One round's vote, one second after the last: the engine decides it at once (no other voter). */
function vote(e: Engine, monitorId: number, ok: boolean, cert: CheckReport["cert"] = null): void {
  clock += 1000;
  e.ingest("leader", "local", [
    {
      monitorId,
      slotMs: clock,
      checkedAt: new Date(clock).toISOString(),
      ok,
      latencyMs: 5,
      statusCode: ok ? 200 : 500,
      error: ok ? null : { code: "HTTP_STATUS", message: "HTTP 500" },
      cert,
    },
  ]);
}

async function settled(e: Engine, store: Store, id: number, status: string): Promise<void> {
  await waitFor(status, async () => {
    await e.flush();
    return (await statusOf(store.db, id)) === status;
  });
}

/** Opens a maintenance window on the fake clock and waits until the engine applies it. */
async function openWindow(e: Engine, store: Store, id: number): Promise<number> {
  const win = await store.db
    .insertInto("maintenance_windows")
    .values({
      title: "upgrade",
      type: "maintenance",
      monitor_ids: [id],
      start_at: new Date(clock - 1000),
      end_at: null,
      recurrence: JSON.stringify(null),
      updated_at: new Date(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await tickUntil(e, store, id, "MAINTENANCE");
  return win.id;
}

async function closeWindow(e: Engine, store: Store, windowId: number, id: number, status: string): Promise<void> {
  await store.db
    .updateTable("maintenance_windows")
    .set({ end_at: new Date(clock), updated_at: new Date() })
    .where("id", "=", windowId)
    .execute();
  await tickUntil(e, store, id, status);
}

/** Maintenance is re-evaluated once a (fake) second: reload, move the clock, wait for the status. */
async function tickUntil(e: Engine, store: Store, id: number, status: string): Promise<void> {
  e.notifyChange();
  await waitFor(status, async () => {
    clock += 1000;
    await e.flush();
    return (await statusOf(store.db, id)) === status;
  });
}

function monitor(name: string, over: Partial<MonitorDraft> = {}): MonitorDraft {
  return draft({ name, type: "http", url: "http://127.0.0.1:9/", interval: 30, ...over });
}

describe("alert rules (monitor channels only, no default channel)", () => {
  let store: Store;
  let engine: Engine | null = null;
  beforeAll(async () => {
    store = await openAndMigrate({ type: "sqlite", dsn: ":memory:" });
  }, 60_000);
  afterEach(async () => {
    await engine?.stop();
    engine = null;
  });
  afterAll(async () => {
    await store.close();
  });

  it("resolves an alerted incident that recovers inside a maintenance window, once, and stays silent about one that began inside", async () => {
    const hook = await addWebhookChannel(store.db, "maint-hook", false);
    const id = await addMonitor(store.db, monitor("maint-recovers", { channels: ["maint-hook"] }));
    engine = await engineOn(store);
    vote(engine, id, true);
    vote(engine, id, false);
    await settled(engine, store, id, "DOWN");
    const win = await openWindow(engine, store, id);

    vote(engine, id, true); // the alerted incident ends inside the window
    vote(engine, id, false); // a new one begins inside: suppressed
    vote(engine, id, true); // and ends inside: never told, so nothing to resolve
    await closeWindow(engine, store, win, id, "UP");
    vote(engine, id, true);
    await engine.flush();

    const rows = await rowsOf(store, { monitorId: id });
    expect(rows.map((r) => r.event)).toEqual(["down", "up"]);
    expect(rows.every((r) => r.channel_id === hook)).toBe(true);
    expect(incidentOf(rows[1]!)).toBe(incidentOf(rows[0]!));
  }, 60_000);

  it("closes an alerted incident when the monitor is paused, once, and a resume that fails again is a new incident", async () => {
    await addWebhookChannel(store.db, "pause-hook", false);
    const id = await addMonitor(store.db, monitor("paused-while-down", { channels: ["pause-hook"] }));
    engine = await engineOn(store);
    vote(engine, id, false);
    await settled(engine, store, id, "DOWN");
    await setMonitorPaused(store.db, id, true);
    engine.notifyChange();
    await settled(engine, store, id, "PAUSED");
    await setMonitorPaused(store.db, id, false);
    engine.notifyChange();
    await settled(engine, store, id, "PENDING");
    vote(engine, id, false);
    await settled(engine, store, id, "DOWN");

    const rows = await rowsOf(store, { monitorId: id });
    expect(rows.map((r) => r.event)).toEqual(["down", "up", "down"]);
    expect(rows[1]!.payload).toMatchObject({ event: "up", status: "PAUSED", previousStatus: "DOWN" });
    expect(incidentOf(rows[1]!)).toBe(incidentOf(rows[0]!));
    expect(incidentOf(rows[2]!)).not.toBe(incidentOf(rows[0]!));
  }, 60_000);

  it("closes an alerted incident when the monitor is deleted while DOWN", async () => {
    const hook = await addWebhookChannel(store.db, "delete-hook", false);
    const id = await addMonitor(store.db, monitor("deleted-while-down", { channels: ["delete-hook"] }));
    engine = await engineOn(store);
    vote(engine, id, false);
    await settled(engine, store, id, "DOWN");
    const [down] = await rowsOf(store, { monitorId: id });
    await deleteMonitor(store.db, id);
    engine.notifyChange();
    const ups = await waitFor("the closing up", async () => {
      const r = await rowsOf(store, { keyLike: `up:m${id}-%` });
      return r.length ? r : null;
    });
    expect(ups).toHaveLength(1);
    expect(ups[0]).toMatchObject({ channel_id: hook, monitor_id: null });
    expect(ups[0]!.payload).toMatchObject({ event: "up", status: null, monitor: { id, name: "deleted-while-down" } });
    expect(incidentOf(ups[0]!)).toBe(incidentOf(down!));
  }, 60_000);

  it("closes an alerted incident once when a hand-back replaces its verdict with another node's", async () => {
    const hook = await addWebhookChannel(store.db, "superseded-hook", false);
    const id = await addMonitor(store.db, monitor("superseded", { channels: ["superseded-hook"] }));
    engine = await engineOn(store);
    vote(engine, id, false);
    await settled(engine, store, id, "DOWN");
    const [down] = await rowsOf(store, { monitorId: id });
    // The follower's final verdict, merged by a hand-back: it saw the monitor recover.
    const ours = (await getMonitorStates(store.db)).get(id)!;
    const since = new Date(clock).toISOString();
    await saveMonitorStates(store.db, [{ ...ours, status: "UP", health: "UP", since, downSince: null }]);
    await engine.reloadStates();
    await engine.reloadStates(); // a second merge (or a restart) closes nothing again
    await engine.stop();
    engine = await engineOn(store); // nor does a restart
    await engine.flush();

    const rows = await rowsOf(store, { monitorId: id });
    expect(rows.map((r) => [r.event, r.channel_id])).toEqual([
      ["down", hook],
      ["up", hook],
    ]);
    expect(incidentOf(rows[1]!)).toBe(incidentOf(down!));
    expect(rows[1]!.payload).toMatchObject({
      status: "UP",
      previousStatus: "DOWN",
      downSince: down!.payload.downSince,
    });
  }, 60_000);

  it("spares a child's DOWN only on the channels its group's alert reaches", async () => {
    const shared = await addWebhookChannel(store.db, "group-hook", false);
    const own = await addWebhookChannel(store.db, "kid2-hook", false);
    const group = await addMonitor(store.db, draft({ name: "loud-group", type: "group", channels: ["group-hook"] }));
    const kid = await addMonitor(
      store.db,
      monitor("kid2", { parent: "loud-group", channels: ["group-hook", "kid2-hook"] }),
    );
    engine = await engineOn(store);
    vote(engine, kid, false);
    await settled(engine, store, group, "DOWN");
    await engine.flush();
    expect((await rowsOf(store, { monitorId: group })).map((r) => [r.event, r.channel_id])).toEqual([["down", shared]]);
    expect((await rowsOf(store, { monitorId: kid })).map((r) => [r.event, r.channel_id])).toEqual([["down", own]]);
  }, 60_000);

  it("warns once when a certificate first seen outside the threshold crosses it, also after a restart", async () => {
    await addWebhookChannel(store.db, "cert-hook", false);
    const id = await addMonitor(
      store.db,
      monitor("cert-crosses", { url: "https://127.0.0.1:9/", certExpiryDays: 14, channels: ["cert-hook"] }),
    );
    const validTo = new Date(clock + 30 * DAY_MS + 3_600_000).toISOString();
    const cert = () => ({ validTo, daysLeft: Math.floor((Date.parse(validTo) - clock) / DAY_MS), expiringSoon: false });
    engine = await engineOn(store);
    vote(engine, id, true, cert());
    await engine.flush();
    expect(await rowsOf(store, { monitorId: id })).toEqual([]);

    clock += 17 * DAY_MS; // 13 days left now
    vote(engine, id, true, cert());
    vote(engine, id, true, cert());
    await engine.flush();
    let rows = await rowsOf(store, { monitorId: id });
    expect(rows.map((r) => r.event)).toEqual(["cert"]);
    expect(rows[0]!.payload).toMatchObject({ cert: { validTo, daysLeft: 13 } });

    await engine.stop();
    engine = await engineOn(store);
    vote(engine, id, true, cert());
    await engine.flush();
    rows = await rowsOf(store, { monitorId: id });
    expect(rows).toHaveLength(1);
  }, 60_000);

  it("reminds each channel on its own interval while DOWN, and stops after UP", async () => {
    const hourly = await addWebhookChannel(store.db, "remind-hourly", false);
    const twoHourly = await addWebhookChannel(store.db, "remind-2h", false);
    const never = await addWebhookChannel(store.db, "remind-never", false);
    await store.db.updateTable("channels").set({ reminder_interval_s: 3600 }).where("id", "=", hourly).execute();
    await store.db.updateTable("channels").set({ reminder_interval_s: 7200 }).where("id", "=", twoHourly).execute();
    const id = await addMonitor(
      store.db,
      monitor("reminded", { channels: ["remind-hourly", "remind-2h", "remind-never"] }),
    );
    engine = await engineOn(store);
    vote(engine, id, false);
    await settled(engine, store, id, "DOWN");
    const reminders = async () =>
      (await rowsOf(store, { monitorId: id }))
        .filter((r) => r.event === "reminder")
        .map((r) => [r.channel_id, r.dedupe_key.split(":")[2]]);
    const later = async (ms: number, want: number) => {
      clock += ms;
      vote(engine!, id, false);
      await waitFor(`${want} reminders`, async () => {
        await engine!.flush();
        return (await reminders()).length >= want;
      });
    };
    await later(61 * 60_000, 1);
    expect(await reminders()).toEqual([[hourly, "r1"]]);
    await later(60 * 60_000, 3);
    expect(await reminders()).toEqual([
      [hourly, "r1"],
      [hourly, "r2"],
      [twoHourly, "r1"],
    ]);

    vote(engine, id, true);
    await settled(engine, store, id, "UP");
    clock += 3 * 3_600_000;
    vote(engine, id, true);
    await new Promise((r) => setTimeout(r, 300)); // several ticks on the moved clock
    await engine.flush();
    expect(await reminders()).toHaveLength(3);
    expect((await rowsOf(store, { channelId: never })).map((r) => r.event)).toEqual(["down", "up"]);
  }, 60_000);
});

describe("node events (default channels)", () => {
  let store: Store;
  let engine: Engine | null = null;
  beforeAll(async () => {
    store = await openAndMigrate({ type: "sqlite", dsn: ":memory:" });
  }, 60_000);
  afterAll(async () => {
    await engine?.stop();
    await store.close();
  });

  it("tells the default channels once that a node went offline and once that it is back online, as one episode", async () => {
    const ops = await addWebhookChannel(store.db, "ops", true);
    const probe = { id: "probe-x", name: "probe-x", region: "eu-west", version: "test", role: "probe" as const };
    await touchNode(store.db, probe, new Date(clock - 10 * 60_000));
    engine = await engineOn(store);
    const nodeRows = async () =>
      (await rowsOf(store, { channelId: ops, nodeEvents: true })).filter((r) => r.event === "node");
    await waitFor("offline", async () => (await nodeRows()).length === 1);
    await touchNode(store.db, probe, new Date(clock));
    await waitFor("online", async () => (await nodeRows()).length === 2);
    await new Promise((r) => setTimeout(r, 500)); // more reloads: nothing new
    const rows = await nodeRows();
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => (r.payload as { node: { status: string } }).node.status)).toEqual(["offline", "online"]);
    expect(incidentOf(rows[1]!)).toBe(incidentOf(rows[0]!));
    expect(rows.every((r) => r.monitor_id === null)).toBe(true);
  }, 60_000);
});
