import { insertResults, saveMonitorStates, upsertRollups, type Db } from "@uptop/store";
import { BACKENDS, until } from "@uptop/test-kit";
import { buildPublicStatusPage, buildStatusPage, StatusPageSettingsSource, statusPageRouter } from "../src/index.js";
import { addChange, addMonitor, openTestDb, startTestServer, type TestDb, type TestServer } from "./helpers.js";

// Everything here is planted in the data and must never reach the public page.
const SECRETS = [
  "secret-host.internal.example",
  "hunter2",
  "db-secret.internal",
  "planted-error-text",
  "p4ssw0rd",
  "planted-reason",
  "10.9.8.7",
];
const EVIL = "<script>alert(1)</script>";
const MESSAGE = 'Card payments fail for some. <b onmouseover="x">We are on it</b>';

/** The settings as the environment gives them: the page on, every monitor shown. */
function envSettings(db: Db, title: string): StatusPageSettingsSource {
  return new StatusPageSettingsSource({ db, defaults: { enabled: true, title, description: null, monitorIds: null } });
}

describe.each(BACKENDS)("public status page on %s", (backend) => {
  let tdb: TestDb;
  let srv: TestServer;
  const now = new Date("2026-05-01T12:00:00Z");
  const ids = new Map<string, number>();

  beforeAll(async () => {
    tdb = await openTestDb(backend, "uptop_api_status");
    const db = tdb.store.db;
    const shop = await addMonitor(db, "shop", { type: "group", createdAt: "2026-01-01T00:00:00Z" });
    const evil = await addMonitor(db, EVIL, {
      parentId: shop,
      url: "https://user:hunter2@secret-host.internal.example/health?token=hunter2",
      createdAt: "2026-01-01T00:00:00Z",
    });
    const dbm = await addMonitor(db, "database", {
      type: "tcp",
      hostname: "db-secret.internal",
      createdAt: "2026-01-01T00:00:00Z",
    });
    const search = await addMonitor(db, "search", { createdAt: "2026-01-01T00:00:00Z" });
    ids.set("old-thing", await addMonitor(db, "old-thing", { paused: true, createdAt: "2026-01-01T00:00:00Z" }));
    const newcomer = await addMonitor(db, "newcomer", { createdAt: "2026-04-30T00:00:00Z" });
    // Created paused this morning and never checked: the engine records the pause as a change
    // 61 ms after the creation (PENDING -> PAUSED) and saves a state with no check and no vote.
    const retired = await addMonitor(db, "retired", { paused: true, createdAt: "2026-05-01T08:00:00Z" });
    await addChange(db, retired, "PENDING", "PAUSED", "2026-05-01T08:00:00.061Z");
    // Checked (UP) since April, paused at 06:00 today: 00:00-06:00 today was checked.
    const archive = await addMonitor(db, "archive", { paused: true, createdAt: "2026-01-01T00:00:00Z" });
    await addChange(db, archive, "PENDING", "UP", "2026-04-01T00:00:00Z");
    await addChange(db, archive, "UP", "PAUSED", "2026-05-01T06:00:00Z");
    for (const [name, id] of Object.entries({ database: dbm, search, newcomer, retired, archive })) ids.set(name, id);

    const badVote = {
      node: "probe-eu",
      region: "eu-west",
      ok: false,
      latencyMs: 10_000,
      error: { code: "CONNECT", message: "planted-error-text connect 10.9.8.7:5432" },
      at: "2026-05-01T11:59:00Z",
    };
    // The leader started without UPTOP_NODE_REGION: its region is the unnamed default.
    const leaderVote = { ...badVote, node: "leader", region: "local" };
    const goodVote = {
      node: "probe-us",
      region: "us-east",
      ok: true,
      latencyMs: 40,
      error: null,
      at: "2026-05-01T11:59:00Z",
    };
    await addChange(db, dbm, "PENDING", "UP", "2026-04-01T00:00:00Z");
    await addChange(db, dbm, "UP", "DOWN", "2026-05-01T06:00:00Z", [badVote]);
    await db.updateTable("state_changes").set({ reason: "planted-reason db-secret.internal" }).execute();
    const base = { failures: 0, successes: 1, lastPushAt: null, downSince: null, noData: false, health: "UP" as const };
    await saveMonitorStates(db, [
      { ...base, monitorId: shop, status: "DOWN", since: "2026-05-01T06:00:00Z", lastCheck: null, votes: [] },
      {
        ...base,
        monitorId: evil,
        status: "UP",
        since: "2026-04-01T00:00:00Z",
        lastCheck: { at: "2026-05-01T11:59:00Z", ok: true, latencyMs: 40, error: null },
        votes: [goodVote],
      },
      {
        ...base,
        monitorId: dbm,
        status: "DOWN",
        health: "DOWN",
        since: "2026-05-01T06:00:00Z",
        downSince: "2026-05-01T06:00:00Z",
        lastCheck: { at: "2026-05-01T11:59:00Z", ok: false, latencyMs: 10_000, error: badVote.error },
        votes: [badVote, leaderVote, goodVote],
      },
      { ...base, monitorId: search, status: "UP", since: "2026-04-01T00:00:00Z", lastCheck: null, votes: [goodVote] },
      // Saved by the engine when it first loaded the monitor: no check has run yet.
      { ...base, monitorId: newcomer, status: "PENDING", since: "2026-04-30T00:00:00Z", lastCheck: null, votes: [] },
      {
        ...base,
        monitorId: retired,
        status: "PAUSED",
        health: "PENDING",
        successes: 0,
        since: "2026-05-01T08:00:00.061Z",
        lastCheck: null,
        votes: [],
      },
    ]);
    await insertResults(db, [
      {
        monitorId: evil,
        nodeId: "probe-us",
        slot: new Date("2026-05-01T10:00:00Z"),
        checkedAt: new Date("2026-05-01T10:00:01Z"),
        ok: true,
        latencyMs: 40,
        statusCode: 200,
        errorCode: null,
        errorMessage: null,
      },
      {
        monitorId: evil,
        nodeId: "probe-us",
        slot: new Date("2026-05-01T11:00:00Z"),
        checkedAt: new Date("2026-05-01T11:00:01Z"),
        ok: true,
        latencyMs: 60,
        statusCode: 200,
        errorCode: null,
        errorMessage: null,
      },
      {
        monitorId: dbm,
        nodeId: "probe-eu",
        slot: new Date("2026-05-01T11:00:00Z"),
        checkedAt: new Date("2026-05-01T11:00:01Z"),
        ok: false,
        latencyMs: 10_000,
        statusCode: null,
        errorCode: "CONNECT",
        errorMessage: "planted-error-text hunter2",
      },
    ]);
    await upsertRollups(db, [
      {
        monitorId: dbm,
        day: "2026-04-30",
        upS: 86_400 - 864,
        downS: 864,
        maintenanceS: 0,
        checks: 1440,
        failures: 14,
        latencyP50Ms: 5,
        latencyP95Ms: 9,
      },
    ]);
    await db
      .insertInto("maintenance_windows")
      .values({
        title: "Search reindex",
        description: "creds p4ssw0rd",
        type: "maintenance",
        monitor_ids: [search],
        start_at: new Date("2026-05-02T01:00:00Z"),
        end_at: new Date("2026-05-02T02:00:00Z"),
        recurrence: "null",
      })
      .execute();
    await db
      .insertInto("maintenance_windows")
      .values({
        title: "Payments degraded",
        description: MESSAGE,
        type: "incident",
        monitor_ids: null,
        start_at: new Date("2026-05-01T11:00:00Z"),
        end_at: null,
        recurrence: "null",
      })
      .execute();

    const incident = (title: string, description: string | null, start: string, end: string) => ({
      title,
      description,
      type: "incident",
      monitor_ids: null,
      start_at: new Date(start),
      end_at: new Date(end),
      recurrence: "null",
    });
    await db
      .insertInto("maintenance_windows")
      .values([
        incident(
          "Login outage",
          "Logins <i>failed</i>.\nFixed by a restart.",
          "2026-04-29T08:00:00Z",
          "2026-04-29T09:30:00Z",
        ),
        incident("Ancient outage", "long ago", "2026-04-20T08:00:00Z", "2026-04-24T11:59:00Z"),
      ])
      .execute();

    // Served from a snapshot: every row above is planted before the first request builds it, so
    // these tests need no freshness beyond that first build.
    srv = await startTestServer({
      open: [
        statusPageRouter({
          db,
          settings: envSettings(db, "Acme <Status>"),
          config: { corsOrigin: "https://www.example.org" },
          now: () => now,
        }),
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await srv?.close();
    await tdb?.close();
  });

  it("serves an HTML page without auth, escaping names", async () => {
    const res = await srv.api("/status", { token: null });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const html = await res.text();
    // It reloads itself only for a reader who asks (WCAG 2.2.1), through the link in its footer.
    expect(html).not.toContain("http-equiv");
    expect(html).toContain('<a href="/status?refresh=1">refresh every minute</a>');
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toContain(EVIL);
    expect(html).not.toMatch(/<script|<link|src=|@import/i);
    expect(html).toContain("Acme &lt;Status&gt;");
    expect(html).toContain("Partial outage");
    expect(html).toContain("Payments degraded");
    expect(html).toContain("Search reindex");
    expect(html).toContain("eu-west");
    expect(html).toContain("<svg");
  });

  it("reloads itself every minute when asked, with a link that stops it", async () => {
    const res = await srv.api("/status?refresh=1", { token: null });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<meta http-equiv="refresh" content="60">');
    expect(html).toContain('<a href="/status">stop refreshing</a>');
    expect(html).toContain("Acme &lt;Status&gt;");
    for (const s of SECRETS) expect(html).not.toContain(s);
    // Any other value is the page that stays put.
    expect(await (await srv.api("/status?refresh=yes", { token: null })).text()).not.toContain("http-equiv");
  });

  it.each(["/status", "/status/json"])("never leaks a URL, hostname, error text or description on %s", async (path) => {
    const text = await (await srv.api(path, { token: null })).text();
    for (const s of SECRETS) expect(text).not.toContain(s);
    expect(text).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
  });

  it("serves the same data as JSON with the configured CORS origin", async () => {
    const res = await srv.api("/status/json", { token: null });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("https://www.example.org");
    const data = await res.json();
    expect(data).toMatchObject({
      title: "Acme <Status>",
      generatedAt: now.toISOString(),
      overall: { status: "partial_outage", label: "Partial outage" },
      firstDay: "2026-02-01",
      firstHour: "2026-04-30T13:00:00.000Z",
      regions: [{ region: "eu-west", monitorsDown: 1 }],
      incidents: {
        windows: [{ type: "incident", title: "Payments degraded", active: true, monitors: null }],
        down: [{ monitor: "database", since: "2026-05-01T06:00:00.000Z" }],
      },
      maintenance: [
        {
          type: "maintenance",
          title: "Search reindex",
          active: false,
          start: "2026-05-02T01:00:00.000Z",
          monitors: ["search"],
        },
      ],
    });
    expect(data.items.map((i: { name: string }) => i.name)).toEqual([
      "archive",
      "database",
      "newcomer",
      "old-thing",
      "retired",
      "search",
      "shop",
    ]);
    const shop = data.items.find((i: { name: string }) => i.name === "shop");
    expect(shop).toMatchObject({
      kind: "group",
      status: "DOWN",
      children: [{ name: EVIL, kind: "monitor", status: "UP" }],
    });
    const database = data.items.find((i: { name: string }) => i.name === "database");
    expect(database).toMatchObject({ kind: "monitor", status: "DOWN", regionsDown: ["eu-west"] });
    expect(database.days).toHaveLength(90);
    expect(database.days[88]).toBeCloseTo(99, 6);
    // Today from state changes: up until 06:00, down since — half of the day so far.
    expect(database.days[89]).toBeCloseTo(50, 6);
    const evil = shop.children[0];
    expect(evil.latency24h).toHaveLength(24);
    expect(evil.latency24h.slice(-3)).toEqual([40, 60, null]);
    expect(data.items.find((i: { name: string }) => i.name === "old-thing").status).toBe("PAUSED");
  });

  type Item = { name: string; status: string; noDataYet: boolean; uptime90dPct: number | null; days: unknown[] };
  const itemNamed = async (name: string): Promise<Item> =>
    ((await (await srv.api("/status/json", { token: null })).json()).items as Item[]).find((i) => i.name === name)!;
  /** The page's HTML with its `<time>` tags dropped, as text reads. */
  const pageText = async () =>
    (await (await srv.api("/status", { token: null })).text()).replace(/<\/?time[^>]*>/g, "");
  /** The card of one service in the HTML, from its name to the next card. */
  const cardOf = (html: string, name: string) => {
    const at = html.indexOf(`<span class="name">${name}</span>`);
    return html.slice(at, html.indexOf('<div class="card">', at));
  };

  it.each([
    ["paused", "old-thing", "PAUSED", false, "Paused"],
    ["never checked", "newcomer", "PENDING", true, "No data yet"],
    ["created paused today, never checked", "retired", "PAUSED", false, "Paused"],
  ])("a %s monitor claims no uptime: every bar is grey no data", async (_what, name, status, noDataYet, badge) => {
    const item = await itemNamed(name);
    expect(item).toMatchObject({ status, noDataYet, uptime90dPct: null });
    expect(item.days).toEqual(new Array(90).fill(null));
    const card = cardOf(await (await srv.api("/status", { token: null })).text(), name);
    expect(card).toContain(`>${badge}</span>`);
    expect(card).not.toMatch(/class="b\d"|100\.0+%/);
    expect(card).toContain('title="2026-05-01: no data"');
  });

  it("keeps the real figure of a monitor paused after checks, for the time it was checked", async () => {
    const item = await itemNamed("archive");
    expect(item).toMatchObject({ status: "PAUSED", noDataYet: false, uptime90dPct: 100 });
    // Today: UP 00:00-06:00, paused since; before today it has no daily figure planted.
    expect(item.days[89]).toBe(100);
    expect(item.days.slice(0, 89)).toEqual(new Array(89).fill(null));
    expect(cardOf(await pageText(), "archive")).toContain("100.000% uptime while checked (90 days)");
  });

  it.each([
    [
      "down beside paused and never-checked ones: they are not counted",
      ["old-thing", "newcomer", "database"],
      "major_outage",
    ],
    ["only paused and never-checked ones, while an incident is declared", ["old-thing", "newcomer"], "partial_outage"],
  ])("the banner with a monitor %s", async (_w, names, overall) => {
    const options = { title: "T", description: null, monitorIds: names.map((n) => ids.get(n)!) };
    expect((await buildStatusPage(tdb.store.db, options, now)).overall.status).toBe(overall);
  });

  it("shows a day with no data as a grey bar, not a green one", async () => {
    const database = await itemNamed("database");
    expect(database.days[0]).toBeNull();
    const card = cardOf(await (await srv.api("/status", { token: null })).text(), "database");
    expect(card).toContain('<span class="" title="2026-02-01: no data"></span>');
  });

  it("says when a window ends: an open end is until further notice, a set one a range", async () => {
    const html = await pageText();
    expect(html).toContain("Since 2026-05-01 11:00 UTC · affects all services");
    expect(html).toContain("Search reindex</strong> — scheduled, 2026-05-02 01:00 UTC – 2026-05-02 02:00 UTC");
    expect(html).toContain("resolved, 2026-04-29 08:00 UTC – 2026-04-29 09:30 UTC");
    expect(html).not.toMatch(/ to until|to until further notice/);
  });

  it("never names the unnamed default region", async () => {
    const text = await (await srv.api("/status/json", { token: null })).text();
    expect(text).not.toContain('"local"');
    const html = await (await srv.api("/status", { token: null })).text();
    expect(html).toContain("problem seen from eu-west<");
    expect(html).not.toMatch(/\blocal\b/);
  });

  it("shows an active incident's message at the top, escaped, with its start", async () => {
    const html = await pageText();
    const section = html.slice(html.indexOf('<section class="incident">'), html.indexOf("</section>"));
    expect(section).toContain("<h2>Payments degraded</h2>");
    expect(section).toContain(
      '<p class="msg">Card payments fail for some. &lt;b onmouseover=&quot;x&quot;&gt;We are on it&lt;/b&gt;</p>',
    );
    expect(section).toContain("Since 2026-05-01 11:00 UTC");
    expect(html).not.toContain(MESSAGE);
    expect(html.indexOf('<section class="incident">')).toBeLessThan(html.indexOf("<h2>Services</h2>"));
    const data = await (await srv.api("/status/json", { token: null })).json();
    expect(data.incidents.windows[0].message).toBe(MESSAGE);
  });

  it("lists incidents resolved in the last 7 days with their messages, the older ones not", async () => {
    const data = await (await srv.api("/status/json", { token: null })).json();
    expect(data.incidents.resolved).toEqual([
      {
        type: "incident",
        title: "Login outage",
        message: "Logins <i>failed</i>.\nFixed by a restart.",
        active: false,
        start: "2026-04-29T08:00:00.000Z",
        end: "2026-04-29T09:30:00.000Z",
        monitors: null,
      },
    ]);
    const html = await (await srv.api("/status", { token: null })).text();
    const resolved = html.slice(html.indexOf("<h2>Resolved incidents (last 7 days)</h2>"));
    expect(resolved).toContain('<p class="msg">Logins &lt;i&gt;failed&lt;/i&gt;.\nFixed by a restart.</p>');
    expect(html).not.toContain("Ancient outage");
  });

  it("omits the CORS header when no origin is configured", async () => {
    const plain = await startTestServer({
      open: [
        statusPageRouter({
          db: tdb.store.db,
          settings: envSettings(tdb.store.db, "S"),
          config: { corsOrigin: null },
          now: () => now,
        }),
      ],
    });
    try {
      const res = await plain.api("/status/json", { token: null });
      expect(res.status).toBe(200);
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
    } finally {
      await plain.close();
    }
  });

  describe("under a flood of visitors", () => {
    type Plugin = Parameters<Db["withPlugin"]>[0];
    const REFRESH_MS = 5_000;

    /**
     * The router on a clock the test moves, over the database as it sees it: every query it
     * starts is counted, and while `hold` is set their results wait for it.
     */
    async function flooded(fail = false) {
      const seen = { queries: 0, hold: null as Promise<void> | null };
      const plugin: Plugin = {
        transformQuery: (args) => {
          seen.queries++;
          if (fail) throw new Error("database unreachable");
          return args.node;
        },
        transformResult: async (args) => {
          await seen.hold;
          return args.result;
        },
      };
      const db = tdb.store.db.withPlugin(plugin);
      const settings = envSettings(db, "S");
      let clockMs = now.getTime();
      const server = await startTestServer({
        open: [
          statusPageRouter({
            db,
            settings,
            config: { corsOrigin: null },
            now: () => new Date(clockMs),
            refreshMs: REFRESH_MS,
          }),
        ],
      });
      // One build's worth of queries, counted the same way, is the unit of cost.
      const before = seen.queries;
      if (!fail) await buildPublicStatusPage(db, settings, now);
      const perBuild = seen.queries - before;
      seen.queries = before;
      const visit = (i: number) => server.api(i % 2 ? "/status" : "/status/json", { token: null });
      const flood = (n = 50) => Promise.all(Array.from({ length: n }, (_, i) => visit(i)));
      const generatedAt = async () => (await (await server.api("/status/json", { token: null })).json()).generatedAt;
      return { seen, perBuild, server, flood, generatedAt, advance: (ms: number) => (clockMs += ms) };
    }

    it("costs 50 concurrent visitors one build of queries, and nothing more while it is fresh", async () => {
      const f = await flooded();
      try {
        expect(f.perBuild).toBeGreaterThanOrEqual(5);
        const answers = await f.flood();
        expect(answers.map((r) => r.status)).toEqual(new Array(50).fill(200));
        expect(f.seen.queries).toBe(f.perBuild);
        f.advance(REFRESH_MS - 1);
        await f.flood();
        expect(f.seen.queries).toBe(f.perBuild);
      } finally {
        await f.server.close();
      }
    });

    it("serves the previous snapshot while one rebuild runs, then the rebuilt one", async () => {
      const f = await flooded();
      try {
        const first = await f.generatedAt();
        f.advance(REFRESH_MS);
        let release = () => {};
        f.seen.hold = new Promise((r) => (release = r));
        // The rebuild's queries cannot finish during this flood, yet every visitor is answered.
        const answers = await f.flood();
        expect(answers.map((r) => r.status)).toEqual(new Array(50).fill(200));
        const served = await Promise.all(
          answers.filter((r) => r.url.endsWith("/json")).map(async (r) => (await r.json()).generatedAt),
        );
        expect(new Set(served)).toEqual(new Set([first]));
        release();
        f.seen.hold = null;
        const rebuilt = new Date(now.getTime() + REFRESH_MS).toISOString();
        await until("the rebuilt page", async () => (await f.generatedAt()) === rebuilt, 10_000, 20);
        expect(f.seen.queries).toBe(2 * f.perBuild);
      } finally {
        await f.server.close();
      }
    });

    it("asks a failing database at most once per interval, however many visitors", async () => {
      const f = await flooded(true);
      try {
        const answers = await f.flood();
        expect(answers.map((r) => r.status)).toEqual(new Array(50).fill(500));
        const once = f.seen.queries;
        expect(once).toBeGreaterThan(0);
        await f.flood();
        expect(f.seen.queries).toBe(once);
        f.advance(REFRESH_MS);
        await f.flood();
        expect(f.seen.queries).toBe(2 * once);
      } finally {
        await f.server.close();
      }
    });

    it("sends the page gzipped when asked, and a bodiless 304 to a visitor who has it", async () => {
      const f = await flooded();
      try {
        const plain = await f.server.api("/status", { token: null, headers: { "accept-encoding": "identity" } });
        const html = await plain.text();
        expect(plain.headers.get("content-encoding")).toBeNull();
        expect(plain.headers.get("vary")).toContain("Accept-Encoding");
        const zipped = await fetch(`${f.server.url}/status`, { headers: { "accept-encoding": "gzip" } });
        expect(zipped.headers.get("content-encoding")).toBe("gzip");
        // fetch inflates on its own; the length on the wire is the compressed one.
        expect(Number(zipped.headers.get("content-length"))).toBeLessThan(Buffer.byteLength(html));
        expect(await zipped.text()).toBe(html);
        const etag = plain.headers.get("etag")!;
        // An explicit Cache-Control, as a browser's reload sends, or fetch adds "no-cache" itself.
        const again = await f.server.api("/status", {
          token: null,
          headers: { "accept-encoding": "identity", "if-none-match": etag, "cache-control": "max-age=0" },
        });
        expect(again.status).toBe(304);
        expect(await again.text()).toBe("");
      } finally {
        await f.server.close();
      }
    });
  });
});
