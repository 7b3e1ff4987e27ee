import https from "node:https";
import type { AddressInfo } from "node:net";
import { generate } from "selfsigned";
import { openAndMigrate, type Store } from "@uptop/store";
import { BACKENDS, createTempDatabase, HttpTarget as Target, type TempDatabase } from "@uptop/test-kit";
import {
  addMonitor,
  addWebhookChannel,
  changesOf,
  draft,
  healthOf,
  notificationsOf,
  startEngine,
  statusOf,
  waitFor,
} from "./harness.js";
import { EngineMetrics, type Engine } from "../src/index.js";

// The engine's whole write path (results, states, transitions, outbox) on each database.
describe.each(BACKENDS)("on %s", (backend) => {
  let store: Store;
  let temp: TempDatabase;
  let target: Target;
  let engine: Engine | null = null;

  beforeAll(async () => {
    temp = await createTempDatabase("uptop_engine", backend);
    store = await openAndMigrate(temp);
    await addWebhookChannel(store.db, "ops");
    target = await new Target().start();
  }, 60_000);

  afterEach(async () => {
    await engine?.stop();
    engine = null;
  });

  afterAll(async () => {
    await target.stop();
    await store.close();
    await temp.drop();
  });

  describe("engine on a real target", () => {
    it("goes PENDING → UP, DOWN only after retries+1 failed rounds, UP after the recovery threshold, alerting once each way", async () => {
      target.mode = "up";
      const id = await addMonitor(
        store.db,
        draft({ name: "web", type: "http", url: target.url, retries: 1, recoveryThreshold: 2 }),
      );
      engine = startEngine(store.db);
      await engine.start();
      await waitFor("UP", async () => (await statusOf(store.db, id)) === "UP");

      target.mode = "down";
      await waitFor("PENDING after the first failure", async () => (await statusOf(store.db, id)) === "PENDING");
      await waitFor("DOWN", async () => (await statusOf(store.db, id)) === "DOWN");
      target.mode = "up";
      await waitFor("UP again", async () => (await statusOf(store.db, id)) === "UP");
      await engine.flush();

      const changes = await changesOf(store.db, id);
      expect(changes.map((c) => `${c.from}>${c.to}`)).toEqual(["PENDING>UP", "UP>PENDING", "PENDING>DOWN", "DOWN>UP"]);
      expect(changes[2]!.reason).toMatch(/2 failed rounds/);
      expect(changes[3]!.reason).toMatch(/2 successful rounds/);
      const sent = await notificationsOf(store.db, id);
      expect(sent.map((n) => n.event)).toEqual(["down", "up"]);
    }, 60_000);

    it("gives the DOWN alert the same downSince as the stored change, on a clock that moves between reads", async () => {
      // A real clock can tick a millisecond between two reads; this one always does.
      let last = 0;
      const now = () => (last = Math.max(Date.now(), last + 1));
      target.mode = "up";
      const id = await addMonitor(store.db, draft({ name: "ticking", type: "http", url: target.url }));
      engine = startEngine(store.db, { now });
      await engine.start();
      await waitFor("UP", async () => (await statusOf(store.db, id)) === "UP");
      target.mode = "down";
      await waitFor("DOWN", async () => (await statusOf(store.db, id)) === "DOWN");
      await engine.flush();

      const change = await store.db
        .selectFrom("state_changes")
        .select("at")
        .where("monitor_id", "=", id)
        .where("to_status", "=", "DOWN")
        .executeTakeFirstOrThrow();
      const alert = await store.db
        .selectFrom("notifications")
        .select("payload")
        .where("monitor_id", "=", id)
        .where("event", "=", "down")
        .executeTakeFirstOrThrow();
      const sent = alert.payload as { downSince: string; at: string };
      expect(sent.downSince).toBe(change.at.toISOString());
      expect(sent.at).toBe(sent.downSince);
      target.mode = "up";
    }, 60_000);

    it("keeps the certificate a TLS check saw in the monitor's last check, through a check that saw none", async () => {
      const validTo = new Date(Date.now() + 40 * 86_400_000);
      validTo.setUTCMilliseconds(0);
      const pems = await generate([{ name: "commonName", value: "localhost" }], {
        keyType: "ec",
        algorithm: "sha256",
        notBeforeDate: new Date(Date.now() - 86_400_000),
        notAfterDate: validTo,
      });
      const tls = https.createServer({ key: pems.private, cert: pems.cert }, (_req, res) => res.end("ok"));
      await new Promise<void>((resolve) => tls.listen(0, "127.0.0.1", resolve));
      const url = `https://127.0.0.1:${(tls.address() as AddressInfo).port}/`;
      try {
        const id = await addMonitor(store.db, draft({ name: "tls-site", type: "http", url, ignoreTls: true }));
        engine = startEngine(store.db);
        await engine.start();
        const certOf = async () => {
          const row = await store.db
            .selectFrom("monitor_state")
            .select("last_result")
            .where("monitor_id", "=", id)
            .executeTakeFirst();
          const saved = row?.last_result as { lastCheck?: { certValidTo?: string | null; ok: boolean } } | null;
          return saved?.lastCheck ?? null;
        };
        const seen = await waitFor("a check that saw the certificate", async () => (await certOf())?.certValidTo);
        expect(Date.parse(seen)).toBe(validTo.getTime());
        // The server goes away: the failed checks see no certificate, and the last one seen stays.
        await new Promise<void>((resolve) => tls.close(() => resolve()));
        tls.closeAllConnections();
        const failed = await waitFor("a failed check", async () => {
          const last = await certOf();
          return last?.ok === false ? last : null;
        });
        expect(failed.certValidTo).toBe(seen);
      } finally {
        tls.close();
      }
    }, 60_000);

    it("records how long a failed check ran in the duration histogram, not 0 s", async () => {
      // A database of its own, so the histogram holds this monitor's checks only.
      const own = await openAndMigrate({ type: "sqlite", dsn: ":memory:" });
      target.set("/slow", "slow");
      const id = await addMonitor(
        own.db,
        draft({ name: "slow", type: "http", url: `${target.url}slow`, timeout: 0.5 }),
      );
      const metrics = new EngineMetrics();
      engine = startEngine(own.db, { metrics });
      try {
        await engine.start();
        await waitFor("DOWN on timeouts", async () => (await statusOf(own.db, id)) === "DOWN");
        const values = (await metrics.checkDuration.get()).values;
        const of = (name: string, le?: number) =>
          values.find((v) => v.metricName === name && (le === undefined || v.labels.le === le))?.value ?? 0;
        const count = of("uptop_check_duration_seconds_count");
        expect(count).toBeGreaterThan(0);
        // Every one of them waited out the 0.5 s timeout.
        expect(of("uptop_check_duration_seconds_sum")).toBeGreaterThanOrEqual(0.45 * count);
        expect(of("uptop_check_duration_seconds_bucket", 0.25)).toBe(0);
      } finally {
        await engine.stop();
        engine = null;
        await own.close();
      }
    }, 60_000);

    it("with more due checks than its concurrency, starts them late and says so, and times none out", async () => {
      // 20 checks of 300 ms two at a time: the last starts ~2.7 s after it was due, well past its 1 s timeout.
      const own = await openAndMigrate({ type: "sqlite", dsn: ":memory:" });
      const slowTarget = await new Target().start();
      slowTarget.mode = "slow";
      slowTarget.slowMs = 300;
      const metrics = new EngineMetrics();
      engine = startEngine(own.db, { metrics, concurrency: 2 });
      try {
        await engine.start();
        const ids: number[] = [];
        for (let i = 0; i < 20; i++) {
          ids.push(
            await addMonitor(own.db, draft({ name: `queued-${i}`, type: "http", url: slowTarget.url, timeout: 1 })),
          );
        }
        engine.notifyChange();
        let lagSeen = 0;
        let scrapedBehind = 0;
        await waitFor("every monitor checked", async () => {
          const s = engine!.schedulerStats();
          lagSeen = Math.max(lagSeen, s.lagMs);
          expect(s.inFlight).toBeLessThanOrEqual(2);
          const scraped = /^uptop_scheduler_behind_seconds(?:\{[^}]*\})? (\S+)$/m.exec(
            await metrics.registry.metrics(),
          );
          scrapedBehind = Math.max(scrapedBehind, Number(scraped?.[1] ?? 0));
          const statuses = await Promise.all(ids.map((id) => statusOf(own.db, id)));
          return statuses.every((st) => st !== undefined && st !== "PENDING") ? statuses : undefined;
        });
        expect(new Set(await Promise.all(ids.map((id) => statusOf(own.db, id))))).toEqual(new Set(["UP"]));
        expect(lagSeen).toBeGreaterThan(1000);
        expect(scrapedBehind).toBeGreaterThan(1);
      } finally {
        await engine.stop();
        engine = null;
        await slowTarget.stop();
        await own.close();
      }
    }, 60_000);

    it("resumes the same status and counters after a restart", async () => {
      target.mode = "down";
      const id = await addMonitor(
        store.db,
        draft({ name: "restart", type: "http", url: target.url, interval: 2, timeout: 1 }),
      );
      engine = startEngine(store.db);
      await engine.start();
      await waitFor("DOWN", async () => (await statusOf(store.db, id)) === "DOWN");
      await engine.stop();
      const before = await changesOf(store.db, id);

      engine = startEngine(store.db);
      await engine.start();
      // Still failing: a resumed DOWN must not become a fresh PENDING→DOWN with a second alert.
      await new Promise((r) => setTimeout(r, 3000));
      await engine.flush();
      expect(await statusOf(store.db, id)).toBe("DOWN");
      expect(await changesOf(store.db, id)).toEqual(before);
      expect((await notificationsOf(store.db, id)).filter((n) => n.event === "down")).toHaveLength(1);
    }, 60_000);

    it("pushes: UP on push, LATE after the interval, DOWN after the grace, and a never-pushed monitor goes DOWN", async () => {
      const id = await addMonitor(
        store.db,
        draft({ name: "cron", type: "push", interval: 1, grace: 1, token: "push-token-abcdefghijklmnop" }),
      );
      const never = await addMonitor(store.db, draft({ name: "never", type: "push", interval: 1, grace: 1 }));
      engine = startEngine(store.db);
      await engine.start();
      expect(engine.push("push-token-abcdefghijklmnop", { down: false, message: null })).toMatchObject({ found: true });
      expect(engine.push("no-such-token-aaaaaaaaaaa", { down: false, message: null })).toEqual({ found: false });
      await waitFor("UP", async () => (await statusOf(store.db, id)) === "UP");
      await waitFor("LATE", async () => (await statusOf(store.db, id)) === "LATE");
      await waitFor("DOWN", async () => (await statusOf(store.db, id)) === "DOWN");
      await waitFor("never-pushed DOWN", async () => (await statusOf(store.db, never)) === "DOWN");
      engine.push("push-token-abcdefghijklmnop", { down: true, message: "backup failed" });
      engine.push("push-token-abcdefghijklmnop", { down: false, message: null });
      await waitFor("UP after push", async () => (await statusOf(store.db, id)) === "UP");
      await engine.flush();
      const changes = await changesOf(store.db, id);
      expect(changes.map((c) => c.to)).toEqual(["UP", "LATE", "DOWN", "UP"]);
      const neverDown = (await changesOf(store.db, never)).find((c) => c.to === "DOWN");
      expect(neverDown?.reason).toMatch(/no push received since the monitor was created/);
    }, 60_000);

    it("gives a push monitor a full interval and grace after a restart instead of calling it DOWN at once", async () => {
      let clock = Date.now();
      const now = () => clock;
      const id = await addMonitor(
        store.db,
        draft({ name: "nightly", type: "push", interval: 60, grace: 60, token: "push-token-nightly-abcdefgh" }),
      );
      engine = startEngine(store.db, { now });
      await engine.start();
      engine.push("push-token-nightly-abcdefgh", { down: false, message: null });
      await waitFor("UP", async () => (await statusOf(store.db, id)) === "UP");
      await engine.stop();

      // The node was away for ten minutes: the job's pushes went nowhere.
      clock += 10 * 60_000;
      engine = startEngine(store.db, { now });
      await engine.start();
      await new Promise((r) => setTimeout(r, 1000)); // many ticks on the frozen clock
      await engine.flush();
      expect(await statusOf(store.db, id)).toBe("UP");
      clock += 61_000;
      await waitFor("LATE a full interval after the restart", async () => (await statusOf(store.db, id)) === "LATE");
      clock += 60_000;
      await waitFor("DOWN after interval and grace", async () => (await statusOf(store.db, id)) === "DOWN");
      const down = (await changesOf(store.db, id)).find((c) => c.to === "DOWN");
      expect(down?.reason).toMatch(/no push for 12m/);
    }, 60_000);

    it("suppresses alerts during maintenance and does not re-alert a monitor DOWN before the window", async () => {
      target.mode = "down";
      const id = await addMonitor(store.db, draft({ name: "maint", type: "http", url: target.url }));
      engine = startEngine(store.db);
      await engine.start();
      await waitFor("DOWN", async () => (await statusOf(store.db, id)) === "DOWN");
      const win = await store.db
        .insertInto("maintenance_windows")
        .values({
          title: "upgrade",
          type: "maintenance",
          monitor_ids: [id],
          start_at: new Date(Date.now() - 1000),
          end_at: null,
          recurrence: JSON.stringify(null),
          updated_at: new Date(),
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      engine.notifyChange();
      await waitFor("MAINTENANCE", async () => (await statusOf(store.db, id)) === "MAINTENANCE");
      target.mode = "up";
      await waitFor("healthy inside the window", async () => (await healthOf(store.db, id)) === "UP");
      target.mode = "down";
      await waitFor("down again inside the window", async () => (await healthOf(store.db, id)) === "DOWN");
      expect(await statusOf(store.db, id)).toBe("MAINTENANCE");
      await store.db.updateTable("maintenance_windows").set({ end_at: new Date() }).where("id", "=", win.id).execute();
      engine.notifyChange();
      await waitFor("DOWN after the window", async () => (await statusOf(store.db, id)) === "DOWN");
      await engine.flush();
      // The alerted incident that recovered inside the window is resolved (its channels heard its
      // DOWN); the one that went DOWN inside the window is a new one: it alerts once at the
      // window's end; the original incident's alert is not repeated.
      const sent = await notificationsOf(store.db, id);
      const ups = sent.filter((n) => n.event === "up");
      const downs = sent.filter((n) => n.event === "down");
      expect(downs).toHaveLength(2);
      expect(new Set(downs.map((d) => d.dedupe_key)).size).toBe(2);
      expect(ups).toHaveLength(1);
      expect(ups[0]!.dedupe_key.split(":")[1]).toBe(downs[0]!.dedupe_key.split(":")[1]);
      const changes = await changesOf(store.db, id);
      expect(changes.map((c) => c.to)).toContain("MAINTENANCE");
    }, 60_000);

    it("never puts a monitor URL's credentials in an alert", async () => {
      target.set("/private", "down");
      const url = `${target.url.replace("http://", "http://svc:url-pa55@")}private`;
      const id = await addMonitor(store.db, draft({ name: "private", type: "http", url }));
      engine = startEngine(store.db);
      await engine.start();
      await waitFor("DOWN", async () => (await statusOf(store.db, id)) === "DOWN");
      await engine.flush();
      const [down] = await store.db
        .selectFrom("notifications")
        .select("payload")
        .where("monitor_id", "=", id)
        .execute();
      const payload = down!.payload as { monitor: { url: string } };
      expect(payload.monitor.url).toBe(`${target.url}private`);
      expect(JSON.stringify(payload)).not.toContain("url-pa55");
      await engine.stop();
      engine = null;
      await store.db.deleteFrom("monitors").where("id", "=", id).execute();
    }, 60_000);

    it("sends one alert for a DOWN group instead of one per child", async () => {
      const bad = await new Target().start();
      bad.mode = "down";
      const group = await addMonitor(store.db, draft({ name: "shop", type: "group" }));
      const kids = [];
      for (const n of ["cart", "pay", "search"])
        kids.push(await addMonitor(store.db, draft({ name: n, type: "http", url: bad.url, parent: "shop" })));
      engine = startEngine(store.db);
      await engine.start();
      await waitFor("group DOWN", async () => (await statusOf(store.db, group)) === "DOWN");
      for (const k of kids) await waitFor("child DOWN", async () => (await statusOf(store.db, k)) === "DOWN");
      await engine.flush();
      const groupAlerts = await notificationsOf(store.db, group);
      expect(groupAlerts.map((n) => n.event)).toEqual(["down"]);
      for (const k of kids) expect(await notificationsOf(store.db, k)).toEqual([]);
      const payload = await store.db
        .selectFrom("notifications")
        .select("payload")
        .where("monitor_id", "=", group)
        .executeTakeFirstOrThrow();
      expect((payload.payload as { children?: unknown[] }).children?.length).toBeGreaterThanOrEqual(1);
      await bad.stop();
    }, 60_000);

    it("checks overdue monitors at once when asked (a follower taking over), not at their next slot", async () => {
      const fresh = await new Target().start();
      await addMonitor(store.db, draft({ name: "hourly", type: "http", url: fresh.url, interval: 3600, timeout: 5 }));
      try {
        engine = startEngine(store.db, { checkOverdueOnStart: true });
        await engine.start();
        await waitFor("the first check", async () => fresh.hits > 0, 10_000);
      } finally {
        await fresh.stop();
      }
    }, 60_000);
  });
});
