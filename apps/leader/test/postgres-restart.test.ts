import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase, type Store } from "@uptop/store";
import {
  freePort,
  HttpTarget,
  planPrivatePostgres,
  PrivatePostgres,
  until,
  WebhookReceiver,
  type Proc,
} from "@uptop/test-kit";
import { createMonitor, json, startLeaderProcess } from "./cluster-harness.js";
import { engineStatus, post, scrape } from "./process-helpers.js";

(import.meta as unknown as { jest: { setTimeout(ms: number): void } }).jest.setTimeout(120_000);

// The shared server other files use in parallel must not be restarted: this file runs its own.
const plan = planPrivatePostgres();
if (!plan.ok) console.warn(`skipping the Postgres restart test: ${plan.why}`);
const describeWithPostgres = plan.ok ? describe : describe.skip;

interface Health {
  status: string;
  database?: string;
  writeBacklog?: number;
}

describeWithPostgres("Postgres stopped and started under a running leader process", () => {
  let pg: PrivatePostgres;
  let leader: Proc | undefined;
  let store: Store | undefined;
  const target = new HttpTarget();
  const hook = new WebhookReceiver();
  let port = 0;

  beforeAll(async () => {
    pg = new PrivatePostgres(plan as Extract<typeof plan, { ok: true }>);
    await pg.init();
    pg.start();
    await target.start();
    await hook.start();
    port = await freePort();
    leader = await startLeaderProcess({
      dsn: pg.dsn,
      port,
      dataDir: mkdtempSync(join(tmpdir(), "uptop-pgrestart-")),
      extra: { UPTOP_LEADER_CHECKS: "true" },
    });
  });

  afterAll(async () => {
    await leader?.kill("SIGTERM");
    await store?.close();
    await target.stop();
    await hook.stop();
    pg?.destroy();
  });

  it("records every transition made while the database was down, and sends their alerts", async () => {
    await post(port, "/api/channels", { name: "hook", type: "webhook", settings: { url: hook.url }, default: true });
    const m = await createMonitor(port, {
      name: "through-outage",
      url: target.urlOf("/svc"),
      interval: 5,
      timeout: 2,
      retries: 0,
      channels: ["hook"],
    });
    await until("the monitor to be UP", async () => (await engineStatus(port, m.name)) === "UP", 30_000, 250);
    store = await openDatabase({ type: "postgres", dsn: pg.dsn, poolMax: 2 });
    const db = store.db;
    await until("PENDING → UP to be stored", async () => {
      const rows = await db.selectFrom("state_changes").select("to_status").where("monitor_id", "=", m.id).execute();
      return rows.some((r) => r.to_status === "UP");
    });
    await store.close();
    store = undefined;

    pg.stop("fast");
    const downAt = Date.now();
    target.set("/svc", "down");
    await until(
      "the engine to hold DOWN while the database is away",
      async () => (await engineStatus(port, m.name)) === "DOWN",
      30_000,
      250,
    );
    const health = await until("/api/health to report the backlog", async () => {
      const h = await json<Health>(port, "/api/health");
      return h.status === "degraded" && (h.writeBacklog ?? 0) > 0 ? h : null;
    });
    expect(health.database).toBe("unreachable");
    const depth = await until("the write queue gauge to show the backlog", async () => {
      const v = (await scrape(port)).find((x) => x.name === "uptop_write_queue_depth")?.value ?? 0;
      return v > 0 ? v : null;
    });
    expect(depth).toBeGreaterThan(0);

    target.set("/svc", "up");
    await until(
      "the engine to hold UP again while the database is away",
      async () => (await engineStatus(port, m.name)) === "UP",
      30_000,
      250,
    );
    // Ten seconds at least without a database: several failed writes, so the backoff has grown.
    await until("ten seconds of outage", async () => Date.now() - downAt >= 10_000, 15_000, 250);
    expect(leader!.child.exitCode).toBeNull();
    pg.start();
    const upAt = Date.now();

    store = await openDatabase({ type: "postgres", dsn: pg.dsn, poolMax: 2 });
    const rows = await until(
      "UP → DOWN and DOWN → UP to be stored",
      async () => {
        const r = await store!.db
          .selectFrom("state_changes")
          .select(["from_status", "to_status", "reason", "at"])
          .where("monitor_id", "=", m.id)
          .orderBy("at")
          .orderBy("id")
          .execute();
        return r.length >= 3 ? r : null;
      },
      60_000,
    );
    expect(rows.map((r) => `${r.from_status}→${r.to_status}`)).toEqual(["PENDING→UP", "UP→DOWN", "DOWN→UP"]);
    // Both happened (and carry the time they happened) while the server was stopped.
    for (const r of rows.slice(1)) {
      expect(r.at.getTime()).toBeGreaterThanOrEqual(downAt - 1000);
      expect(r.at.getTime()).toBeLessThanOrEqual(upAt);
    }
    expect(rows[1]!.reason).toContain("HTTP_STATUS");

    // The raw results of the outage were kept too (the bound is far away), failed and healthy.
    const during = await store.db
      .selectFrom("check_results")
      .select(["ok"])
      .where("monitor_id", "=", m.id)
      .where("checked_at", ">=", new Date(downAt))
      .where("checked_at", "<=", new Date(upAt))
      .execute();
    expect(during.some((r) => !r.ok)).toBe(true);
    expect(during.some((r) => r.ok)).toBe(true);

    const state = await store.db
      .selectFrom("monitor_state")
      .select(["status"])
      .where("monitor_id", "=", m.id)
      .executeTakeFirstOrThrow();
    expect(state.status).toBe("UP");
    await until(
      "/api/health to be ok again",
      async () => (await json<Health>(port, "/api/health")).status === "ok",
      60_000,
    );

    // The alerts were queued with the transitions and delivered once the outbox could be read.
    await until(
      "the down and up webhooks",
      async () => {
        const events = hook
          .bodies()
          .filter((b) => b.monitor?.id === m.id)
          .map((b) => b.event);
        return events.includes("down") && events.includes("up");
      },
      60_000,
    );
    const events = hook
      .bodies()
      .filter((b) => b.monitor?.id === m.id)
      .map((b) => b.event);
    expect(events.filter((e) => e === "down")).toHaveLength(1);
    expect(events.filter((e) => e === "up")).toHaveLength(1);
  });

  it("holds the database again once Postgres is back: a second leader is refused", async () => {
    await leader!.waitFor("database lock taken again");
    const second = await startLeaderProcess(
      { dsn: pg.dsn, port: await freePort(), extra: { UPTOP_NODE_ID: "second" } },
      false,
    );
    expect(await second.exited).toBe(2);
    expect(second.stdout).toContain(`is already in use by leader \\"leader\\" (pid ${leader!.pid} on `);
    expect(leader!.child.exitCode).toBeNull();
  });
});
