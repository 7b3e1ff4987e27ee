import type { StatusPageSettings } from "@uptop/core";
import { getStatusPageSettings } from "@uptop/store";
import { BACKENDS } from "@uptop/test-kit";
import { StatusPageSettingsSource, statusPageRouter, statusPageSettingsRouter } from "../src/index.js";
import { addMonitor, openTestDb, startTestServer, type TestDb, type TestServer } from "./helpers.js";

const put = (body: unknown) => ({ method: "PUT", body: JSON.stringify(body) });

describe.each(BACKENDS)("status page settings API on %s", (backend) => {
  let tdb: TestDb;
  let srv: TestServer;
  let changes = 0;
  const ids: Record<string, number> = {};
  const now = new Date("2026-05-01T12:00:00Z");
  const defaults: StatusPageSettings = {
    enabled: false,
    title: "From the environment",
    description: null,
    monitorIds: null,
  };

  beforeAll(async () => {
    tdb = await openTestDb(backend, "uptop_api_status_settings");
    const db = tdb.store.db;
    ids.web = await addMonitor(db, "web");
    ids.shop = await addMonitor(db, "shop", { type: "group" });
    ids.cart = await addMonitor(db, "cart", { parentId: ids.shop });
    ids.internal = await addMonitor(db, "internal-billing");
    await db
      .insertInto("maintenance_windows")
      .values({
        title: "Billing migration",
        description: null,
        type: "maintenance",
        monitor_ids: [ids.internal!],
        start_at: new Date("2026-05-01T11:00:00Z"),
        end_at: null,
        recurrence: "null",
      })
      .execute();
    const settings = new StatusPageSettingsSource({ db, defaults });
    // The clock stands still: only a save can make the page change between these requests.
    srv = await startTestServer({
      open: [statusPageRouter({ db, settings, config: { corsOrigin: null }, now: () => now, refreshMs: 60_000 })],
      admin: [statusPageSettingsRouter({ db, settings, onChange: () => changes++ })],
    });
  }, 60_000);

  afterAll(async () => {
    await srv?.close();
    await tdb?.close();
  });

  const page = (path = "/status/json") => srv.api(path, { token: null });

  it("answers the environment's settings until some are saved, and the page is off as they say", async () => {
    expect(await (await srv.api("/api/status-page/settings")).json()).toEqual(defaults);
    expect((await page("/status")).status).toBe(404);
    expect((await page()).status).toBe(404);
  });

  it.each([
    ["not an object", [1, 2], ["body"]],
    ["missing fields", { enabled: true }, ["title", "description", "monitorIds"]],
    ["a blank title", { enabled: true, title: "  ", description: null, monitorIds: null }, ["title"]],
    [
      "wrong types",
      { enabled: "yes", title: "T", description: 5, monitorIds: ["1"] },
      ["enabled", "description", "monitorIds.0"],
    ],
    ["an unknown field", { enabled: true, title: "T", description: null, monitorIds: null, theme: "x" }, ["theme"]],
    [
      "a monitor that does not exist",
      { enabled: true, title: "T", description: null, monitorIds: [999_999] },
      ["monitorIds.0"],
    ],
  ])("refuses %s with a 400 naming the fields, saving nothing", async (_what, body, fields) => {
    const before = changes;
    const res = await srv.api("/api/status-page/settings", put(body));
    expect(res.status).toBe(400);
    const error = (await res.json()).error as { code: string; details: { issues: Array<{ field: string }> } };
    expect(error.code).toBe("VALIDATION");
    const named = error.details.issues.map((f) => f.field);
    expect(named).toEqual(fields);
    expect(await getStatusPageSettings(tdb.store.db)).toBeNull();
    expect(changes).toBe(before);
  });

  it("saves, and the page follows at once: on, titled, described and showing only the chosen monitors", async () => {
    const body = {
      enabled: true,
      title: "  Acme <status>  ",
      description: "Our <b>public</b> services",
      monitorIds: [ids.cart, ids.web, ids.web],
    };
    const res = await srv.api("/api/status-page/settings", put(body));
    expect(res.status).toBe(200);
    const saved = {
      enabled: true,
      title: "Acme <status>",
      description: "Our <b>public</b> services",
      monitorIds: [ids.cart, ids.web],
    };
    expect(await res.json()).toEqual(saved);
    expect(await (await srv.api("/api/status-page/settings")).json()).toEqual(saved);
    expect(changes).toBeGreaterThan(0);

    const data = await (await page()).json();
    expect(data.title).toBe("Acme <status>");
    // Nothing shown was ever checked: the page claims neither an outage nor that all is well.
    expect(data.overall).toEqual({ status: "no_data", label: "No data yet" });
    expect(data.description).toBe("Our <b>public</b> services");
    // cart's group is not chosen: cart comes up alone; the unchosen monitor and its window are not named.
    expect(data.items.map((i: { name: string }) => i.name)).toEqual(["cart", "web"]);
    const html = await (await page("/status")).text();
    expect(html).toContain("<h1>Acme &lt;status&gt;</h1>");
    expect(html).toContain('<p class="lead">Our &lt;b&gt;public&lt;/b&gt; services</p>');
    expect(html).not.toMatch(/internal-billing|Billing migration|>shop</);
  });

  it("turns the page off again, and null shows every monitor", async () => {
    await srv.api("/api/status-page/settings", put({ enabled: true, title: "All", description: "", monitorIds: null }));
    const data = await (await page()).json();
    expect(data.description).toBeNull();
    expect(data.items.map((i: { name: string }) => i.name)).toEqual(["internal-billing", "shop", "web"]);
    expect(data.maintenance.map((w: { title: string }) => w.title)).toEqual(["Billing migration"]);
    await srv.api(
      "/api/status-page/settings",
      put({ enabled: false, title: "All", description: null, monitorIds: null }),
    );
    expect((await page()).status).toBe(404);
  });
});
