import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nextSlotStartMs, slotOffsetMs } from "@uptop/core";
import { openDatabase } from "@uptop/store";
import {
  BACKENDS,
  createTempDatabase,
  freePort,
  HttpTarget,
  until,
  WebhookReceiver,
  type Proc,
  type TempDatabase,
} from "@uptop/test-kit";
import { createMonitor, startLeaderProcess, type MonitorView } from "./cluster-harness.js";
import {
  changesOf,
  del,
  engineStatus,
  monitorOf,
  patch,
  post,
  resultsOf,
  scrape,
  waitChange,
} from "./process-helpers.js";

(import.meta as unknown as { jest: { setTimeout(ms: number): void } }).jest.setTimeout(90_000);

/**
 * One leader process on each database, its own checks the only vote, against a loopback target
 * whose paths the test switches between healthy, failing and slow, its alerts going out through
 * the outbox to a webhook receiver. The scenarios run side by side on the one process (each
 * monitor has its own path) so each database takes one interval budget, not five.
 */
describe.each(BACKENDS)("the engine in a real leader process on %s", (backend) => {
  const target = new HttpTarget();
  const hook = new WebhookReceiver();
  const dataDir = mkdtempSync(join(tmpdir(), "uptop-engine-proc-"));
  let temp: TempDatabase;
  let leader: Proc | undefined;
  let port = 0;
  const m: Record<"retries" | "recovery" | "slow" | "paused" | "deleted", MonitorView> = {} as never;
  let pausedAt = 0;
  let deletedAt = 0;

  const start = () =>
    startLeaderProcess({
      dsn: temp.dsn,
      port,
      dataDir,
      extra: { UPTOP_DB_TYPE: temp.type, UPTOP_LEADER_CHECKS: "true" },
    });

  /** monitor_state as stored, read with the process stopped (the lock keeps one node on the database). */
  async function storedStates(): Promise<Map<number, { status: string; failures: number; successes: number }>> {
    const store = await openDatabase(temp);
    try {
      const rows = await store.db
        .selectFrom("monitor_state")
        .select(["monitor_id", "status", "failures", "successes"])
        .execute();
      return new Map(
        rows.map((r) => [r.monitor_id, { status: r.status, failures: r.failures, successes: r.successes }]),
      );
    } finally {
      await store.close();
    }
  }

  beforeAll(async () => {
    temp = await createTempDatabase("uptop_engine_proc", backend, { onDisk: true });
    await target.start();
    await hook.start();
    target.slowMs = 3000;
    port = await freePort();
    leader = await start();
    await post(port, "/api/channels", { name: "hook", type: "webhook", settings: { url: hook.url }, default: true });
    m.retries = await createMonitor(port, {
      name: "retries",
      url: target.urlOf("/r"),
      interval: 20,
      timeout: 2,
      retries: 2,
      retryInterval: 5,
    });
    m.recovery = await createMonitor(port, {
      name: "recovery",
      url: target.urlOf("/t"),
      interval: 5,
      timeout: 2,
      recoveryThreshold: 2,
    });
    m.slow = await createMonitor(port, { name: "slow", url: target.urlOf("/s"), interval: 5, timeout: 1 });
    m.paused = await createMonitor(port, { name: "paused-later", url: target.urlOf("/q"), interval: 5, timeout: 2 });
    m.deleted = await createMonitor(port, { name: "deleted-later", url: target.urlOf("/d"), interval: 5, timeout: 2 });
  });

  afterAll(async () => {
    await leader?.kill("SIGTERM");
    await target.stop();
    await hook.stop();
    await temp?.drop();
  });

  it("turns PENDING into UP on the first successful round", async () => {
    // A 20 s monitor's first grid slot may be most of an interval away: ask for its first round.
    await post(port, `/api/monitors/${m.retries.id}/check-now`);
    for (const mon of Object.values(m)) {
      const c = await waitChange(port, mon.id, "PENDING", "UP");
      expect(c.reason).toContain("first successful round");
    }
    // The scenarios of the next tests start now and run side by side.
    target.set("/r", "down");
    target.set("/s", "slow");
    target.set("/t", "down");
    await post(port, `/api/monitors/${m.retries.id}/check-now`);
  });

  it("sees monitors created, renamed, paused and deleted through the API within seconds", async () => {
    const created = await createMonitor(port, {
      name: "created-now",
      url: target.urlOf("/n"),
      interval: 60,
      timeout: 2,
    });
    await until(
      "the engine to hold the new monitor",
      async () => (await engineStatus(port, "created-now")) !== null,
      5_000,
      100,
    );
    await patch(port, `/api/monitors/${created.id}`, { name: "renamed-now" });
    await until(
      "the engine to see the new name",
      async () => {
        const names = new Set(
          (await scrape(port)).filter((s) => s.name === "uptop_monitor_status").map((s) => s.labels.monitor),
        );
        return names.has("renamed-now") && !names.has("created-now");
      },
      5_000,
      100,
    );
    await del(port, `/api/monitors/${created.id}`);

    pausedAt = Date.now();
    await post(port, `/api/monitors/${m.paused.id}/pause`);
    const paused = await waitChange(port, m.paused.id, "UP", "PAUSED", 5_000);
    expect(Date.parse(paused.at)).toBeLessThan(pausedAt + 5_000);

    deletedAt = Date.now();
    await del(port, `/api/monitors/${m.deleted.id}`);
    await until(
      "the engine to drop the deleted monitor",
      async () => (await engineStatus(port, "deleted-later")) === null,
      5_000,
      100,
    );
    expect(await engineStatus(port, "retries")).not.toBeNull();
  });

  describe("a monitor created with a 60 s interval", () => {
    let mon: MonitorView & { createdAt: string };

    it("is created with its first grid slot well away", async () => {
      // Only a monitor whose first slot is far tells "checked at once" from "checked on the grid".
      for (let i = 0; i < 10; i++) {
        mon = (await createMonitor(port, {
          name: `first-check-${i}`,
          url: target.urlOf("/f"),
          interval: 60,
          timeout: 2,
        })) as typeof mon;
        const created = Date.parse(mon.createdAt);
        if (nextSlotStartMs(created, 60_000, slotOffsetMs(mon.id, 60_000)) - created >= 15_000) return;
        await del(port, `/api/monitors/${mon.id}`);
      }
      throw new Error("no monitor id with a far first slot in 10 tries");
    });

    // A new monitor is checked at once, not at its first grid slot up to a whole interval later
    // (a daily monitor would stay PENDING for up to a day).
    it("is checked within seconds, not a whole interval later", async () => {
      const deadline = Date.parse(mon.createdAt) + 5_000;
      let lastCheck = null;
      while (!lastCheck && Date.now() < deadline) {
        lastCheck = (await monitorOf(port, mon.id)).lastCheck;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(lastCheck).not.toBeNull();
    });

    afterAll(async () => {
      if (mon) await del(port, `/api/monitors/${mon.id}`);
    });
  });

  it("goes DOWN only after retries + 1 failed rounds, the retries coming after retryInterval", async () => {
    const down = await waitChange(port, m.retries.id, "PENDING", "DOWN", 45_000);
    const changes = await changesOf(port, m.retries.id);
    expect(changes.map((c) => `${c.from}→${c.to}`)).toEqual(["PENDING→UP", "UP→PENDING", "PENDING→DOWN"]);
    expect(changes[1]!.reason).toContain("retry 1 of 2");
    expect(down.reason).toContain("3 failed rounds");
    const failed = (await resultsOf(port, m.retries.id)).filter(
      (r) => !r.ok && Date.parse(r.checkedAt) <= Date.parse(down.at),
    );
    expect(failed).toHaveLength(3);
    // The retries are 5 s apart (the retry interval), not a whole 20 s interval.
    for (let i = 1; i < failed.length; i++) {
      const gap = Date.parse(failed[i]!.slot) - Date.parse(failed[i - 1]!.slot);
      expect(gap).toBeGreaterThanOrEqual(5_000);
      expect(gap).toBeLessThan(20_000);
    }
  });

  it("reports a target slower than the timeout as TIMEOUT and DOWN", async () => {
    const down = await waitChange(port, m.slow.id, "UP", "DOWN");
    expect(down.reason).toContain("TIMEOUT");
    const view = await monitorOf(port, m.slow.id);
    expect(view.status).toBe("DOWN");
    expect(view.lastCheck?.error?.code).toBe("TIMEOUT");
  });

  it("holds DOWN until recoveryThreshold successful rounds", async () => {
    const down = await waitChange(port, m.recovery.id, "UP", "DOWN");
    target.set("/t", "up");
    await until(
      "a successful round after DOWN",
      async () => (await resultsOf(port, m.recovery.id)).some((r) => r.ok && r.checkedAt > down.at),
      30_000,
      250,
    );
    expect((await monitorOf(port, m.recovery.id)).status).toBe("DOWN");
  });

  it("resumes the same statuses and counters after a restart, with no false transition", async () => {
    expect(await leader!.kill("SIGTERM")).toBe(0);
    const before = await storedStates();
    const recovery = before.get(m.recovery.id)!;
    expect(recovery).toMatchObject({ status: "DOWN", failures: 0 });
    expect(recovery.successes).toBe(1);
    expect(before.get(m.retries.id)!.status).toBe("DOWN");
    expect(before.get(m.retries.id)!.failures).toBeGreaterThanOrEqual(3);
    expect(before.get(m.slow.id)!.status).toBe("DOWN");
    expect(before.get(m.paused.id)!.status).toBe("PAUSED");

    const restartedAt = Date.now();
    leader = await start();
    // The successes before the restart count: only the rest of the threshold is still needed.
    const up = await waitChange(port, m.recovery.id, "DOWN", "UP", 45_000);
    expect(up.reason).toContain("recovered after 2 successful rounds");
    const okAfter = (await resultsOf(port, m.recovery.id)).filter(
      (r) => r.ok && Date.parse(r.checkedAt) > restartedAt && r.checkedAt <= up.at,
    );
    expect(okAfter).toHaveLength(1);
    await until(
      "a failed round of the slow monitor after the restart",
      async () => (await resultsOf(port, m.slow.id)).some((r) => !r.ok && Date.parse(r.checkedAt) > restartedAt),
      30_000,
      250,
    );

    for (const id of [m.retries.id, m.slow.id, m.paused.id]) {
      expect((await changesOf(port, id)).filter((c) => Date.parse(c.at) >= restartedAt)).toEqual([]);
    }
    // The recovery's alert leaves the outbox before the leader stops (the next test counts them).
    await until("the recovery's UP delivered", async () => hook.events("recovery", "up").length > 0, 10_000, 100);
    expect(await leader!.kill("SIGTERM")).toBe(0);
    leader = undefined;

    const after = await storedStates();
    expect(after.get(m.retries.id)!.status).toBe("DOWN");
    expect(after.get(m.paused.id)!.status).toBe("PAUSED");
    // Failures kept counting from where they were, not from zero.
    const slowFailsAfter = await storedResultsFailedSince(temp, m.slow.id, restartedAt);
    expect(after.get(m.slow.id)).toMatchObject({
      status: "DOWN",
      failures: before.get(m.slow.id)!.failures + slowFailsAfter,
    });

    // Paused and deleted monitors were never checked again (a check already under way aside).
    expect(target.hitsOf("/q", pausedAt + 2_000)).toBe(0);
    expect(target.hitsOf("/d", deletedAt + 2_000)).toBe(0);
    expect(target.hitsOf("/t", pausedAt + 2_000)).toBeGreaterThan(0);
  });

  it("alerted each DOWN once through the outbox, the recovery's UP once, across the restart", () => {
    for (const name of ["retries", "slow", "recovery"]) {
      expect(hook.events(name, "down").map((b) => b.status)).toEqual(["DOWN"]);
    }
    // The UP closes the incident whose DOWN went out before the restart; the open ones stay quiet.
    const ups = hook.events("recovery", "up");
    expect(ups).toHaveLength(1);
    expect(ups[0]!.downSince).toBe(hook.events("recovery", "down")[0]!.downSince);
    expect(hook.events("retries", "up")).toEqual([]);
    expect(hook.events("slow", "up")).toEqual([]);
    // A monitor paused or deleted while UP has no incident to tell anyone about.
    const quiet = new Set(["paused-later", "deleted-later"]);
    expect(hook.bodies().filter((b) => quiet.has(b.monitor?.name ?? ""))).toEqual([]);
  });
});

async function storedResultsFailedSince(db: TempDatabase, monitorId: number, sinceMs: number): Promise<number> {
  const store = await openDatabase(db);
  try {
    const rows = await store.db
      .selectFrom("check_results")
      .select("ok")
      .where("monitor_id", "=", monitorId)
      .where("checked_at", ">", new Date(sinceMs))
      .execute();
    return rows.filter((r) => !r.ok).length;
  } finally {
    await store.close();
  }
}
