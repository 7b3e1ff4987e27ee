import { listWindowSpecs } from "@uptop/store";
import { BACKENDS } from "@uptop/test-kit";
import { maintenanceRouter } from "../src/index.js";
import { addMonitor, openTestDb, post, startTestServer, type TestDb, type TestServer } from "./helpers.js";

describe.each(BACKENDS)("maintenance API on %s", (backend) => {
  let tdb: TestDb;
  let srv: TestServer;
  let changes = 0;
  const now = new Date("2026-05-01T12:00:00Z");

  beforeAll(async () => {
    tdb = await openTestDb(backend, "uptop_api_maint");
    const g = await addMonitor(tdb.store.db, "shop", { type: "group" });
    await addMonitor(tdb.store.db, "checkout", { parentId: g });
    await addMonitor(tdb.store.db, "search");
    srv = await startTestServer({
      admin: [maintenanceRouter({ db: tdb.store.db, onChange: () => changes++, now: () => now })],
    });
  }, 60_000);

  afterAll(async () => {
    await srv?.close();
    await tdb?.close();
  });

  const valid = {
    title: "DB upgrade",
    monitors: ["shop", "search"],
    start: "2026-05-01T11:00:00Z",
    end: "2026-05-01T13:00:00Z",
  };

  it("creates, lists, reads, replaces, patches, ends and deletes, calling onChange each time", async () => {
    const before = changes;
    const res = await srv.api("/api/maintenance", post(valid));
    expect(res.status).toBe(201);
    const w = await res.json();
    expect(w).toMatchObject({
      id: expect.any(Number),
      title: "DB upgrade",
      type: "maintenance",
      description: null,
      monitors: ["shop", "search"],
      start: "2026-05-01T11:00:00.000Z",
      end: "2026-05-01T13:00:00.000Z",
      recurrence: null,
      active: true,
    });
    expect(res.headers.get("location")).toBe(`/api/maintenance/${w.id}`);

    const list = await (await srv.api("/api/maintenance")).json();
    expect(list.map((x: { id: number }) => x.id)).toContain(w.id);
    expect((await (await srv.api(`/api/maintenance/${w.id}`)).json()).title).toBe("DB upgrade");

    const put = await srv.api(`/api/maintenance/${w.id}`, {
      method: "PUT",
      body: JSON.stringify({ title: "Later", start: "2026-05-02T00:00:00Z" }),
    });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ title: "Later", monitors: null, end: null, active: false });

    const patch = await srv.api(`/api/maintenance/${w.id}`, {
      method: "PATCH",
      body: JSON.stringify({ type: "incident", start: "2026-05-01T10:00:00Z", description: "planned" }),
    });
    expect(patch.status).toBe(200);
    expect(await patch.json()).toMatchObject({
      title: "Later",
      type: "incident",
      description: "planned",
      active: true,
    });

    const ended = await srv.api(`/api/maintenance/${w.id}/end`, { method: "POST" });
    expect(ended.status).toBe(200);
    expect(await ended.json()).toMatchObject({ end: now.toISOString(), active: false });
    expect((await srv.api(`/api/maintenance/${w.id}/end`, { method: "POST" })).status).toBe(409);

    expect((await srv.api(`/api/maintenance/${w.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await srv.api(`/api/maintenance/${w.id}`)).status).toBe(404);
    expect(changes - before).toBe(5);
  });

  it("stores recurring windows and hands the engine WindowSpecs with monitor ids", async () => {
    const body = {
      title: "Nightly",
      type: "maintenance",
      monitors: ["checkout"],
      start: "2026-04-01T00:00:00Z",
      recurrence: { frequency: "weekly", daysOfWeek: [5], startTime: "11:30", durationMinutes: 60 },
    };
    const w = await (await srv.api("/api/maintenance", post(body))).json();
    // 1 May 2026 is a Friday; 11:30-12:30 covers noon.
    expect(w).toMatchObject({ recurrence: body.recurrence, active: true });
    const spec = (await listWindowSpecs(tdb.store.db)).find((s) => s.id === w.id);
    expect(spec).toMatchObject({
      type: "maintenance",
      monitorIds: [expect.any(Number)],
      endAt: null,
      recurrence: body.recurrence,
    });
  });

  // biome-ignore format: a table reads best one case per line
  it.each([
    ["missing title", { ...valid, title: undefined }, "title"],
    ["empty title", { ...valid, title: " " }, "title"],
    ["bad type", { ...valid, type: "outage" }, "type"],
    ["start not a time", { ...valid, start: "yesterday" }, "start"],
    ["start without zone", { ...valid, start: "2026-05-01T11:00:00" }, "start"],
    ["end not a time", { ...valid, end: 5 }, "end"],
    ["end before start", { ...valid, end: "2026-05-01T10:00:00Z" }, "end"],
    ["start in year 0000, which Postgres refuses", { ...valid, start: "0000-01-01T00:00:00Z", end: undefined }, "start"],
    ["start that is year 0000 in UTC", { ...valid, start: "0001-01-01T00:00:00+01:00", end: undefined }, "start"],
    ["start before 1970", { ...valid, start: "1969-12-31T23:59:59Z" }, "start"],
    ["end in year 0000", { ...valid, start: "0000-01-01T00:00:00Z", end: "0000-01-02T00:00:00Z" }, "end"],
    ["end past year 9999 in UTC", { ...valid, end: "9999-12-31T23:00:00-02:00" }, "end"],
    ["monitors not a list", { ...valid, monitors: "shop" }, "monitors"],
    ["unknown field", { ...valid, owner: "me" }, "owner"],
    ["bad frequency", { ...valid, recurrence: { frequency: "monthly", startTime: "02:00", durationMinutes: 30 } }, "recurrence.frequency"],
    ["bad startTime", { ...valid, recurrence: { frequency: "daily", startTime: "25:00", durationMinutes: 30 } }, "recurrence.startTime"],
    ["zero duration", { ...valid, recurrence: { frequency: "daily", startTime: "02:00", durationMinutes: 0 } }, "recurrence.durationMinutes"],
    ["bad weekday", { ...valid, recurrence: { frequency: "weekly", daysOfWeek: [7], startTime: "02:00", durationMinutes: 30 } }, "recurrence.daysOfWeek.0"],
    ["weekdays on daily", { ...valid, recurrence: { frequency: "daily", daysOfWeek: [1], startTime: "02:00", durationMinutes: 30 } }, "recurrence.daysOfWeek"],
    ["unknown recurrence field", { ...valid, recurrence: { frequency: "daily", startTime: "02:00", durationMinutes: 30, every: 2 } }, "recurrence.every"],
    ["unknown monitor", { ...valid, monitors: ["shop", "nope"] }, "monitors.1"],
  ])("refuses %s with 400 naming the field", async (_name, body, field) => {
    const res = await srv.api("/api/maintenance", post(body));
    expect(res.status).toBe(400);
    const err = (await res.json()).error;
    expect(err.code).toBe("VALIDATION");
    expect(err.details.issues.map((i: { field: string }) => i.field)).toContain(field);
  });

  it("names every bad field at once", async () => {
    const res = await srv.api("/api/maintenance", post({ title: "", type: "x", start: "no" }));
    const fields = (await res.json()).error.details.issues.map((i: { field: string }) => i.field);
    expect(fields).toEqual(expect.arrayContaining(["title", "type", "start"]));
  });

  it("names the unknown monitor in the message", async () => {
    const res = await srv.api("/api/maintenance", post({ ...valid, monitors: ["ghost"] }));
    expect((await res.json()).error.message).toContain('"ghost"');
  });

  it.each([
    ["a non-numeric id", "GET", "/api/maintenance/abc", undefined, 400],
    ["an unknown id", "GET", "/api/maintenance/999999", undefined, 404],
    ["PUT of an unknown id", "PUT", "/api/maintenance/999999", JSON.stringify(valid), 404],
    ["DELETE of an unknown id", "DELETE", "/api/maintenance/999999", undefined, 404],
    ["ending an unknown id", "POST", "/api/maintenance/999999/end", undefined, 404],
    ["a JSON array body", "POST", "/api/maintenance", "[]", 400],
  ])("answers %s", async (_name, method, path, body, status) => {
    expect((await srv.api(path, { method, body })).status).toBe(status);
  });

  it("needs the admin token", async () => {
    expect((await srv.api("/api/maintenance", { token: null })).status).toBe(401);
  });
});
