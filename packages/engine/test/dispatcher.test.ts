import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { listAttempts, listNotifications, openAndMigrate, type Store } from "@uptop/store";
import { createTempDatabase, quietLogger, type TempDatabase } from "@uptop/test-kit";
import { Dispatcher, EngineMetrics, retryDelayMs, type DispatcherOptions } from "../src/index.js";
import { waitFor } from "./harness.js";
import { addChannel, enqueue, FakeProvider, keyedBox, rowOf } from "./outbox-fakes.js";

const CHILD = join(dirname(fileURLToPath(import.meta.url)), "fixtures", "dispatch-child.mjs");
const box = keyedBox();

function dispatcher(store: Store, over: Partial<DispatcherOptions> = {}): Dispatcher {
  return new Dispatcher({
    db: store.db,
    box,
    logger: quietLogger(),
    nodeId: "leader",
    epoch: () => 1,
    isActive: () => true,
    pollMs: 50,
    backoffBaseMs: 50,
    backoffMaxMs: 200,
    // The fake receivers listen on loopback, which the SSRF guard refuses without this.
    allowPrivateTargets: true,
    ...over,
  });
}

describe("retryDelayMs", () => {
  it.each([
    [1, 5000, 4000, 6000],
    [2, 10_000, 8000, 12_000],
    [3, 20_000, 16_000, 24_000],
    [12, 600_000, 480_000, 600_000],
  ])("attempt %i waits about %i ms", (attempt, _nominal, min, max) => {
    for (const r of [0, 0.5, 0.999]) {
      const d = retryDelayMs(attempt, 5000, 600_000, () => r);
      expect(d).toBeGreaterThanOrEqual(min);
      expect(d).toBeLessThanOrEqual(max);
    }
  });
});

describe("dispatcher on PGlite", () => {
  let store: Store;
  let fake: FakeProvider;
  let hook: number;
  let d: Dispatcher | null = null;

  beforeAll(async () => {
    store = await openAndMigrate({ type: "sqlite", dsn: ":memory:" });
    fake = await new FakeProvider().start();
    hook = await addChannel(
      store.db,
      box,
      "hook",
      "webhook",
      { url: `${fake.url}/hook`, secret: "signing-secret-1234" },
      ["secret"],
    );
  }, 60_000);
  beforeEach(() => {
    fake.hits = [];
    fake.script = [];
    fake.status = 200;
  });
  afterEach(async () => {
    await d?.stop();
    d = null;
  });
  afterAll(async () => {
    await fake.stop();
    await store.close();
  });

  it("retries after 500s and marks the row sent on the first success, logging every attempt", async () => {
    fake.script = [500, 503];
    const metrics = new EngineMetrics();
    const id = await enqueue(store.db, hook, "retry-then-ok");
    d = dispatcher(store, { metrics });
    d.start();
    await waitFor("sent", async () => (await rowOf(store.db, id)).state === "sent");
    const row = await rowOf(store.db, id);
    expect(row.attempts).toBe(3);
    expect(row.sent_at).not.toBeNull();
    expect(row.claimed_by).toBeNull();
    expect(fake.hits).toHaveLength(3);
    const log = await store.db
      .selectFrom("notification_attempts")
      .selectAll()
      .where("notification_id", "=", id)
      .orderBy("id")
      .execute();
    expect(log.map((a) => [a.attempt, a.ok, a.status])).toEqual([
      [1, false, 500],
      [2, false, 503],
      [3, true, null],
    ]);
    const text = await metrics.registry.getSingleMetricAsString("uptop_notifications_total");
    expect(text).toContain('channel_type="webhook",result="retry"} 2');
    expect(text).toContain('channel_type="webhook",result="sent"} 1');
  }, 30_000);

  it("gives up after maxAttempts retryable failures", async () => {
    fake.status = 500;
    const id = await enqueue(store.db, hook, "always-500");
    d = dispatcher(store, { maxAttempts: 3 });
    d.start();
    await waitFor("failed", async () => (await rowOf(store.db, id)).state === "failed");
    const row = await rowOf(store.db, id);
    expect(row.attempts).toBe(3);
    expect(row.last_error).toMatch(/^gave up after 3 attempts: .*500/);
    expect(fake.hits).toHaveLength(3);
  }, 30_000);

  it("fails a non-retryable 4xx at once", async () => {
    fake.status = 400;
    const id = await enqueue(store.db, hook, "bad-request");
    d = dispatcher(store);
    d.start();
    await waitFor("failed", async () => (await rowOf(store.db, id)).state === "failed");
    await new Promise((r) => setTimeout(r, 300));
    expect((await rowOf(store.db, id)).attempts).toBe(1);
    expect(fake.hits).toHaveLength(1);
  }, 30_000);

  it("fails a receiver on a private address at once, with the refusal on the row, and never reaches it", async () => {
    const metrics = new EngineMetrics();
    const id = await enqueue(store.db, hook, "private-receiver");
    d = dispatcher(store, { allowPrivateTargets: false, metrics });
    await d.runOnce();
    const row = await rowOf(store.db, id);
    expect(row.state).toBe("failed");
    expect(row.attempts).toBe(1);
    expect(row.last_error).toMatch(
      /^webhook \(http:\/\/127\.0\.0\.1:\d+\) refused: 127\.0\.0\.1 is a private or reserved address; set UPTOP_ALLOW_PRIVATE_TARGETS=true/,
    );
    expect(await listAttempts(store.db, id)).toMatchObject([{ ok: false, retryable: false }]);
    expect(fake.hits).toHaveLength(0);
    const text = await metrics.registry.getSingleMetricAsString("uptop_notifications_total");
    expect(text).toContain('channel_type="webhook",result="failed"} 1');
  });

  it("never sends a row of an older epoch: it is failed as fenced", async () => {
    const old = await enqueue(store.db, hook, "old-term", 1);
    d = dispatcher(store, { epoch: () => 2 });
    expect(await d.runOnce()).toBeGreaterThanOrEqual(1);
    const row = await rowOf(store.db, old);
    expect(row.state).toBe("failed");
    expect(row.last_error).toBe("fenced: epoch 1 < 2");
    expect(fake.hits).toHaveLength(0);
  });

  it("sends nothing while the node is not active", async () => {
    const id = await enqueue(store.db, hook, "standby");
    let active = false;
    d = dispatcher(store, { isActive: () => active });
    expect(await d.runOnce()).toBe(0);
    expect((await rowOf(store.db, id)).state).toBe("pending");
    expect(fake.hits).toHaveLength(0);
    active = true;
    await d.runOnce();
    expect((await rowOf(store.db, id)).state).toBe("sent");
  });

  it("fails rows of a disabled channel without sending them", async () => {
    const off = await addChannel(store.db, box, "off", "webhook", { url: `${fake.url}/off` }, []);
    await store.db.updateTable("channels").set({ enabled: false }).where("id", "=", off).execute();
    const id = await enqueue(store.db, off, "disabled");
    d = dispatcher(store);
    await d.runOnce();
    expect(await rowOf(store.db, id)).toMatchObject({ state: "failed", last_error: "channel disabled" });
    expect(fake.hits).toHaveLength(0);
  });

  it("keeps one monitor's notifications in order: an UP waits while its DOWN is retried", async () => {
    const monitor = await store.db
      .insertInto("monitors")
      .values({
        name: "ordered",
        type: "http",
        interval_s: 60,
        timeout_s: 10,
        retries: 0,
        recovery_threshold: 1,
        method: "GET",
        headers: "{}",
        accepted_codes: "200-299",
        follow_redirects: true,
        max_redirects: 10,
        ignore_tls: false,
        cert_expiry_days: 14,
        expected: [],
        expected_mode: "any",
        ping_count: 1,
        regions: [],
        paused: false,
        updated_at: new Date(),
      } as never)
      .returning("id")
      .executeTakeFirstOrThrow();
    fake.script = [500];
    const down = await enqueue(store.db, hook, "inc-1-down", 1, { event: "down" });
    const up = await enqueue(store.db, hook, "inc-1-up", 1, { event: "up" });
    await store.db.updateTable("notifications").set({ monitor_id: monitor.id }).where("id", "in", [down, up]).execute();
    d = dispatcher(store);
    d.start();
    await waitFor("both sent", async () => (await rowOf(store.db, up)).state === "sent");
    expect(fake.hits.map((h) => h.body.event)).toEqual(["down", "down", "up"]);
  }, 30_000);
});

describe("dispatchers on one Postgres database", () => {
  let temp: TempDatabase;
  let store: Store;
  let fake: FakeProvider;
  let hook: number;

  beforeAll(async () => {
    temp = await createTempDatabase("uptop_dispatch");
    store = await openAndMigrate({ type: "postgres", dsn: temp.dsn });
    fake = await new FakeProvider().start();
    hook = await addChannel(
      store.db,
      box,
      "hook",
      "webhook",
      { url: `${fake.url}/hook`, secret: "signing-secret-1234" },
      ["secret"],
    );
  }, 60_000);
  afterAll(async () => {
    await fake.stop();
    await store.close();
    await temp.drop();
  });

  it("two dispatchers racing over 50 rows send each row exactly once", async () => {
    fake.hits = [];
    const ids: number[] = [];
    for (let i = 0; i < 50; i++) ids.push(await enqueue(store.db, hook, `race-${i}`));
    // Two pools, like two processes: each dispatcher has its own connections.
    const second = await openAndMigrate({ type: "postgres", dsn: temp.dsn });
    const a = dispatcher(store, { batchSize: 7, concurrency: 4 });
    const b = dispatcher(second, { batchSize: 7, concurrency: 4 });
    try {
      const pending = async () =>
        Number(
          (
            await store.db
              .selectFrom("notifications")
              .select((eb) => eb.fn.countAll().as("n"))
              .where("state", "=", "pending")
              .executeTakeFirstOrThrow()
          ).n,
        );
      while ((await pending()) > 0) await Promise.all([a.runOnce(), b.runOnce(), a.runOnce(), b.runOnce()]);
    } finally {
      await a.stop();
      await b.stop();
      await second.close();
    }
    expect(fake.hits).toHaveLength(50);
    expect(new Set(fake.hits.map((h) => h.body.reason)).size).toBe(50);
    const rows = await store.db
      .selectFrom("notifications")
      .select(["state", "attempts", "claimed_by"])
      .where("id", "in", ids)
      .execute();
    expect(rows.every((r) => r.state === "sent" && r.attempts === 1)).toBe(true);
    const log = await store.db
      .selectFrom("notification_attempts")
      .select("notification_id")
      .where("notification_id", "in", ids)
      .execute();
    expect(new Set(log.map((l) => l.notification_id)).size).toBe(50);
    expect(log).toHaveLength(50);
  }, 60_000);

  /** Starts a dispatcher process, and kill -9s it the moment the provider has its request. */
  async function killMidSend(leaseMs: number): Promise<void> {
    fake.hang = true;
    const child = spawn(process.execPath, [CHILD, temp.dsn, Buffer.alloc(32, 7).toString("hex"), String(leaseMs)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const exited = new Promise((r) => child.on("exit", r));
    try {
      // The send happened, the mark did not.
      await new Promise<void>((resolve) => (fake.onHit = () => resolve()));
      child.kill("SIGKILL");
      await exited;
    } finally {
      fake.onHit = null;
      fake.hang = false;
      child.kill("SIGKILL");
    }
  }

  it("a dispatcher killed between send and mark: a chat message is delivered exactly once and the row shows as unknown", async () => {
    fake.hits = [];
    const chat = await addChannel(store.db, box, "chat", "slack", { webhookUrl: `${fake.url}/slack` }, ["webhookUrl"]);
    const id = await enqueue(store.db, chat, "crash-chat");
    try {
      await killMidSend(1000);
      const started = await rowOf(store.db, id);
      expect(started).toMatchObject({ state: "sending", attempts: 0 });
      expect(started.claimed_by).toMatch(/^child:/);

      const d = dispatcher(store);
      d.start();
      try {
        await waitFor("interrupted send settled", async () => (await rowOf(store.db, id)).state !== "sending", 20_000);
        // Well past the survivor's own polls: it never sends the row again.
        await new Promise((r) => setTimeout(r, 500));
      } finally {
        await d.stop();
      }
      expect(fake.hits).toHaveLength(1);
      const [listed] = await listNotifications(store.db, { channelId: chat, limit: 10 });
      expect(listed).toMatchObject({ id, state: "unknown", attempts: 1, sentAt: null });
      expect(listed!.lastError).toMatch(/^interrupted: .*not sent again, because slack would show a repeat/);
      const log = await listAttempts(store.db, id);
      expect(log).toMatchObject([{ attempt: 1, ok: false, nodeId: "child" }]);
    } finally {
      await store.db.deleteFrom("channels").where("id", "=", chat).execute();
    }
  }, 60_000);

  it("a dispatcher killed between send and mark: a webhook is sent again with the same delivery id, which the receiver drops", async () => {
    fake.hits = [];
    const id = await enqueue(store.db, hook, "crash-hook");
    await killMidSend(1000);
    expect((await rowOf(store.db, id)).state).toBe("sending");

    const d = dispatcher(store);
    d.start();
    try {
      await waitFor("sent by the survivor", async () => (await rowOf(store.db, id)).state === "sent", 20_000);
    } finally {
      await d.stop();
    }
    expect(fake.hits).toHaveLength(2);
    const deliveries = fake.hits.map((h) => h.headers["x-uptop-delivery"]);
    expect(deliveries).toEqual([`crash-hook:c${hook}`, `crash-hook:c${hook}`]);
    const log = await listAttempts(store.db, id);
    expect(log?.map((a) => [a.attempt, a.ok])).toEqual([
      [1, false],
      [2, true],
    ]);
  }, 60_000);

  /**
   * Dispatcher a starts the one due send and stalls 1.5 s on it; once its 300 ms lease has run
   * out, a second dispatcher b (its own connection) runs twice, then `afterSecond` looks at the
   * row before a's late answer arrives.
   */
  async function stallPastLease(afterSecond: () => Promise<void>): Promise<void> {
    const second = await openAndMigrate({ type: "postgres", dsn: temp.dsn });
    const a = dispatcher(store, { leaseMs: 300, timeoutMs: 5000 });
    const b = dispatcher(second, { leaseMs: 300, timeoutMs: 5000 });
    try {
      fake.delays = [1500];
      const slow = a.runOnce();
      await waitFor("a is sending", async () => fake.hits.length === 1);
      await new Promise((r) => setTimeout(r, 600)); // a's lease has run out
      await b.runOnce();
      await b.runOnce();
      await afterSecond();
      await slow;
    } finally {
      await a.stop();
      await b.stop();
      await second.close();
    }
  }

  it("a send stalled past its lease is not sent again by a second dispatcher, and its late answer is recorded once", async () => {
    fake.hits = [];
    const chat = await addChannel(store.db, box, "stall-chat", "slack", { webhookUrl: `${fake.url}/slack` }, [
      "webhookUrl",
    ]);
    const id = await enqueue(store.db, chat, "stall-chat");
    await stallPastLease(async () => expect((await rowOf(store.db, id)).state).toBe("unknown"));
    expect(fake.hits).toHaveLength(1);
    // The sender that was only slow knows the answer after all: the row is sent, not unknown.
    const row = await rowOf(store.db, id);
    expect(row).toMatchObject({ state: "sent", attempts: 2, claimed_by: null });
    const log = await listAttempts(store.db, id);
    expect(log?.map((l) => [l.attempt, l.ok])).toEqual([
      [1, false],
      [2, true],
    ]);
    await store.db.deleteFrom("channels").where("id", "=", chat).execute();
  }, 60_000);

  it("two dispatchers and a webhook send stalled past its lease: the second sends it again, and only one of them marks it", async () => {
    fake.hits = [];
    const id = await enqueue(store.db, hook, "stall-hook");
    // b's first pass recovers the row (pending again), its second sends and marks it; a's late
    // answer must not mark the row a second time.
    await stallPastLease(async () => expect((await rowOf(store.db, id)).state).toBe("sent"));
    expect(fake.hits.map((h) => h.headers["x-uptop-delivery"])).toEqual([`stall-hook:c${hook}`, `stall-hook:c${hook}`]);
    const log = await listAttempts(store.db, id);
    expect(log?.map((l) => [l.attempt, l.ok])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(await rowOf(store.db, id)).toMatchObject({ state: "sent", attempts: 2, claimed_by: null });
  }, 60_000);
});
