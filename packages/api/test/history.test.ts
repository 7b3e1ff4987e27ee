import { insertResults, upsertRollups } from "@uptop/store";
import { BACKENDS } from "@uptop/test-kit";
import { historyRouter } from "../src/index.js";
import { addChange, addMonitor, openTestDb, startTestServer, type TestDb, type TestServer } from "./helpers.js";

const H = 3600;

describe.each(BACKENDS)("history and SLA API on %s", (backend) => {
  let tdb: TestDb;
  let srv: TestServer;
  const ids: Record<string, number> = {};
  const now = new Date("2026-05-01T00:00:00Z");

  beforeAll(async () => {
    tdb = await openTestDb(backend, "uptop_api_history");
    const db = tdb.store.db;
    ids.shop = await addMonitor(db, "shop", { type: "group", createdAt: "2026-04-01T00:00:00Z" });
    ids.a = await addMonitor(db, "a", { parentId: ids.shop, createdAt: "2026-04-01T00:00:00Z" });
    ids.b = await addMonitor(db, "b", { createdAt: "2026-04-30T12:00:00Z" });
    ids.c = await addMonitor(db, "c", { createdAt: "2026-04-01T00:00:00Z" });
    ids.e = await addMonitor(db, "e", { createdAt: "2026-04-30T06:00:00Z" });
    ids.d = await addMonitor(db, "d", { createdAt: "2026-03-01T00:00:00Z" });

    const vote = {
      node: "probe-eu",
      region: "eu-west",
      ok: false,
      latencyMs: 10_000,
      error: { code: "TIMEOUT", message: "timed out" },
      at: "2026-04-29T22:00:00Z",
    };
    await addChange(db, ids.a, "PENDING", "UP", "2026-04-01T00:01:00Z");
    await addChange(db, ids.a, "UP", "DOWN", "2026-04-29T22:00:00Z", [vote]); // begins before the window
    await addChange(db, ids.a, "DOWN", "UP", "2026-04-30T02:00:00Z");
    await addChange(db, ids.a, "UP", "DOWN", "2026-04-30T10:00:00Z"); // overlaps maintenance 11:00-13:00
    await addChange(db, ids.a, "DOWN", "UP", "2026-04-30T12:00:00Z");
    await addChange(db, ids.a, "UP", "DOWN", "2026-04-30T22:00:00Z"); // still open at the end
    // The maintenance names the group, not the monitor: it must cover its children.
    await db
      .insertInto("maintenance_windows")
      .values({
        title: "switch swap",
        type: "maintenance",
        monitor_ids: [ids.shop],
        start_at: new Date("2026-04-30T11:00:00Z"),
        end_at: new Date("2026-04-30T13:00:00Z"),
        recurrence: "null",
      })
      .execute();
    // An incident window is informational and excludes nothing.
    await db
      .insertInto("maintenance_windows")
      .values({
        title: "slow api",
        type: "incident",
        monitor_ids: null,
        start_at: new Date("2026-04-30T00:00:00Z"),
        end_at: null,
        recurrence: "null",
      })
      .execute();

    await addChange(db, ids.b, "PENDING", "UP", "2026-04-30T18:00:00Z");
    // Created, then paused before its first check: PENDING → PAUSED holds no verdict either.
    await addChange(db, ids.e, "PENDING", "PAUSED", "2026-04-30T06:00:10Z");
    await addChange(db, ids.d, "PENDING", "UP", "2026-04-20T00:00:00Z");
    await upsertRollups(db, [
      {
        monitorId: ids.d,
        day: "2026-04-18",
        upS: 86_400 - H,
        downS: H,
        maintenanceS: 0,
        checks: 1440,
        failures: 60,
        latencyP50Ms: 80,
        latencyP95Ms: 120,
      },
      {
        monitorId: ids.d,
        day: "2026-04-19",
        upS: 86_400,
        downS: 0,
        maintenanceS: 0,
        checks: 1440,
        failures: 0,
        latencyP50Ms: 80,
        latencyP95Ms: 120,
      },
    ]);

    const res = (node: string, slot: string, ok: boolean) => ({
      monitorId: ids.a!,
      nodeId: node,
      slot: new Date(slot),
      checkedAt: new Date(slot),
      ok,
      latencyMs: ok ? 50 : 10_000,
      statusCode: ok ? 200 : null,
      errorCode: ok ? null : "TIMEOUT",
      errorMessage: ok ? null : "timed out",
    });
    await insertResults(db, [
      res("leader", "2026-04-30T10:00:00Z", false),
      res("probe-eu", "2026-04-30T10:00:00Z", false),
      res("leader", "2026-04-30T10:01:00Z", true),
      res("probe-eu", "2026-04-30T10:01:00Z", true),
      res("leader", "2026-04-30T10:02:00Z", true),
    ]);
    srv = await startTestServer({ admin: [historyRouter({ db, now: () => now })] });
  }, 60_000);

  afterAll(async () => {
    await srv?.close();
    await tdb?.close();
  });

  const get = async (path: string) => {
    const r = await srv.api(path);
    return { status: r.status, body: await r.json() };
  };

  it("computes SLA from the status at the window start, with group maintenance excluded and an open outage counted", async () => {
    const { status, body } = await get(`/api/monitors/${ids.a}/sla?period=24h`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      period: "24h",
      monitor: { id: ids.a, name: "a" },
      from: "2026-04-30T00:00:00.000Z",
      to: "2026-05-01T00:00:00.000Z",
      monitoredS: 22 * H,
      downtimeS: 5 * H,
      maintenanceS: 2 * H,
      outages: 3,
      longestOutageS: 2 * H,
      mttrS: (5 * H) / 3,
      rollupDays: 0,
    });
    expect(body.uptimePct).toBeCloseTo((100 * 17) / 22, 6);
  });

  it("does not count time before a monitor created mid-window, and counts PENDING as up", async () => {
    const { body } = await get(`/api/monitors/${ids.b}/sla?from=2026-04-30T00:00:00Z&to=2026-05-01T00:00:00Z`);
    expect(body).toMatchObject({ monitoredS: 12 * H, downtimeS: 0, uptimePct: 100, outages: 0, period: null });
  });

  it.each([
    ["never checked", "c"],
    ["created paused", "e"],
  ])("claims no uptime for a monitor %s (no check's verdict in the window)", async (_what, name) => {
    const { body } = await get(`/api/monitors/${ids[name]}/sla?period=24h`);
    expect(body).toMatchObject({ monitoredS: 0, downtimeS: 0, uptimePct: null, outages: 0 });
  });

  it("reads rollups for the days before the kept state-change history", async () => {
    const { body } = await get(`/api/monitors/${ids.d}/sla?from=2026-04-18T00:00:00Z&to=2026-04-21T00:00:00Z`);
    expect(body).toMatchObject({ rollupDays: 2, monitoredS: 3 * 86_400, downtimeS: H });
    expect(body.uptimePct).toBeCloseTo((100 * (3 * 86_400 - H)) / (3 * 86_400), 6);
  });

  it("lists raw results newest first, by node, capped by limit", async () => {
    const all = await get(`/api/monitors/${ids.a}/results`);
    expect(all.body.map((r: { slot: string }) => r.slot)).toEqual([
      "2026-04-30T10:02:00.000Z",
      "2026-04-30T10:01:00.000Z",
      "2026-04-30T10:01:00.000Z",
      "2026-04-30T10:00:00.000Z",
      "2026-04-30T10:00:00.000Z",
    ]);
    expect(all.body[4]).toMatchObject({ ok: false, errorCode: "TIMEOUT", latencyMs: 10_000 });
    const eu = await get(`/api/monitors/${ids.a}/results?node=probe-eu`);
    expect(eu.body).toHaveLength(2);
    const ranged = await get(
      `/api/monitors/${ids.a}/results?from=2026-04-30T10:01:00Z&to=2026-04-30T10:02:00Z&limit=1`,
    );
    expect(ranged.body).toHaveLength(1);
    expect(ranged.body[0].slot).toBe("2026-04-30T10:01:00.000Z");
  });

  it("lists state changes newest first with their votes", async () => {
    const { body } = await get(`/api/monitors/${ids.a}/state-changes?from=2026-04-29T00:00:00Z&limit=10`);
    expect(body).toHaveLength(5);
    expect(body[0]).toMatchObject({ from: "UP", to: "DOWN", at: "2026-04-30T22:00:00.000Z" });
    expect(body[4]).toMatchObject({ to: "DOWN", votes: [{ node: "probe-eu", region: "eu-west", ok: false }] });
  });

  it.each([
    ["period", "sla?period=1y"],
    ["period", "sla?period=24h&from=2026-04-01T00:00:00Z"],
    ["from", "sla?from=yesterday"],
    ["from", "sla?to=2026-04-01T00:00:00Z"],
    ["from", "sla?from=2026-06-01T00:00:00Z"],
    ["to", "sla?from=2026-04-02T00:00:00Z&to=2026-04-01T00:00:00Z"],
    ["limit", "results?limit=0"],
    ["limit", "results?limit=abc"],
    ["node", "results?node=a&node=b"],
    ["to", "state-changes?to=soon"],
    ["limit", "state-changes?limit=-1"],
    // A name every object inherits is still an unknown period.
    ["period", "sla?period=__proto__"],
    ["period", "sla?period=constructor"],
    ["period", "sla?period=toString"],
    // Times the database or JS refuse: year 0 does not exist in Postgres.
    ["from", "sla?from=0000-01-01T00:00:00Z"],
    ["from", "results?from=0000-06-01"],
    ["to", "state-changes?to=0000-12-31T23:59:59Z"],
    ["from", "sla?from=1969-12-31T23:59:59Z&to=2026-04-01T00:00:00Z"],
  ])("answers 400 naming %s for %s", async (field, query) => {
    const { status, body } = await get(`/api/monitors/${ids.a}/${query}`);
    expect(status).toBe(400);
    expect(body.error.details.issues[0].field).toBe(field);
  });

  it.each(["results", "state-changes", "sla"])("answers 404 for %s of an unknown monitor", async (what) => {
    expect((await get(`/api/monitors/999999/${what}`)).status).toBe(404);
  });
});
