import { SecretBox } from "@uptop/core";
import { BACKENDS } from "@uptop/test-kit";
import { configRouter } from "../src/index.js";
import { openTestDb, post, startTestServer, type TestDb, type TestServer } from "./helpers.js";

const yaml = (body: string) => ({ method: "POST", headers: { "content-type": "application/yaml" }, body });

const ALIAS_BOMB = [
  "x-a: &a [v, v, v, v, v, v, v, v, v, v]",
  "x-b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]",
  "x-c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]",
  "monitors: []",
  "",
].join("\n");

describe.each(BACKENDS)("config apply on %s", (backend) => {
  let tdb: TestDb;
  let srv: TestServer;

  beforeAll(async () => {
    tdb = await openTestDb(backend, "uptop_api_config");
    srv = await startTestServer({ admin: [configRouter({ db: tdb.store.db, box: new SecretBox(null) })] });
  }, 60_000);

  afterAll(async () => {
    await srv?.close();
    await tdb?.close();
  });

  // biome-ignore format: a table reads best one case per line
  it.each([
    ["YAML whose aliases expand past the limit", yaml(ALIAS_BOMB), "request body:2:10: aliases (*name) expand to more than 100 copies"],
    ["YAML with an alias before its anchor", yaml("monitors:\n  - *early\n"), "request body:2:5: Unresolved alias"],
    ["a window in year 0000", post({ maintenance: [{ title: "w", start: "0000-01-01T00:00:00Z" }] }), "maintenance.0.start: must be between 1970-01-01 and 9999-12-31"],
    ["a window ending past year 9999", post({ maintenance: [{ title: "w", start: "2026-01-01T00:00:00Z", end: "9999-12-31T23:00:00-02:00" }] }), "maintenance.0.end: must be between"],
  ])("answers %s with a 400 that says what is wrong, and stores nothing", async (_what, init, message) => {
    const res = await srv.api("/api/config/apply", init);
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(error.code).toBe("VALIDATION");
    expect(error.message).toContain(message);
    expect(await tdb.store.db.selectFrom("maintenance_windows").select("id").execute()).toEqual([]);
  });

  // biome-ignore format: a table reads best one case per line
  it.each([
    ["bad indentation", "monitors:\n  - name: a\n    type: push\n   interval: 60\n", "request body:4:4: Sequence item without - indicator"],
    ["an unclosed quote", 'monitors:\n  - name: "a\n    type: push\n', 'request body:2:11: this " is never closed'],
    ["a tab", "monitors:\n\t- name: a\n", "request body:2:1: tabs are not allowed as indentation: indent with spaces"],
    ["a duplicate key", "monitors:\n  - name: a\n    name: b\n", 'request body:3:5: duplicate key "name"'],
    ["a ${VAR} in a flow map", `monitors:\n  - { name: a, type: push, token: \${T} }\n${"  - name: b\n".repeat(40)}`, "request body:2:35: a ${VARIABLE} inside { } or [ ] must be quoted"],
  ])("answers YAML with %s with a 400 whose message is one located line", async (_what, text, start) => {
    const res = await srv.api("/api/config/apply", yaml(text));
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(error.message.slice(0, start.length)).toBe(start);
    expect(error.message).not.toMatch(/\n|and \d+ more/);
    expect(error.details.issues).toHaveLength(1);
  });

  it("exports a monitor's URL password, body and token header as placeholders, and plans them as secrets", async () => {
    const monitor = (pass: string) => ({
      name: "login",
      type: "http",
      url: `https://svc:${pass}@api.example.com/login`,
      method: "POST",
      body: `{"password":"${pass}"}`,
      headers: { "X-Vault-Token": pass },
    });
    expect((await srv.api("/api/config/apply", post({ monitors: [monitor("first-pa55")] }))).status).toBe(200);
    const plan = await (
      await srv.api("/api/config/apply?dryRun=true", post({ monitors: [monitor("next-pa55")] }))
    ).text();
    expect(plan).toContain("(secret changed)");
    const exported = await (await srv.api("/api/config")).text();
    for (const answer of [plan, exported])
      for (const secret of ["first-pa55", "next-pa55"]) expect(answer).not.toContain(secret);
    expect(exported).toContain("url: https://svc:${UPTOP_SECRET_MONITOR_LOGIN_URL_PASSWORD}@api.example.com/login");
    expect(exported).toContain("body: ${UPTOP_SECRET_MONITOR_LOGIN_BODY}");
    expect(exported).toContain("X-Vault-Token: ${UPTOP_SECRET_MONITOR_LOGIN_HEADER_X_VAULT_TOKEN}");
  });
});
