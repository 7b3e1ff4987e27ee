import { PassThrough } from "node:stream";
import { createLogger } from "@uptop/core";
import {
  insertResults,
  listPartitions,
  loadResultOutcomes,
  listRollups,
  openAndMigrate,
  upsertRollups,
  type Db,
  type Store,
} from "@uptop/store";
import { BACKENDS, createTempDatabase, type TempDatabase } from "@uptop/test-kit";
import { HistoryJobs } from "../src/index.js";

const DAY = 86_400_000;
const logger = createLogger({ level: "error", stream: new PassThrough() });

async function addMonitor(db: Db, name: string, createdAt: string): Promise<number> {
  const r = await db
    .insertInto("monitors")
    .values({ name, type: "http", created_at: new Date(createdAt), updated_at: new Date(createdAt) })
    .returning("id")
    .executeTakeFirstOrThrow();
  return r.id;
}

async function change(db: Db, monitorId: number, from: string, to: string, at: string): Promise<void> {
  await db
    .insertInto("state_changes")
    .values({
      monitor_id: monitorId,
      from_status: from,
      to_status: to,
      reason: "test",
      votes: "[]",
      at: new Date(at),
      epoch: 1,
      node_id: "leader",
      origin: "local",
    })
    .execute();
}

function result(monitorId: number, slot: string, ok: boolean, latencyMs: number) {
  return {
    monitorId,
    nodeId: "leader",
    slot: new Date(slot),
    checkedAt: new Date(slot),
    ok,
    latencyMs,
    statusCode: ok ? 200 : 503,
    errorCode: ok ? null : "HTTP_STATUS",
    errorMessage: ok ? null : "status 503",
  };
}

describe.each(BACKENDS)("history jobs on %s", (backend) => {
  let store: Store;
  let temp: TempDatabase | undefined;
  let a: number;
  let b: number;
  const jobs = () => new HistoryJobs({ db: store.db, logger, retention: { rawMs: 14 * DAY, rollupMs: 30 * DAY } });

  beforeAll(async () => {
    if (backend === "postgres") {
      temp = await createTempDatabase("uptop_history_jobs");
      store = await openAndMigrate({ type: "postgres", dsn: temp.dsn });
    } else {
      store = await openAndMigrate({ type: "sqlite", dsn: ":memory:" });
    }
    const db = store.db;
    a = await addMonitor(db, "api", "2026-03-07T00:00:00Z");
    b = await addMonitor(db, "late-comer", "2026-03-09T12:00:00Z");
    await change(db, a, "PENDING", "UP", "2026-03-07T00:00:00Z");
    await change(db, a, "UP", "DOWN", "2026-03-08T06:00:00Z");
    await change(db, a, "DOWN", "UP", "2026-03-08T12:00:00Z");
    await db
      .insertInto("maintenance_windows")
      .values({
        title: "db upgrade",
        type: "maintenance",
        monitor_ids: [a],
        start_at: new Date("2026-03-09T00:00:00Z"),
        end_at: new Date("2026-03-09T06:00:00Z"),
        recurrence: "null",
      })
      .execute();
    await insertResults(db, [
      result(a, "2026-03-08T01:00:00Z", true, 100),
      result(a, "2026-03-08T02:00:00Z", true, 300),
      result(a, "2026-03-08T03:00:00Z", true, 200),
      result(a, "2026-03-08T07:00:00Z", false, 10_000),
      result(a, "2026-02-20T07:00:00Z", true, 50),
    ]);
    // A rollup far older than the 30-day rollup retention.
    await upsertRollups(db, [
      {
        monitorId: a,
        day: "2026-01-01",
        upS: 86_400,
        downS: 0,
        maintenanceS: 0,
        checks: 1,
        failures: 0,
        latencyP50Ms: 1,
        latencyP95Ms: 1,
      },
    ]);
  }, 60_000);

  afterAll(async () => {
    await store?.close();
    await temp?.drop();
  });

  it("rolls up every finished day and today, drops old results and old rollups", async () => {
    const report = await jobs().runOnce(new Date("2026-03-10T12:00:00Z"));
    expect(report.deletedRollups).toBe(1);
    // api: 7, 8, 9, 10 March; late-comer: 9 and 10 March.
    expect(report.rolledUp).toBe(6);
    // 14 days of raw retention before 10 March keeps 24 February onwards.
    const kept = await loadResultOutcomes(store.db, [a], new Date("2026-01-01T00:00:00Z"), new Date("2027-01-01"));
    expect(kept.get(a)).toHaveLength(4);

    if (backend === "sqlite") {
      // One table, no partitions: the old row is deleted.
      expect(report).toMatchObject({ droppedPartitions: [], deletedResults: 1 });
    } else {
      // Inserting the February result created every day partition from then on.
      expect(report.droppedPartitions).toContain("check_results_20260220");
      expect(report.droppedPartitions.every((p) => p < "check_results_20260224")).toBe(true);
      const partitions = await listPartitions(store.db);
      expect(partitions).toEqual(
        expect.arrayContaining([
          "check_results_20260309",
          "check_results_20260310",
          "check_results_20260311",
          "check_results_20260312",
        ]),
      );
      expect(partitions).not.toContain("check_results_20260220");
      expect(partitions).toContain("check_results_20260224");
    }

    const rows = await listRollups(store.db, { fromDay: "2000-01-01", toDay: "2100-01-01" });
    const of = (id: number, day: string) => rows.find((r) => r.monitorId === id && r.day === day);
    expect(rows.some((r) => r.day === "2026-01-01")).toBe(false);
    expect(of(a, "2026-03-07")).toMatchObject({ upS: 86_400, downS: 0, maintenanceS: 0, checks: 0 });
    expect(of(a, "2026-03-08")).toMatchObject({
      upS: 64_800,
      downS: 21_600,
      checks: 4,
      failures: 1,
      latencyP50Ms: 200,
      latencyP95Ms: 300,
    });
    expect(of(a, "2026-03-09")).toMatchObject({ upS: 64_800, downS: 0, maintenanceS: 21_600 });
    expect(of(a, "2026-03-10")).toMatchObject({ upS: 43_200, downS: 0 });
    // Created at noon and never checked: the morning did not exist, the afternoon PENDING is no
    // data (no check's verdict), not a 100 % day. The row is there, with nothing monitored.
    expect(of(b, "2026-03-09")).toMatchObject({ upS: 0, downS: 0, checks: 0 });
    expect(of(b, "2026-03-08")).toBeUndefined();
  });

  it("is idempotent and completes yesterday's partial row on the next day", async () => {
    const again = await jobs().runOnce(new Date("2026-03-10T13:00:00Z"));
    expect(again).toEqual({ rolledUp: 2, droppedPartitions: [], deletedResults: 0, deletedRollups: 0 });

    const next = await jobs().runOnce(new Date("2026-03-11T01:00:00Z"));
    expect(next.rolledUp).toBe(4);
    const rows = await listRollups(store.db, { fromDay: "2026-03-10", toDay: "2026-03-11" });
    expect(rows.find((r) => r.monitorId === a && r.day === "2026-03-10")).toMatchObject({ upS: 86_400 });
    expect(rows.find((r) => r.monitorId === a && r.day === "2026-03-11")).toMatchObject({ upS: 3_600 });
  });

  it("start runs at once and stop waits for the run", async () => {
    const j = new HistoryJobs({
      db: store.db,
      logger,
      retention: { rawMs: 14 * DAY, rollupMs: 30 * DAY },
      now: () => new Date("2026-03-11T02:00:00Z"),
    });
    j.start();
    await j.stop();
    const rows = await listRollups(store.db, { fromDay: "2026-03-11", toDay: "2026-03-11" });
    expect(rows.find((r) => r.monitorId === a)).toMatchObject({ upS: 7_200 });
  });
});
