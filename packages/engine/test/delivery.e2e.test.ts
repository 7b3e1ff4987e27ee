import { openAndMigrate, type Store } from "@uptop/store";
import { Dispatcher, type Engine } from "../src/index.js";
import { HttpTarget as Target, quietLogger } from "@uptop/test-kit";
import { addMonitor, draft, startEngine, statusOf, waitFor } from "./harness.js";
import { addChannel, FakeProvider, keyedBox } from "./outbox-fakes.js";

// The acceptance: DOWN then UP delivers exactly one down and one up to each channel,
// and PagerDuty sees trigger then resolve under one dedup_key.
describe("engine + outbox + dispatcher end to end", () => {
  let store: Store;
  let target: Target;
  let hook: FakeProvider;
  let pd: FakeProvider;
  let engine: Engine | null = null;
  let dispatcher: Dispatcher | null = null;
  const box = keyedBox();

  beforeAll(async () => {
    store = await openAndMigrate({ type: "sqlite", dsn: ":memory:" });
    target = await new Target().start();
    hook = await new FakeProvider().start();
    pd = await new FakeProvider().start();
    pd.status = 202;
  }, 60_000);

  afterAll(async () => {
    await dispatcher?.stop();
    await engine?.stop();
    await Promise.all([target.stop(), hook.stop(), pd.stop()]);
    await store.close();
  });

  it("delivers exactly one down and one up to a webhook and to PagerDuty", async () => {
    await addChannel(store.db, box, "ops-hook", "webhook", { url: `${hook.url}/hook`, secret: "hook-signing-secret" }, [
      "secret",
      "headers",
    ]);
    await addChannel(
      store.db,
      box,
      "pager",
      "pagerduty",
      { routingKey: "routing-key-0123456789", eventsUrl: `${pd.url}/v2/enqueue` },
      ["routingKey"],
    );
    target.mode = "up";
    const id = await addMonitor(
      store.db,
      draft({ name: "checkout", type: "http", url: target.url, channels: ["ops-hook", "pager"] }),
    );
    engine = startEngine(store.db, { box });
    await engine.start();
    dispatcher = new Dispatcher({
      db: store.db,
      box,
      logger: quietLogger(),
      nodeId: "leader",
      epoch: () => 1,
      isActive: () => true,
      pollMs: 100,
      allowPrivateTargets: true,
    });
    dispatcher.start();

    await waitFor("UP", async () => (await statusOf(store.db, id)) === "UP");
    target.mode = "down";
    await waitFor("DOWN", async () => (await statusOf(store.db, id)) === "DOWN");
    await waitFor("down delivered", async () => hook.hits.length >= 1 && pd.hits.length >= 1);
    target.mode = "up";
    await waitFor("UP again", async () => (await statusOf(store.db, id)) === "UP");
    await waitFor("up delivered", async () => hook.hits.length >= 2 && pd.hits.length >= 2);
    // Several more check rounds and dispatch polls: nothing else may arrive.
    await new Promise((r) => setTimeout(r, 3000));

    expect(hook.hits.map((h) => h.body.event)).toEqual(["down", "up"]);
    expect(hook.hits[0]!.body).toMatchObject({ status: "DOWN", monitor: { name: "checkout" }, epoch: 1 });
    expect(pd.hits.map((h) => h.body.event_action)).toEqual(["trigger", "resolve"]);
    expect(pd.hits[0]!.body.dedup_key).toBe(pd.hits[1]!.body.dedup_key);
    expect(pd.hits[0]!.body.routing_key).toBe("routing-key-0123456789");
    const rows = await store.db
      .selectFrom("notifications")
      .select(["event", "state", "attempts"])
      .where("monitor_id", "=", id)
      .orderBy("id")
      .execute();
    expect(rows).toEqual([
      { event: "down", state: "sent", attempts: 1 },
      { event: "down", state: "sent", attempts: 1 },
      { event: "up", state: "sent", attempts: 1 },
      { event: "up", state: "sent", attempts: 1 },
    ]);
  }, 90_000);
});
