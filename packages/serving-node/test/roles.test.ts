import { createHash } from "node:crypto";
import http from "node:http";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { authenticatePublicKey } from "@uptop/api";
import { loadConfig, SecretBox, type Role } from "@uptop/core";
import { applyMirror, openAndMigrate, readMirrorUsers, type Store } from "@uptop/store";
import { ADMIN_TOKEN, apiClient, quietLogger, sshKey, type ApiClient } from "@uptop/test-kit";
import { EpochHolder, ServingNode } from "../src/index.js";

interface Running {
  node: ServingNode;
  store: Store;
  url: string;
  api: ApiClient;
}

const running: Running[] = [];

async function startNode(
  role: "leader" | "follower",
  store?: Store,
  env: Record<string, string> = {},
): Promise<Running> {
  const config = loadConfig({
    ...env,
    UPTOP_DB_DSN: ":memory:",
    UPTOP_DATA_DIR: mkdtempSync(join(tmpdir(), "uptop-roles-")),
    UPTOP_HTTP_HOST: "127.0.0.1",
    UPTOP_HTTP_PORT: "0",
    UPTOP_API_TOKEN: ADMIN_TOKEN,
    UPTOP_LOG_LEVEL: "error",
  });
  const db = store ?? (await openAndMigrate({ type: "sqlite", dsn: ":memory:" }));
  const epoch = new EpochHolder(db.db, `${role}-1`);
  await epoch.load();
  const node = new ServingNode({
    config,
    logger: quietLogger(),
    store: db,
    box: new SecretBox(null),
    apiToken: ADMIN_TOKEN,
    role,
    epoch,
  });
  const url = `http://127.0.0.1:${await node.listen()}`;
  const r = { node, store: db, url, api: apiClient(url) };
  running.push(r);
  return r;
}

afterAll(async () => {
  for (const r of running) {
    await r.node.stop();
    await r.store.close();
  }
});

async function json<T>(res: Response | Promise<Response>): Promise<T> {
  return (await (await res).json()) as T;
}

const NONE = 999_999;

/** Every route class, with the least role it needs. Ids that do not exist keep the allowed writes harmless. */
const ROUTES: Array<[string, string, Role]> = [
  ["GET", "/api/me", "viewer"],
  ["PUT", "/api/me/password", "viewer"],
  ["GET", "/api/monitors", "viewer"],
  ["GET", `/api/monitors/${NONE}`, "viewer"],
  ["GET", `/api/monitors/${NONE}/results`, "viewer"],
  ["GET", `/api/monitors/${NONE}/state-changes`, "viewer"],
  ["GET", `/api/monitors/${NONE}/sla`, "viewer"],
  ["GET", "/api/channels", "viewer"],
  ["GET", "/api/maintenance", "viewer"],
  ["GET", "/api/notifications", "viewer"],
  ["GET", "/api/nodes", "viewer"],
  ["GET", "/api/config", "viewer"],
  ["GET", "/metrics", "viewer"],
  ["HEAD", "/api/monitors", "viewer"],
  ["POST", "/api/monitors", "editor"],
  ["PUT", `/api/monitors/${NONE}`, "editor"],
  ["PATCH", `/api/monitors/${NONE}`, "editor"],
  ["DELETE", `/api/monitors/${NONE}`, "editor"],
  ["POST", `/api/monitors/${NONE}/check-now`, "editor"],
  ["POST", "/api/channels", "editor"],
  ["PUT", `/api/channels/${NONE}`, "editor"],
  ["PATCH", `/api/channels/${NONE}`, "editor"],
  ["DELETE", `/api/channels/${NONE}`, "editor"],
  ["POST", `/api/channels/${NONE}/test`, "editor"],
  ["POST", "/api/maintenance", "editor"],
  ["PUT", `/api/maintenance/${NONE}`, "editor"],
  ["PATCH", `/api/maintenance/${NONE}`, "editor"],
  ["DELETE", `/api/maintenance/${NONE}`, "editor"],
  ["POST", `/api/maintenance/${NONE}/end`, "editor"],
  ["POST", "/api/config/apply?dryRun=true", "editor"],
  ["POST", "/api/import/kuma?dryRun=true", "editor"],
  ["GET", "/api/status-page/settings", "viewer"],
  ["PUT", "/api/status-page/settings", "editor"],
  ["GET", "/api/config?includeSecrets=true", "admin"],
  ["GET", "/api/users", "admin"],
  ["GET", `/api/users/${NONE}`, "admin"],
  ["POST", "/api/users", "admin"],
  ["PATCH", `/api/users/${NONE}`, "admin"],
  ["DELETE", `/api/users/${NONE}`, "admin"],
  ["PUT", `/api/users/${NONE}/password`, "admin"],
  ["DELETE", `/api/users/${NONE}/password`, "admin"],
  ["POST", `/api/users/${NONE}/tokens`, "admin"],
  ["DELETE", `/api/users/${NONE}/tokens/${NONE}`, "admin"],
  ["POST", `/api/users/${NONE}/keys`, "admin"],
  ["DELETE", `/api/users/${NONE}/keys/${NONE}`, "admin"],
];

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };

describe("roles on every route", () => {
  let leader: Running;
  const tokens: Record<Role, string> = { viewer: "", editor: "", admin: "" };
  const ids: Record<Role, number> = { viewer: 0, editor: 0, admin: 0 };

  beforeAll(async () => {
    leader = await startNode("leader");
    for (const role of ["viewer", "editor", "admin"] as const) {
      const user = await json<{ id: number }>(
        leader.api("/api/users", { method: "POST", body: JSON.stringify({ name: `${role}-user`, role }) }),
      );
      ids[role] = user.id;
      const t = await json<{ token: string }>(
        leader.api(`/api/users/${user.id}/tokens`, { method: "POST", body: JSON.stringify({ name: "test" }) }),
      );
      tokens[role] = t.token;
    }
  });

  const cases = ROUTES.flatMap(([method, path, need]) =>
    (["viewer", "editor", "admin"] as const).map((role) => [role, method, path, need] as const),
  );

  it.each(cases)("%s: %s %s (needs %s)", async (role, method, path, need) => {
    const res = await leader.api(path, {
      method,
      token: tokens[role],
      ...(method === "GET" || method === "HEAD" ? {} : { body: "{}" }),
    });
    if (RANK[role] >= RANK[need]) {
      expect([401, 403]).not.toContain(res.status);
    } else {
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({
        error: { code: "FORBIDDEN", message: `needs role ${need}; you are ${role}` },
      });
    }
  });

  it.each(ROUTES)("the admin API token may %s %s", async (method, path) => {
    const res = await leader.api(path, { method, ...(method === "GET" || method === "HEAD" ? {} : { body: "{}" }) });
    expect([401, 403]).not.toContain(res.status);
  });

  it.each(ROUTES)("no token, or an unknown one: %s %s is 401", async (method, path) => {
    expect((await leader.api(path, { method, token: null })).status).toBe(401);
    const made = `uptop_${"A".repeat(43)}`;
    expect((await leader.api(path, { method, token: made })).status).toBe(401);
  });

  it("GET /api/me names the caller", async () => {
    expect(await json(leader.api("/api/me", { token: tokens.editor }))).toEqual({
      id: ids.editor,
      name: "editor-user",
      role: "editor",
      hasPassword: false,
    });
    expect(await json(leader.api("/api/me"))).toEqual({
      id: null,
      name: "api-token",
      role: "admin",
      hasPassword: false,
    });
  });

  it("a viewer's write is refused before its body is read", async () => {
    const { port } = new URL(leader.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          host: "127.0.0.1",
          port,
          method: "POST",
          path: "/api/monitors",
          headers: {
            authorization: `Bearer ${tokens.viewer}`,
            "content-type": "application/json",
            "content-length": String(100 * 1024),
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      // Headers only: the answer comes without a byte of the promised body.
      req.flushHeaders();
    });
    expect(status).toBe(403);
  });

  it("a maintenance window records who opened it", async () => {
    const body = JSON.stringify({ title: "db upgrade", start: new Date().toISOString(), monitors: [] });
    const res = await leader.api("/api/maintenance", { method: "POST", token: tokens.editor, body });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: number };
    const row = await leader.store.db
      .selectFrom("maintenance_windows")
      .select("created_by")
      .where("id", "=", id)
      .executeTakeFirst();
    expect(row?.created_by).toBe("editor-user");
  });
});

describe("tokens and keys", () => {
  let leader: Running;
  let user: { id: number; name: string };

  beforeAll(async () => {
    leader = await startNode("leader");
    user = await json(
      leader.api("/api/users", { method: "POST", body: JSON.stringify({ name: "ivy", role: "viewer" }) }),
    );
  });

  async function newToken(name = "laptop"): Promise<{ id: number; name: string; token: string }> {
    const res = await leader.api(`/api/users/${user.id}/tokens`, { method: "POST", body: JSON.stringify({ name }) });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: number; name: string; token: string };
  }

  it("a token is shown once and stored only as its sha256", async () => {
    const t = await newToken();
    expect(t.token).toMatch(/^uptop_[A-Za-z0-9_-]{43}$/);
    const rows = await leader.store.db.selectFrom("user_tokens").selectAll().where("id", "=", t.id).execute();
    expect(rows[0]!.token_hash).toBe(createHash("sha256").update(t.token).digest("hex"));
    const dump = JSON.stringify(await leader.store.db.selectFrom("user_tokens").selectAll().execute());
    expect(dump).not.toContain(t.token);
    const listed = await (await leader.api("/api/users")).text();
    expect(listed).not.toContain(t.token);
    expect(JSON.parse(listed)).toEqual([
      expect.objectContaining({
        name: "ivy",
        tokens: expect.arrayContaining([{ id: t.id, name: "laptop", createdAt: expect.any(String), lastUsedAt: null }]),
      }),
    ]);
  });

  it("records a token's last use", async () => {
    const t = await newToken("used");
    expect((await leader.api("/api/me", { token: t.token })).status).toBe(200);
    const usedAt = async () =>
      (await leader.store.db.selectFrom("user_tokens").select("last_used_at").where("id", "=", t.id).executeTakeFirst())
        ?.last_used_at;
    for (let i = 0; i < 50 && !(await usedAt()); i++) await new Promise((r) => setTimeout(r, 20));
    expect(await usedAt()).toBeInstanceOf(Date);
  });

  it("a revoked token is refused at once, though it was just cached", async () => {
    const t = await newToken();
    expect((await leader.api("/api/me", { token: t.token })).status).toBe(200);
    expect((await leader.api(`/api/users/${user.id}/tokens/${t.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await leader.api("/api/me", { token: t.token })).status).toBe(401);
  });

  it("a role change applies to the next request; a disabled user is refused, enabled again let in", async () => {
    const t = await newToken();
    expect((await leader.api("/api/monitors", { method: "POST", token: t.token, body: "{}" })).status).toBe(403);
    const patch = (body: unknown) =>
      leader.api(`/api/users/${user.id}`, { method: "PATCH", body: JSON.stringify(body) });
    expect((await patch({ role: "editor" })).status).toBe(200);
    expect((await leader.api("/api/monitors", { method: "POST", token: t.token, body: "{}" })).status).toBe(400);
    expect((await patch({ disabled: true })).status).toBe(200);
    expect((await leader.api("/api/me", { token: t.token })).status).toBe(401);
    expect((await patch({ disabled: false, role: "viewer" })).status).toBe(200);
    expect(await json(leader.api("/api/me", { token: t.token }))).toMatchObject({ name: "ivy", role: "viewer" });
  });

  it("validates users like any other body", async () => {
    const post = (body: unknown) => leader.api("/api/users", { method: "POST", body: JSON.stringify(body) });
    const bad = await post({ name: "has space", role: "viewer" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: "VALIDATION", details: { issues: [{ field: "name" }] } } });
    expect((await post({ name: "x", role: "root" })).status).toBe(400);
    expect((await post({ name: "ivy", role: "viewer" })).status).toBe(409);
    const patch = await leader.api(`/api/users/${user.id}`, { method: "PATCH", body: JSON.stringify({ role: 1 }) });
    expect(patch.status).toBe(400);
  });

  it("an SSH key is fingerprinted as OpenSSH does; a bad one is a 400 that says why", async () => {
    const key = sshKey("ivy@laptop");
    const res = await leader.api(`/api/users/${user.id}/keys`, {
      method: "POST",
      body: JSON.stringify({ publicKey: key.line }),
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ id: expect.any(Number), fingerprint: key.fingerprint, comment: "ivy@laptop" });
    const again = await leader.api(`/api/users/${user.id}/keys`, {
      method: "POST",
      body: JSON.stringify({ publicKey: key.line }),
    });
    expect(again.status).toBe(409);

    const bad = await leader.api(`/api/users/${user.id}/keys`, {
      method: "POST",
      body: JSON.stringify({ publicKey: "ssh-ed25519 bm90IGEga2V5 x" }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error: { code: "VALIDATION", message: expect.stringMatching(/^publicKey: is not an SSH public key/) },
    });
    const priv = await leader.api(`/api/users/${user.id}/keys`, {
      method: "POST",
      body: JSON.stringify({
        publicKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----",
      }),
    });
    expect(priv.status).toBe(400);
    expect(await priv.json()).toMatchObject({ error: { message: expect.stringContaining("private key") } });

    // What the SSH server asks: whose key is this?
    expect(await authenticatePublicKey(leader.store.db, { algo: "ssh-ed25519", data: key.wire })).toEqual({
      id: user.id,
      name: "ivy",
      role: "viewer",
    });
    expect(await authenticatePublicKey(leader.store.db, { algo: "ssh-ed25519", data: sshKey("x").wire })).toBeNull();
  });

  it("a session token acts as its user until revoked, and follows the user's state", async () => {
    const token = leader.node.sessions.mint({ id: user.id });
    expect(await json(leader.api("/api/me", { token }))).toMatchObject({ id: user.id, role: "viewer" });
    expect((await leader.api("/api/monitors", { method: "POST", token, body: "{}" })).status).toBe(403);
    leader.node.sessions.revoke(token);
    expect((await leader.api("/api/me", { token })).status).toBe(401);
  });

  it("a follower that mirrored the leader lets the same users in, and refuses revoked tokens", async () => {
    const live = await newToken("mirrored");
    const revoked = await newToken("revoked");
    await leader.api(`/api/users/${user.id}/tokens/${revoked.id}`, { method: "DELETE" });
    const password = "ivy's long password";
    await leader.api(`/api/users/${user.id}/password`, { method: "PUT", body: JSON.stringify({ password }) });
    const signIn = (node: Running) =>
      node.api("/api/auth/login", { method: "POST", body: JSON.stringify({ name: "ivy", password }), token: null });
    const onLeader = await signIn(leader);
    expect(onLeader.status).toBe(200);
    const leaderCookie = onLeader.headers.getSetCookie()[0]!.split(";")[0]!;
    const followerStore = await openAndMigrate({ type: "sqlite", dsn: ":memory:" });
    const users = JSON.parse(JSON.stringify(await readMirrorUsers(leader.store.db)));
    await applyMirror(
      followerStore.db,
      new SecretBox(null),
      { monitors: [], channels: [], maintenance: [], states: [], delivered: [], users },
      () => [],
    );
    const follower = await startNode("follower", followerStore);
    await follower.node.activate("test take-over");
    expect(await json(follower.api("/api/me", { token: live.token }))).toMatchObject({ name: "ivy" });
    expect((await follower.api("/api/me", { token: revoked.token })).status).toBe(401);
    const keys = (await json<Array<{ keys: unknown[] }>>(follower.api("/api/users")))[0]!.keys;
    expect(keys).toHaveLength(1);
    // The password came along; the leader's web sessions did not: after a take-over users sign in again.
    const cookieMe = (node: Running, cookie: string) => node.api("/api/me", { token: null, headers: { cookie } });
    expect((await cookieMe(follower, leaderCookie)).status).toBe(401);
    const onFollower = await signIn(follower);
    expect(onFollower.status).toBe(200);
    const followerCookie = onFollower.headers.getSetCookie()[0]!.split(";")[0]!;
    expect(await json(cookieMe(follower, followerCookie))).toMatchObject({ name: "ivy", hasPassword: true });
  });
});

describe("the scrape-only token (UPTOP_METRICS_TOKEN)", () => {
  const SCRAPE_TOKEN = "roles-scrape-only-token-0001";

  it.each(["leader", "follower"] as const)(
    "on a %s reads GET /metrics and is refused everywhere else",
    async (role) => {
      const node = await startNode(role, undefined, { UPTOP_METRICS_TOKEN: SCRAPE_TOKEN });
      const answers: string[] = [];
      for (const [method, path] of ROUTES) {
        const hasBody = method !== "GET" && method !== "HEAD";
        const res = await fetch(`${node.url}${path}`, {
          method,
          headers: { authorization: `Bearer ${SCRAPE_TOKEN}`, "content-type": "application/json" },
          ...(hasBody ? { body: "{}" } : {}),
        });
        await res.arrayBuffer();
        answers.push(`${method} ${path} ${res.status}`);
      }
      const expected = ROUTES.map(([method, path]) => `${method} ${path} ${path === "/metrics" ? 200 : 401}`);
      expect(answers).toEqual(expected);
      // The admin token is not displaced by it.
      expect((await node.api("/metrics")).status).toBe(200);
    },
  );
});
