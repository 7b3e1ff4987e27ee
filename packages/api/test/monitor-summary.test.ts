import { BACKENDS } from "@uptop/test-kit";
import { monitorSummaryRouter } from "../src/index.js";
import { addChange, addMonitor, openTestDb, startTestServer, type TestDb, type TestServer } from "./helpers.js";

describe.each(BACKENDS)("GET /api/monitors/summary on %s", (backend) => {
  let tdb: TestDb;
  let srv: TestServer;
  const ids: Record<string, number> = {};
  // 10:30: the last cell is the hour 10:00–11:00, the first 11:00 the day before.
  const now = new Date("2026-05-01T10:30:00Z");

  beforeAll(async () => {
    tdb = await openTestDb(backend, "uptop_api_summary");
    const db = tdb.store.db;
    ids.a = await addMonitor(db, "a", { createdAt: "2026-04-01T00:00:00Z" });
    ids.b = await addMonitor(db, "b", { createdAt: "2026-05-01T08:15:00Z" });
    ids.c = await addMonitor(db, "c", { createdAt: "2026-04-01T00:00:00Z" });
    await addChange(db, ids.a, "PENDING", "UP", "2026-04-01T00:01:00Z");
    // Down 06:20–06:50 of today: one cell DOWN, half an hour of 24 h down.
    await addChange(db, ids.a, "UP", "DOWN", "2026-05-01T06:20:00Z");
    await addChange(db, ids.a, "DOWN", "UP", "2026-05-01T06:50:00Z");
    await addChange(db, ids.b, "PENDING", "UP", "2026-05-01T08:20:00Z");
    // c: down from 09:00 and a maintenance window 09:00–10:00 of its own: that hour is not counted.
    await addChange(db, ids.c, "PENDING", "UP", "2026-04-01T00:01:00Z");
    await addChange(db, ids.c, "UP", "DOWN", "2026-05-01T09:00:00Z");
    await db
      .insertInto("maintenance_windows")
      .values({
        title: "swap",
        type: "maintenance",
        monitor_ids: [ids.c],
        start_at: new Date("2026-05-01T09:00:00Z"),
        end_at: new Date("2026-05-01T10:00:00Z"),
        recurrence: "null",
      })
      .execute();
    srv = await startTestServer({ admin: [monitorSummaryRouter({ db, now: () => now })] });
    // d: never checked; e: UP long ago, then paused (no change since): neither was watched today.
    ids.d = await addMonitor(db, "d", { createdAt: "2026-04-01T00:00:00Z" });
    ids.e = await addMonitor(db, "e", { createdAt: "2026-04-01T00:00:00Z", paused: true });
    await addChange(db, ids.e, "PENDING", "UP", "2026-04-01T00:01:00Z");
    // f: created paused at 07:00 and never checked. The engine records the pause as a change
    // 61 ms after the creation (PENDING -> PAUSED), as a real leader does.
    ids.f = await addMonitor(db, "f", { createdAt: "2026-05-01T07:00:00Z", paused: true });
    await addChange(db, ids.f, "PENDING", "PAUSED", "2026-05-01T07:00:00.061Z");
    // g: UP for a month, DOWN at 08:00, paused at 09:00: checked from 10:30 yesterday to 09:00.
    ids.g = await addMonitor(db, "g", { createdAt: "2026-04-01T00:00:00Z", paused: true });
    await addChange(db, ids.g, "PENDING", "UP", "2026-04-01T00:01:00Z");
    await addChange(db, ids.g, "UP", "DOWN", "2026-05-01T08:00:00Z");
    await addChange(db, ids.g, "DOWN", "PAUSED", "2026-05-01T09:00:00Z");
  }, 60_000);

  afterAll(async () => {
    await srv?.close();
    await tdb?.close();
  });

  const summary = async (query = "") => {
    const r = await srv.api(`/api/monitors/summary${query}`);
    return { status: r.status, body: await r.json() };
  };

  it("gives every monitor's uptime and its worst status per hour in one answer", async () => {
    const { status, body } = await summary("?hours=24");
    expect(status).toBe(200);
    expect(body.firstHour).toBe("2026-04-30T11:00:00.000Z");
    expect(body.monitors).toHaveLength(7);
    const byId = new Map(body.monitors.map((m: { id: number }) => [m.id, m]));

    const a = byId.get(ids.a) as { uptimePct: number; hours: string[] };
    expect(a.hours).toHaveLength(24);
    // 06:00 is index 19 (11:00 + 19 h).
    expect(a.hours[19]).toBe("DOWN");
    expect(a.hours.filter((h) => h === "DOWN")).toHaveLength(1);
    expect(a.hours.filter((h) => h === "UP")).toHaveLength(23);
    expect(a.uptimePct).toBeCloseTo((100 * (24 * 60 - 30)) / (24 * 60), 6);

    const b = byId.get(ids.b) as { uptimePct: number; hours: Array<string | null> };
    // Created at 08:15: nothing before, PENDING then UP in the 08:00 cell (UP is the worse of the two).
    expect(b.hours.slice(0, 21).every((h) => h === null)).toBe(true);
    expect(b.hours.slice(21)).toEqual(["UP", "UP", "UP"]);
    expect(b.uptimePct).toBe(100);

    const c = byId.get(ids.c) as { uptimePct: number; hours: string[] };
    expect(c.hours.slice(22)).toEqual(["DOWN", "DOWN"]);
    // Down 09:00–10:30 but 09:00–10:00 is maintenance: 30 min down of 23 h monitored.
    expect(c.uptimePct).toBeCloseTo((100 * (23 * 60 - 30)) / (23 * 60), 6);

    // Nothing watched: no uptime to claim (a dashboard must not show them as 100 %).
    expect((byId.get(ids.d) as { uptimePct: unknown }).uptimePct).toBeNull();
    expect((byId.get(ids.e) as { uptimePct: unknown }).uptimePct).toBeNull();
  });

  it("gives no uptime for a monitor created paused: the pause recorded at its creation is no check", async () => {
    const { body } = await summary("?hours=24");
    const f = body.monitors.find((m: { id: number }) => m.id === ids.f);
    expect(f.uptimePct).toBeNull();
    // The bar still tells what it was: created at 07:00 (index 20), paused ever since.
    expect(f.hours.slice(0, 20).every((h: string | null) => h === null)).toBe(true);
    expect(f.hours.slice(20)).toEqual(["PAUSED", "PAUSED", "PAUSED", "PAUSED"]);
  });

  it("keeps the real uptime of a monitor paused after checks, over the time it was checked", async () => {
    const { body } = await summary("?hours=24");
    const g = body.monitors.find((m: { id: number }) => m.id === ids.g);
    // Checked 10:30 yesterday to 09:00 today (22.5 h), down 08:00-09:00; the pause counts for nothing.
    expect(g.uptimePct).toBeCloseTo((100 * 21.5) / 22.5, 6);
  });

  it("defaults to 24 hours and refuses a bad hours value with a field issue", async () => {
    expect((await summary()).body.monitors[0].hours).toHaveLength(24);
    expect((await summary("?hours=6")).body.monitors[0].hours).toHaveLength(6);
    for (const bad of ["0", "169", "x", "1.5"]) {
      const { status, body } = await summary(`?hours=${bad}`);
      expect(status).toBe(400);
      expect(body.error.details.issues[0].field).toBe("hours");
    }
  });
});
