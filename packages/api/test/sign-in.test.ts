import { createHash } from "node:crypto";
import { LiveEventHub, SecretBox } from "@uptop/core";
import type { Db } from "@uptop/store";
import { ADMIN_TOKEN, BACKENDS, until, type Backend } from "@uptop/test-kit";
import {
  CallerAuth,
  eventsRouter,
  LoginThrottle,
  monitorsRouter,
  signInRouter,
  usersRouter,
  WEB_SESSION_LIFETIME,
} from "../src/index.js";
import { openTestDb, post, startTestServer, type TestDb, type TestServer } from "./helpers.js";

const PASSWORD = "correct horse battery";
const HOUR = 3600_000;

interface Session {
  cookie: string;
  token: string;
  csrf: string;
}

interface ErrorJson {
  error: { code: string; message: string };
}

/** Everything a browser sends with its cookie: no bearer token. */
function browser(srv: TestServer, s: Session | null, init: RequestInit & { csrf?: string | null } = {}) {
  const { csrf = s?.csrf ?? null, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (s) headers.set("cookie", s.cookie);
  if (csrf !== null) headers.set("x-csrf-token", csrf);
  return (path: string) => srv.api(path, { ...rest, headers, token: null });
}

function setCookieOf(res: Response): string {
  const all = res.headers.getSetCookie();
  expect(all).toHaveLength(1);
  return all[0]!;
}

async function errorCode(res: Response): Promise<string> {
  return ((await res.json()) as ErrorJson).error.code;
}

describe.each(BACKENDS)("signing in to the web with a password (%s)", (backend: Backend) => {
  let t: TestDb;
  let db: Db;
  let srv: TestServer;
  let clock = Date.UTC(2026, 0, 5, 9);
  const now = () => clock;
  const hub = new LiveEventHub();

  beforeAll(async () => {
    t = await openTestDb(backend, "uptop_sign_in");
    db = t.store.db;
    const auth = new CallerAuth({ apiToken: ADMIN_TOKEN, db, now });
    // The address limit has its own test below: every request here comes from 127.0.0.1.
    const throttle = new LoginThrottle({ now, perIpPerMinute: 100_000 });
    srv = await startTestServer(
      {
        open: [signInRouter({ db, auth, throttle, now })],
        admin: [
          usersRouter({ db, auth }),
          monitorsRouter({ db, box: new SecretBox(null) }),
          eventsRouter({ hub, drainTimeoutMs: 500 }),
        ],
      },
      {},
      auth,
    );
  });
  afterAll(async () => {
    await srv?.close();
    await t?.close();
  });

  let serial = 0;
  /** A user made through the admin API (bearer token), with a password unless it is null. */
  async function addUser(role: string, password: string | null = PASSWORD): Promise<{ id: number; name: string }> {
    const name = `u${++serial}-${role}`;
    const res = await srv.api("/api/users", post({ name, role, ...(password === null ? {} : { password }) }));
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: number; hasPassword: boolean };
    expect(body.hasPassword).toBe(password !== null);
    return { id: body.id, name };
  }

  function login(name: string, password: string, headers: Record<string, string> = {}) {
    return srv.api("/api/auth/login", { ...post({ name, password }), headers, token: null });
  }

  async function signIn(name: string, password = PASSWORD): Promise<Session> {
    const res = await login(name, password);
    expect(res.status).toBe(200);
    const token = /^uptop_session=([^;]+);/.exec(setCookieOf(res))![1]!;
    const body = (await res.json()) as { csrfToken: string };
    return { cookie: `uptop_session=${token}`, token, csrf: body.csrfToken };
  }

  const sessionRows = (userId: number) =>
    db.selectFrom("web_sessions").selectAll().where("user_id", "=", userId).execute();

  const monitor = (name: string) => JSON.stringify({ name, type: "http", url: "https://example.com/", interval: 60 });

  it("a right password gets a session cookie, only scripts cannot read it, and the CSRF token", async () => {
    const u = await addUser("editor");
    const res = await login(u.name, PASSWORD);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = (await res.json()) as { user: unknown; csrfToken: string };
    expect(body.user).toEqual({ id: u.id, name: u.name, role: "editor" });
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const cookie = setCookieOf(res);
    expect(cookie).toMatch(/^uptop_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/$/);
    // Only the token's hash is stored.
    const token = /^uptop_session=([^;]+)/.exec(cookie)![1]!;
    const [row] = await sessionRows(u.id);
    expect(row!.token_hash).toBe(createHash("sha256").update(token).digest("hex"));
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row!.csrf_token).toBe(body.csrfToken);
    expect(row!.expires_at.getTime() - row!.created_at.getTime()).toBe(7 * 24 * HOUR);
  });

  it("refuses a wrong password, an unknown name, a disabled user and one without password alike", async () => {
    const right = await addUser("viewer");
    const disabled = await addUser("viewer");
    await srv.api(`/api/users/${disabled.id}`, { method: "PATCH", body: JSON.stringify({ disabled: true }) });
    const passwordless = await addUser("viewer", null);
    const attempts: Array<[string, string]> = [
      [right.name, "not the password at all"],
      ["nobody-by-this-name", PASSWORD],
      [disabled.name, PASSWORD],
      [passwordless.name, PASSWORD],
      [passwordless.name, ""],
    ];
    const answers = [];
    for (const [name, password] of attempts) {
      const res = await login(name, password);
      answers.push([res.status, res.headers.getSetCookie().length, await res.json()]);
    }
    const refusal = { error: { code: "INVALID_CREDENTIALS", message: "wrong user name or password" } };
    expect(answers.slice(0, 4)).toEqual(Array(4).fill([401, 0, refusal]));
    // An empty password is a malformed request, not a guess.
    expect(answers[4]![0]).toBe(400);
  });

  it("reads the session back, signs out, and takes no made-up or signed-out cookie", async () => {
    const u = await addUser("viewer");
    const s = await signIn(u.name);
    const read = await browser(srv, s)("/api/auth/session");
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual({ user: { id: u.id, name: u.name, role: "viewer" }, csrfToken: s.csrf });

    const me = await browser(srv, s)("/api/me");
    expect(await me.json()).toEqual({ id: u.id, name: u.name, role: "viewer", hasPassword: true });

    expect((await browser(srv, null)("/api/auth/session")).status).toBe(401);
    const madeUp = { ...s, cookie: `uptop_session=${"A".repeat(43)}` };
    expect((await browser(srv, madeUp)("/api/auth/session")).status).toBe(401);
    expect((await browser(srv, madeUp)("/api/me")).status).toBe(401);

    const out = await browser(srv, s, { method: "POST" })("/api/auth/logout");
    expect(out.status).toBe(204);
    expect(setCookieOf(out)).toMatch(/^uptop_session=; Max-Age=0; .*HttpOnly; SameSite=Strict; Path=\//);
    expect(await sessionRows(u.id)).toHaveLength(0);
    expect((await browser(srv, s)("/api/auth/session")).status).toBe(401);
    const after = await browser(srv, s)("/api/me");
    expect(after.status).toBe(401);
    expect(await errorCode(after)).toBe("UNAUTHORIZED");
    // Signing out again (or without a session) is no error.
    expect((await browser(srv, s, { method: "POST" })("/api/auth/logout")).status).toBe(204);
  });

  it("the cookie opens the live event stream like a token", async () => {
    const u = await addUser("viewer");
    const s = await signIn(u.name);
    const before = hub.subscriberCount;
    const stop = new AbortController();
    const res = await browser(srv, s, { signal: stop.signal })("/api/events");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    await until("subscribed", () => hub.subscriberCount === before + 1);
    stop.abort();
    await until("unsubscribed", () => hub.subscriberCount === before);
    expect((await browser(srv, null, { method: "HEAD" })("/api/events")).status).toBe(401);
  });

  it("a change made with the cookie needs the session's CSRF token and this site's origin", async () => {
    const u = await addUser("editor");
    const s = await signIn(u.name);
    const other = await signIn((await addUser("editor")).name);
    const write = (name: string, init: { csrf?: string | null; headers?: Record<string, string> }) =>
      browser(srv, s, { method: "POST", body: monitor(name), ...init })("/api/monitors");

    const refused: Array<[string, Response]> = [
      ["no header", await write("m-none", { csrf: null })],
      ["empty header", await write("m-empty", { csrf: "" })],
      ["another session's token", await write("m-other", { csrf: other.csrf })],
      ["another site", await write("m-cross", { headers: { origin: "https://evil.example" } })],
      ["an opaque origin", await write("m-null", { headers: { origin: "null" } })],
    ];
    for (const [why, res] of refused) {
      expect([why, res.status, await errorCode(res)]).toEqual([why, 403, "CSRF_FAILED"]);
    }
    expect(await t.store.db.selectFrom("monitors").select("name").where("name", "like", "m-%").execute()).toEqual([]);

    expect((await write("m-ok", {})).status).toBe(201);
    expect((await write("m-same-origin", { headers: { origin: srv.url } })).status).toBe(201);
    // Reads need no CSRF token; a bearer token is never asked for one.
    expect((await browser(srv, s, { csrf: null })("/api/monitors")).status).toBe(200);
    expect((await srv.api("/api/monitors", { method: "POST", body: monitor("m-bearer") })).status).toBe(201);
  });

  it("the cookie carries the user's current role: a viewer cannot add a monitor, and a new role applies at once", async () => {
    const u = await addUser("viewer");
    const s = await signIn(u.name);
    const add = () => browser(srv, s, { method: "POST", body: monitor(`r-${u.name}`) })("/api/monitors");
    const refused = await add();
    expect(refused.status).toBe(403);
    expect(await errorCode(refused)).toBe("FORBIDDEN");
    expect((await browser(srv, s, { method: "GET" })("/api/users")).status).toBe(403);
    await srv.api(`/api/users/${u.id}`, { method: "PATCH", body: JSON.stringify({ role: "editor" }) });
    expect((await add()).status).toBe(201);
  });

  it("a disabled or deleted user's live session is refused at once, and its rows are gone", async () => {
    const u = await addUser("editor");
    const s = await signIn(u.name);
    expect((await browser(srv, s)("/api/me")).status).toBe(200);
    await srv.api(`/api/users/${u.id}`, { method: "PATCH", body: JSON.stringify({ disabled: true }) });
    expect((await browser(srv, s)("/api/me")).status).toBe(401);
    expect(await sessionRows(u.id)).toHaveLength(0);

    const v = await addUser("editor");
    const sv = await signIn(v.name);
    await srv.api(`/api/users/${v.id}`, { method: "DELETE" });
    expect((await browser(srv, sv)("/api/auth/session")).status).toBe(401);
  });

  it("a session ends after 12 hours idle, and 7 days after sign-in however busy", async () => {
    const u = await addUser("viewer");
    const s = await signIn(u.name);
    // The use is written off the request's path: each step waits for it, as hours would.
    const lastSeen = async () => Math.max(...(await sessionRows(u.id)).map((r) => r.last_seen_at.getTime()));
    // Used every 11 h: the use is written (at most once a minute), so it stays alive.
    for (let i = 0; i < 3; i++) {
      clock += 11 * HOUR;
      expect((await browser(srv, s)("/api/me")).status).toBe(200);
      await until("the use written", async () => (await lastSeen()) === clock);
    }
    clock += WEB_SESSION_LIFETIME.idleMs;
    expect((await browser(srv, s)("/api/me")).status).toBe(401);

    const busy = await signIn(u.name);
    const start = clock;
    while (clock + 11 * HOUR < start + 7 * 24 * HOUR) {
      clock += 11 * HOUR;
      expect((await browser(srv, busy)("/api/auth/session")).status).toBe(200);
      await until("the use written", async () => (await lastSeen()) === clock);
    }
    clock = start + 7 * 24 * HOUR;
    expect((await browser(srv, busy)("/api/auth/session")).status).toBe(401);
    // Expired rows are pruned at the next sign-in.
    await signIn(u.name);
    expect(await sessionRows(u.id)).toHaveLength(1);
  });

  it("an admin setting a password signs the user out everywhere; a user changing their own keeps this session", async () => {
    const u = await addUser("viewer");
    const first = await signIn(u.name);
    const set = await srv.api(`/api/users/${u.id}/password`, {
      method: "PUT",
      body: JSON.stringify({ password: "a brand new password" }),
    });
    expect(set.status).toBe(200);
    expect(((await set.json()) as { hasPassword: boolean }).hasPassword).toBe(true);
    expect((await browser(srv, first)("/api/me")).status).toBe(401);
    expect((await login(u.name, PASSWORD)).status).toBe(401);

    const here = await signIn(u.name, "a brand new password");
    const elsewhere = await signIn(u.name, "a brand new password");
    const change = (body: unknown) =>
      browser(srv, here, { method: "PUT", body: JSON.stringify(body) })("/api/me/password");
    const wrong = await change({ current: "not my password", password: "my third password" });
    expect(wrong.status).toBe(403);
    expect(await errorCode(wrong)).toBe("WRONG_PASSWORD");
    const short = await change({ current: "a brand new password", password: "short" });
    expect(short.status).toBe(400);
    expect((await change({ current: "a brand new password", password: "my third password" })).status).toBe(204);
    expect((await browser(srv, here)("/api/me")).status).toBe(200);
    expect((await browser(srv, elsewhere)("/api/me")).status).toBe(401);
    expect((await login(u.name, "my third password")).status).toBe(200);
    // Guessing the current password is held off like guessing at sign-in.
    for (let i = 0; i < 5; i++) {
      const guess = await change({ current: `guess number ${i}`, password: "my fourth password" });
      expect(guess.status).toBe(403);
    }
    const held = await change({ current: "my third password", password: "my fourth password" });
    expect([held.status, await errorCode(held)]).toEqual([429, "RATE_LIMITED"]);

    // The admin API token is no user: it has no password to change.
    const token = await srv.api("/api/me/password", {
      method: "PUT",
      body: JSON.stringify({ current: "x", password: "my third password" }),
    });
    expect([token.status, await errorCode(token)]).toEqual([403, "NOT_A_USER"]);
  });

  it("a password is 10 to 1024 characters and not only whitespace", async () => {
    const tries: Array<[string, number]> = [
      ["123456789", 400],
      [" ".repeat(12), 400],
      ["x".repeat(1025), 400],
      ["x".repeat(1024), 201],
      ["ten chars!", 201],
    ];
    for (const [password, status] of tries) {
      const res = await srv.api("/api/users", post({ name: `pw${++serial}`, role: "viewer", password }));
      expect([password.length, res.status]).toEqual([password.length, status]);
    }
  });

  it("after 5 failures a name is held off (429, Retry-After) for 15 minutes, even with the right password", async () => {
    const u = await addUser("viewer");
    // A success clears the failures before it.
    for (let i = 0; i < 4; i++) expect((await login(u.name, "wrong password!")).status).toBe(401);
    await signIn(u.name);
    for (let i = 0; i < 5; i++) expect((await login(u.name, "wrong password!")).status).toBe(401);
    const held = await login(u.name, PASSWORD);
    expect(held.status).toBe(429);
    expect(await errorCode(held)).toBe("RATE_LIMITED");
    expect(Number(held.headers.get("retry-after"))).toBe(15 * 60);
    // Another name is not held off.
    await signIn((await addUser("viewer")).name);
    clock += 14 * 60_000;
    expect((await login(u.name, PASSWORD)).status).toBe(429);
    clock += 60_000;
    expect((await login(u.name, PASSWORD)).status).toBe(200);
  });

  it("refuses a sign-in from another site, a bad body, and a huge one, with clear errors", async () => {
    const u = await addUser("viewer");
    const cross = await login(u.name, PASSWORD, { origin: "https://evil.example" });
    expect([cross.status, await errorCode(cross)]).toEqual([403, "CSRF_FAILED"]);

    const raw = (body: string, type = "application/json") =>
      srv.api("/api/auth/login", { method: "POST", body, headers: { "content-type": type }, token: null });
    const bad = await raw("{not json");
    expect([bad.status, await errorCode(bad)]).toEqual([400, "INVALID_JSON"]);
    const missing = await raw(JSON.stringify({ name: u.name }));
    expect([missing.status, await errorCode(missing)]).toEqual([400, "VALIDATION"]);
    const extra = await raw(JSON.stringify({ name: u.name, password: PASSWORD, role: "admin" }));
    expect(extra.status).toBe(400);
    const form = await raw(`name=${u.name}&password=x`, "application/x-www-form-urlencoded");
    expect([form.status, await errorCode(form)]).toEqual([400, "VALIDATION"]);
    const huge = await raw(JSON.stringify({ name: u.name, password: "x".repeat(20_000) }));
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as ErrorJson).error).toEqual({
      code: "PAYLOAD_TOO_LARGE",
      message: "request body is larger than 8 KiB, the limit for sign-in requests",
    });
  });

  it("the admin API token makes a new installation's first admin and signs them in; nothing else does", async () => {
    const setup = (body: unknown, token: string | null) => srv.api("/api/auth/setup", { ...post(body), token });
    const ok = await setup({ name: "first-admin", password: PASSWORD }, ADMIN_TOKEN);
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { user: { id: number; name: string; role: string }; csrfToken: string };
    expect(body.user).toMatchObject({ name: "first-admin", role: "admin" });
    const token = /^uptop_session=([^;]+);/.exec(setCookieOf(ok))![1]!;
    const session = { cookie: `uptop_session=${token}`, token, csrf: body.csrfToken };
    expect((await browser(srv, session)("/api/users")).status).toBe(200);
    // The password works on its own afterwards.
    expect((await login("first-admin", PASSWORD)).status).toBe(200);

    const editor = await addUser("editor");
    const editorToken = (await (await srv.api(`/api/users/${editor.id}/tokens`, post({ name: "t" }))).json()) as {
      token: string;
    };
    const refusals: Array<[unknown, string | null, number, string]> = [
      [{ name: "second", password: PASSWORD }, null, 401, "UNAUTHORIZED"],
      [{ name: "second", password: PASSWORD }, "not-the-admin-token-at-all-0123", 401, "UNAUTHORIZED"],
      [{ name: "second", password: PASSWORD }, editorToken.token, 401, "UNAUTHORIZED"],
      [{ name: "first-admin", password: PASSWORD }, ADMIN_TOKEN, 409, "CONFLICT"],
      [{ name: "third", password: "short" }, ADMIN_TOKEN, 400, "VALIDATION"],
    ];
    for (const [b, tok, status, code] of refusals) {
      const res = await setup(b, tok);
      expect([status, await errorCode(res)]).toEqual([status, code]);
    }
    const names = (await db.selectFrom("users").select("name").execute()).map((u) => u.name);
    expect(names).not.toContain("second");
    expect(names).not.toContain("third");
  });
});

describe("sign-in limits and cookies that need a server of their own", () => {
  let t: TestDb;
  let clock = Date.UTC(2026, 0, 5, 9);
  const now = () => clock;
  const servers: TestServer[] = [];

  beforeAll(async () => {
    t = await openTestDb("sqlite", "uptop_sign_in_limits");
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    await t?.close();
  });

  async function server(env: Record<string, string> = {}): Promise<TestServer> {
    const db = t.store.db;
    const auth = new CallerAuth({ apiToken: ADMIN_TOKEN, db, now });
    const srv = await startTestServer(
      { open: [signInRouter({ db, auth, now })], admin: [usersRouter({ db, auth })] },
      env,
      auth,
    );
    servers.push(srv);
    return srv;
  }

  const login = (srv: TestServer, name: string, headers: Record<string, string> = {}) =>
    srv.api("/api/auth/login", { ...post({ name, password: PASSWORD }), headers, token: null });

  it("one address gets 10 attempts a minute, whatever the names", async () => {
    const srv = await server();
    await srv.api("/api/users", post({ name: "ip-limited", role: "viewer", password: PASSWORD }));
    for (let i = 0; i < 10; i++) expect((await login(srv, `someone-${i}`)).status).toBe(401);
    const held = await login(srv, "ip-limited");
    expect(held.status).toBe(429);
    expect(await errorCode(held)).toBe("RATE_LIMITED");
    expect(Number(held.headers.get("retry-after"))).toBeGreaterThan(0);
    clock += 60_000;
    expect((await login(srv, "ip-limited")).status).toBe(200);
  });

  it("the cookie is Secure when the request came over HTTPS through a trusted proxy, and only then", async () => {
    await t.store.db.deleteFrom("users").where("name", "=", "secure").execute();
    const plain = await server();
    await plain.api("/api/users", post({ name: "secure", role: "viewer", password: PASSWORD }));
    const proxied = await server({ UPTOP_TRUSTED_PROXIES: "127.0.0.1" });
    const https = { "x-forwarded-proto": "https" };

    const untrusted = (await login(plain, "secure", https)).headers.getSetCookie()[0]!;
    expect(untrusted).not.toMatch(/Secure/);
    const trusted = (await login(proxied, "secure", https)).headers.getSetCookie()[0]!;
    expect(trusted).toMatch(/; HttpOnly; SameSite=Strict; Path=\/; Secure$/);
    const overHttp = (await login(proxied, "secure")).headers.getSetCookie()[0]!;
    expect(overHttp).not.toMatch(/Secure/);
  });
});
