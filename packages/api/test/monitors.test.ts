import { randomBytes } from "node:crypto";
import { SecretBox, type Monitor } from "@uptop/core";
import { checkSpecFromMonitor, InvalidCheckSpecError, validateSpec, type CheckSpec } from "@uptop/checks";
import { getMonitor, saveMonitorStates, type Db } from "@uptop/store";
import { BACKENDS } from "@uptop/test-kit";
import { monitorsRouter } from "../src/index.js";
import { openTestDb, startTestServer, type TestDb, type TestServer } from "./helpers.js";

const json = (body: unknown) => ({ method: "POST", body: JSON.stringify(body) });

/** Fields no monitor may have, whatever its type, and the field the 400 must name. */
const INVALID: Array<[Record<string, unknown>, string]> = [
  [{ method: "TRACE" }, "method"],
  [{ method: "get" }, "method"],
  [{ headers: ["Accept: */*"] }, "headers"],
  [{ headers: "Accept: */*" }, "headers"],
  [{ headers: { "bad header": "v" } }, "headers.bad header"],
  [{ headers: { "X-A": 1 } }, "headers.X-A"],
  [{ headers: { "X-A": "one\r\nX-Injected: two" } }, "headers.X-A"],
  [{ headers: { "X-A": "one\ntwo" } }, "headers.X-A"],
  [{ auth: "user:pass" }, "auth"],
  [{ auth: { type: "digest", username: "u", password: "p" } }, "auth.type"],
  [{ auth: { type: "basic", username: "u" } }, "auth.password"],
  [{ auth: { type: "bearer", token: "" } }, "auth.token"],
  [{ auth: { type: "bearer", token: "t", scheme: "Token" } }, "auth.scheme"],
  [{ jsonAssertion: { path: "a" } }, "jsonAssertion"],
  [{ jsonAssertion: { path: "", exists: true } }, "jsonAssertion.path"],
  [{ jsonAssertion: { path: "a", contains: 1 } }, "jsonAssertion.contains"],
  [{ jsonAssertion: { path: "a", exists: "yes" } }, "jsonAssertion.exists"],
  [{ jsonAssertion: { path: "a", equals: 1, regex: "x" } }, "jsonAssertion.regex"],
  [{ maxRedirects: 21 }, "maxRedirects"],
  [{ maxRedirects: 1.5 }, "maxRedirects"],
  [{ maxRedirects: -1 }, "maxRedirects"],
  [{ certExpiryDays: -1 }, "certExpiryDays"],
  [{ certExpiryDays: 366 }, "certExpiryDays"],
  [{ certExpiryDays: "14" }, "certExpiryDays"],
  [{ expected: "203.0.113.1" }, "expected"],
  [{ expected: ["a".repeat(1001)] }, "expected.0"],
  [{ expectedMode: "some" }, "expectedMode"],
  [{ pingCount: 0 }, "pingCount"],
  [{ pingCount: 2.5 }, "pingCount"],
  [{ token: "short" }, "token"],
  [{ token: "abcdefghijklmnopqrstu" }, "token"],
  [{ grace: "soon" }, "grace"],
  [{ grace: 60 }, "grace"],
  [{ regions: "eu-west" }, "regions"],
  [{ regions: ["eu west"] }, "regions.0"],
  [{ regions: ["-eu"] }, "regions.0"],
  [{ aggregation: "most-down" }, "aggregation"],
  [{ paused: "yes" }, "paused"],
  [{ paused: 1 }, "paused"],
  [{ hostname: "-f" }, "hostname"],
  [{ hostname: "a b" }, "hostname"],
  [{ hostname: 42 }, "hostname"],
  [{ timeout: 3601, interval: 7200 }, "timeout"],
  [{ timeout: 0 }, "timeout"],
  [{ timeout: 30, interval: 30 }, "timeout"],
  [{ resolver: "a b" }, "resolver"],
  [{ resolver: "1.1.1.1:99999" }, "resolver"],
  [{ resolver: "1.1.1.1:0" }, "resolver"],
  [{ description: "with a NUL \u0000 inside" }, "description"],
  [{ extra: 1 }, "extra"],
  [{ Name: "capitalised" }, "Name"],
];

describe.each(BACKENDS)("monitors API on %s", (backend) => {
  const box = new SecretBox(null);
  let tdb: TestDb;
  let t: TestServer;
  let db: Db;

  beforeAll(async () => {
    tdb = await openTestDb(backend, "uptop_api_monitors");
    db = tdb.store.db;
    t = await startTestServer({ admin: [monitorsRouter({ db, box })] });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await tdb?.close();
  });

  it("shows the certificate the last check saw with the whole days left, and none before any", async () => {
    const created = await (
      await t.api("/api/monitors", json({ name: "tls-view", type: "http", url: "https://tls.example/", interval: 60 }))
    ).json();
    expect(created.cert).toBeNull();
    const validTo = new Date(Date.now() + 10.5 * 86_400_000).toISOString();
    const at = new Date().toISOString();
    await saveMonitorStates(db, [
      {
        monitorId: created.id,
        status: "UP",
        health: "UP",
        since: at,
        failures: 0,
        successes: 1,
        lastCheck: { at, ok: true, latencyMs: 12, error: null, certValidTo: validTo },
        votes: [],
        lastPushAt: null,
        downSince: null,
        noData: false,
      },
    ]);
    const view = await (await t.api(`/api/monitors/${created.id}`)).json();
    expect(view.cert).toEqual({ validTo, daysLeft: 10 });
    await t.api(`/api/monitors/${created.id}`, { method: "DELETE" });
  });

  describe("monitors CRUD", () => {
    it("creates, lists, reads, replaces, patches and deletes", async () => {
      const created = await t.api(
        "/api/monitors",
        json({
          name: "checkout-api",
          type: "http",
          url: "https://shop.example.com/health",
          interval: 30,
          retries: 2,
          retryInterval: 10,
          keyword: "ok",
          regions: ["eu-west", "us-east"],
          aggregation: "majority-down",
        }),
      );
      expect(created.status).toBe(201);
      const m = await created.json();
      expect(m).toMatchObject({
        id: expect.any(Number),
        name: "checkout-api",
        status: "PENDING",
        interval: 30,
        retries: 2,
        retryInterval: 10,
        regions: ["eu-west", "us-east"],
        aggregation: "majority-down",
        votes: [],
        lastCheck: null,
      });
      expect(created.headers.get("location")).toBe(`/api/monitors/${m.id}`);

      const list = await (await t.api("/api/monitors")).json();
      expect(list.map((x: { name: string }) => x.name)).toContain("checkout-api");

      const one = await t.api(`/api/monitors/${m.id}`);
      expect(one.status).toBe(200);
      expect((await one.json()).name).toBe("checkout-api");

      const put = await t.api(`/api/monitors/${m.id}`, {
        method: "PUT",
        body: JSON.stringify({ name: "checkout-api", type: "http", url: "https://shop.example.com/v2" }),
      });
      expect(put.status).toBe(200);
      expect(await put.json()).toMatchObject({ url: "https://shop.example.com/v2", retries: 0, regions: [] });

      const patch = await t.api(`/api/monitors/${m.id}`, { method: "PATCH", body: JSON.stringify({ interval: "2m" }) });
      expect(patch.status).toBe(200);
      expect(await patch.json()).toMatchObject({ url: "https://shop.example.com/v2", interval: 120 });

      const paused = await (await t.api(`/api/monitors/${m.id}/pause`, { method: "POST" })).json();
      expect(paused).toMatchObject({ paused: true, status: "PAUSED" });
      expect(await (await t.api(`/api/monitors/${m.id}/resume`, { method: "POST" })).json()).toMatchObject({
        paused: false,
      });

      expect((await t.api(`/api/monitors/${m.id}`, { method: "DELETE" })).status).toBe(204);
      expect((await t.api(`/api/monitors/${m.id}`)).status).toBe(404);
      expect((await t.api(`/api/monitors/${m.id}`, { method: "DELETE" })).status).toBe(404);
    });

    it("answers 409 for a duplicate name, on create and on rename", async () => {
      await t.api("/api/monitors", json({ name: "taken", type: "group" }));
      const dup = await t.api("/api/monitors", json({ name: "taken", type: "group" }));
      expect(dup.status).toBe(409);
      expect((await dup.json()).error).toMatchObject({ code: "CONFLICT", message: expect.stringContaining("taken") });
      const other = await (await t.api("/api/monitors", json({ name: "other", type: "group" }))).json();
      const rename = await t.api(`/api/monitors/${other.id}`, {
        method: "PATCH",
        body: JSON.stringify({ name: "taken" }),
      });
      expect(rename.status).toBe(409);
    });

    it.each([
      [{ type: "http", url: "https://x" }, "name"],
      [{ name: "v1", type: "nope" }, "type"],
      [{ name: "v2", type: "http" }, "url"],
      [{ name: "v3", type: "http", url: "javascript:alert(1)" }, "url"],
      [{ name: "v4", type: "tcp", hostname: "db" }, "port"],
      [{ name: "v5", type: "http", url: "https://x", interval: 1 }, "interval"],
      [{ name: "v6", type: "http", url: "https://x", timeout: 600 }, "timeout"],
      [{ name: "v7", type: "http", url: "https://x", acceptedCodes: "abc" }, "acceptedCodes"],
      [{ name: "v8", type: "http", url: "https://x", retries: "three" }, "retries"],
      [{ name: "v9", type: "http", url: "https://x", channels: ["nope"] }, "channels"],
      [{ name: "v10", type: "http", url: "https://x", parent: "missing" }, "parent"],
      [{ name: "v11", type: "http", url: "https://x", extra: 1 }, "extra"],
      [{ name: "v12", type: "dns", hostname: "example.com", recordType: "XYZ" }, "recordType"],
      ...INVALID.map(([fields, field]): [Record<string, unknown>, string] => [
        { name: "v-table", type: "http", url: "https://x.example/", ...fields },
        field,
      ]),
      [{ name: "v13", type: "dns", hostname: "example.com", expected: "a" }, "expected"],
      [{ name: "v14", type: "dns", hostname: "example.com", expected: [1] }, "expected.0"],
      [{ name: "v15", type: "dns", hostname: "example.com", expectedMode: "some" }, "expectedMode"],
      [{ name: "v16", type: "ping", hostname: "example.com", pingCount: 21 }, "pingCount"],
      [{ name: "v17", type: "push", token: "short" }, "token"],
      [{ name: "v18", type: "push", token: "has spaces in it, sixteen+" }, "token"],
      [{ name: "v19", type: "push", grace: "soon" }, "grace"],
      [{ name: "v20", type: "tcp", hostname: "bad host!", port: 22 }, "hostname"],
      [{ name: "v21", type: "tcp", hostname: `${"a".repeat(254)}`, port: 22 }, "hostname"],
      [{ name: "v22", type: "dns", hostname: "example.com", resolver: "" }, "resolver"],
      [{ name: "v23", type: "http", url: "https://x", extra: 1, another: 2 }, "another"],
    ])("answers 400 for %j naming %j", async (body, field) => {
      const res = await t.api("/api/monitors", json(body));
      expect(res.status).toBe(400);
      const err = (await res.json()).error;
      expect(err.code).toBe("VALIDATION");
      expect(err.details.issues.map((i: { field: string }) => i.field)).toContain(field);
      expect(err.message).toContain(err.details.issues[0].field);
    });

    it.each([
      ["invalid JSON", "{not json", "INVALID_JSON", 400],
      ["a JSON array", "[]", "VALIDATION", 400],
      ["a JSON string", '"hi"', "INVALID_JSON", 400],
      ["null", "null", "INVALID_JSON", 400],
    ])("answers 400 for %s", async (_name, body, code, status) => {
      const res = await t.api("/api/monitors", { method: "POST", body });
      expect(res.status).toBe(status);
      expect((await res.json()).error.code).toBe(code);
    });

    it("answers 413 for a body over the admin limit (512 KiB)", async () => {
      const res = await t.api(
        "/api/monitors",
        json({ name: "big", type: "group", description: "x".repeat(1024 * 1024 + 10) }),
      );
      expect(res.status).toBe(413);
      expect((await res.json()).error.code).toBe("PAYLOAD_TOO_LARGE");
    });

    describe("PUT and PATCH refuse what POST refuses, and keep the stored monitor", () => {
      let id: number;
      let before: unknown;
      const base = { name: "edit-target", type: "http", url: "https://edit.example/", interval: 60 };
      // The settings as stored, without the live state (which an engine would keep moving).
      const settings = async () => {
        const {
          status: _s,
          statusSince: _ss,
          noData: _n,
          failures: _f,
          cert: _cert,
          lastCheck: _l,
          votes: _v,
          ...rest
        } = await (await t.api(`/api/monitors/${id}`)).json();
        return rest;
      };
      beforeAll(async () => {
        id = (await (await t.api("/api/monitors", json(base))).json()).id;
        before = await settings();
      });

      it.each([
        ...INVALID,
        [{ name: "" }, "name"],
        [{ type: "nope" }, "type"],
        [{ url: "javascript:alert(1)" }, "url"],
        [{ interval: 1 }, "interval"],
        [{ url: null }, "url"],
      ])("%j naming %j", async (fields, field) => {
        for (const [method, body] of [
          ["PUT", { ...base, ...fields }],
          ["PATCH", fields],
        ] as const) {
          const res = await t.api(`/api/monitors/${id}`, { method, body: JSON.stringify(body) });
          expect({ method, status: res.status }).toEqual({ method, status: 400 });
          const err = (await res.json()).error;
          expect(err.code).toBe("VALIDATION");
          expect(err.details.issues.map((i: { field: string }) => i.field)).toContain(field);
        }
        expect(await settings()).toEqual(before);
      });
    });

    it("answers 400 for a bad id and 404 for a missing one", async () => {
      expect((await t.api("/api/monitors/abc")).status).toBe(400);
      expect((await t.api("/api/monitors/-1")).status).toBe(400);
      expect((await t.api("/api/monitors/99999")).status).toBe(404);
      expect((await t.api("/api/monitors/99999", { method: "PATCH", body: "{}" })).status).toBe(404);
    });

    it("keeps a patch from leaving a broken monitor", async () => {
      const m = await (
        await t.api("/api/monitors", json({ name: "tcp-db", type: "tcp", hostname: "db", port: 5432 }))
      ).json();
      const res = await t.api(`/api/monitors/${m.id}`, { method: "PATCH", body: JSON.stringify({ port: null }) });
      expect(res.status).toBe(400);
      expect((await (await t.api(`/api/monitors/${m.id}`)).json()).port).toBe(5432);
    });

    it("never returns credentials, and keeps them when the mask is sent back", async () => {
      const res = await t.api(
        "/api/monitors",
        json({
          name: "with-auth",
          type: "http",
          url: "https://x.example/",
          auth: { type: "basic", username: "u", password: "p4ss" },
          headers: { Authorization: "Bearer t0k", Accept: "*/*" },
        }),
      );
      const m = await res.json();
      expect(JSON.stringify(m)).not.toMatch(/p4ss|t0k/);
      expect(m.auth).toEqual({ type: "basic", username: "u", password: "********" });
      const patched = await t.api(`/api/monitors/${m.id}`, {
        method: "PATCH",
        body: JSON.stringify({ auth: m.auth, headers: m.headers, interval: 45 }),
      });
      expect(patched.status).toBe(200);
      const stored = await db
        .selectFrom("monitors")
        .select(["auth", "headers"])
        .where("id", "=", m.id)
        .executeTakeFirstOrThrow();
      expect(stored.auth).toContain("p4ss");
      expect(stored.headers.Authorization).toBe("Bearer t0k");
    });

    it("creates push monitors with a server-generated token", async () => {
      const m = await (
        await t.api("/api/monitors", json({ name: "nightly-backup", type: "push", interval: "1h" }))
      ).json();
      expect(m.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(m.grace).toBe(1800);
    });
  });

  // A monitor the API stores but the checks refuse would sit in PENDING forever: what the API
  // accepts must pass validateSpec, the first thing runCheck does with a spec.
  describe("monitors the API stores and the checks' spec validation", () => {
    const url = "https://x.example/";

    /** Every check type, with the edges of each limit the API allows. */
    const ACCEPTED: Array<Record<string, unknown>> = [
      { type: "http", url },
      { type: "http", url, interval: 7200, timeout: 3600 },
      { type: "http", url, interval: 5, timeout: 0.5 },
      { type: "http", url, interval: "2h", timeout: "59m" },
      { type: "http", url, timeout: 1.005 },
      {
        type: "http",
        url,
        method: "POST",
        body: "{}",
        headers: { "Content-Type": "application/json", "X-Tab": "a\tb", "X-Unicode": "naïve ☃", "X-Empty": "" },
      },
      { type: "http", url, auth: { type: "basic", username: "u", password: "p:w" } },
      { type: "http", url, auth: { type: "bearer", token: "t0k" }, headers: { Authorization: "Bearer other" } },
      { type: "http", url, acceptedCodes: "200-299,301", keyword: "ok", keywordAbsent: "error" },
      { type: "http", url, jsonAssertion: { path: "data.items[0].status", equals: null } },
      { type: "http", url, jsonAssertion: { path: "a", contains: "" } },
      { type: "http", url, jsonAssertion: { path: "a", exists: false } },
      { type: "http", url, jsonAssertion: { path: "a", equals: { nested: [1, "two", { three: true }] } } },
      { type: "http", url, followRedirects: false, maxRedirects: 0, ignoreTls: true, certExpiryDays: 0 },
      { type: "http", url, maxRedirects: 20, certExpiryDays: 365 },
      { type: "http", url: "http://[::1]:8080/health?x=1" },
      { type: "tcp", hostname: "db.internal", port: 1 },
      { type: "tcp", hostname: "  padded.example  ", port: 65535 },
      { type: "tcp", hostname: "[::1]", port: 5432 },
      { type: "tcp", hostname: "::1", port: 5432 },
      { type: "tcp", hostname: "10.0.0.1", port: 22, timeout: 3600, interval: 86400 },
      { type: "tls", hostname: "example.com" },
      { type: "tls", hostname: "example.com", port: 8443, certExpiryDays: 365, ignoreTls: true },
      { type: "ping", hostname: "host-with-dashes-.example", pingCount: 1 },
      { type: "ping", hostname: "2001:db8::1", pingCount: 20 },
      { type: "dns", hostname: "example.com" },
      { type: "dns", hostname: "_sip._tcp.example.com", recordType: "SRV" },
      { type: "dns", hostname: "8.8.8.8", recordType: "PTR" },
      { type: "dns", hostname: "example.com", recordType: "TXT", expected: ["v=spf1 -all", ""], expectedMode: "all" },
      ...[
        "1.1.1.1",
        "1.1.1.1:5353",
        "dns.example",
        "dns.example:53",
        "[2606:4700:4700::1111]:53",
        "[::1]",
        "2606:4700:4700::1111",
      ].map((resolver) => ({ type: "dns", hostname: "example.com", resolver })),
    ];

    it.each(ACCEPTED.map((body, i) => [i, body] as const))(
      "#%i %j is stored and passes validateSpec",
      async (i, body) => {
        const res = await t.api("/api/monitors", json({ name: `accepted-${i}`, ...body }));
        expect(res.status).toBe(201);
        const stored: Monitor = await getMonitor(db, box, (await res.json()).id);
        const spec = checkSpecFromMonitor(stored);
        expect(spec).not.toBeNull();
        expect(() => validateSpec(spec!)).not.toThrow();
      },
    );

    // What the audit found stuck in PENDING: stored by the API, refused by the checks every round.
    it.each([
      [{ type: "http", url, interval: 7200, timeout: 3601 }, "timeout"],
      [{ type: "http", url, headers: { "X-A": "one\r\nX-B: two" } }, "headers"],
      [{ type: "dns", hostname: "example.com", resolver: "resolver with spaces" }, "resolver"],
      [{ type: "dns", hostname: "example.com", resolver: "1.1.1.1:70000" }, "resolver"],
      [{ type: "ping", hostname: "-f" }, "hostname"],
      [{ type: "tcp", hostname: "-oProxyCommand=x", port: 22 }, "hostname"],
      [{ type: "tls", hostname: "-x" }, "hostname"],
    ])("%j is refused by the checks and by the API alike, at %j", async (body, field) => {
      // A spec names the monitor's timeout with its unit.
      const { interval: _interval, timeout, ...rest } = body as Record<string, unknown>;
      const spec = timeout === undefined ? rest : { ...rest, timeoutS: timeout };
      let refused: unknown;
      try {
        validateSpec(spec as unknown as CheckSpec);
      } catch (err) {
        refused = err;
      }
      expect(refused).toBeInstanceOf(InvalidCheckSpecError);
      const specField = field === "timeout" ? "timeoutS" : field;
      expect((refused as InvalidCheckSpecError).issues.map((i) => i.field)).toContain(specField);

      const res = await t.api("/api/monitors", json({ name: `refused-${field}`, ...body }));
      expect(res.status).toBe(400);
      const fields: string[] = (await res.json()).error.details.issues.map((i: { field: string }) => i.field);
      expect(fields.some((f) => f === field || f.startsWith(`${field}.`))).toBe(true);
    });
  });
});

describe.each(BACKENDS)("monitor credentials on %s", (backend) => {
  const box = new SecretBox(randomBytes(32));
  let tdb: TestDb;
  let t: TestServer;
  let db: Db;

  beforeAll(async () => {
    tdb = await openTestDb(backend, "uptop_api_monitor_secrets");
    db = tdb.store.db;
    t = await startTestServer({ admin: [monitorsRouter({ db, box })] });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await tdb?.close();
  });

  const base = { type: "http", url: "https://api.example.com/health" };
  // biome-ignore format: a table reads best one case per line
  it.each([
    ["a password in the URL", { url: "https://svc:url-pa55@api.example.com/health" }, "url-pa55", { url: "https://svc:********@api.example.com/health" }],
    ["a token as the URL's user name", { url: "https://ghp-url-t0ken@api.example.com/" }, "ghp-url-t0ken", { url: "https://********@api.example.com/" }],
    ["a body", { method: "POST", body: '{"password":"body-pa55"}' }, "body-pa55", { body: "********" }],
    ["a token header", { headers: { "Private-Token": "glpat-hdr-t0ken", Accept: "*/*" } }, "glpat-hdr-t0ken", { headers: { "Private-Token": "********", Accept: "*/*" } }],
    ["a bearer token", { auth: { type: "bearer", token: "auth-t0ken" } }, "auth-t0ken", { auth: { type: "bearer", token: "********" } }],
  ])("keeps %s secret: encrypted at rest, masked in answers, kept when the mask comes back", async (what, fields, secret, masked) => {
    const name = `secret ${what}`;
    const created = await t.api("/api/monitors", json({ name, ...base, ...fields }));
    expect(created.status).toBe(201);
    const m = await created.json();
    expect(m).toMatchObject(masked);
    const list = await (await t.api("/api/monitors")).text();
    for (const answer of [JSON.stringify(m), await (await t.api(`/api/monitors/${m.id}`)).text(), list])
      expect(answer).not.toContain(secret);

    const row = await db.selectFrom("monitors").selectAll().where("id", "=", m.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(secret);

    // A client sends back what it read, changing something else: the secret stays as stored.
    const { id: _id, status: _s, statusSince: _ss, noData: _n, failures: _f, cert: _cert, lastCheck: _l, votes: _v, createdAt: _c, updatedAt: _u, parentId: _p, ...input } = m;
    const put = await t.api(`/api/monitors/${m.id}`, { method: "PUT", body: JSON.stringify({ ...input, interval: 45 }) });
    expect(put.status).toBe(200);
    const patched = await t.api(`/api/monitors/${m.id}`, { method: "PATCH", body: JSON.stringify({ ...masked, retries: 1 }) });
    expect(patched.status).toBe(200);
    const stored = await getMonitor(db, box, m.id);
    expect(JSON.stringify(stored)).toContain(secret);
    expect(stored).toMatchObject({ interval: 45, retries: 1 });
  });
});
