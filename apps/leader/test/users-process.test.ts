import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  ADMIN_TOKEN,
  freePort,
  runNode,
  spawnNode,
  sshKey,
  until,
  type Env,
  type NodeRun,
  type Proc,
} from "@uptop/test-kit";

const DIST = join(dirname(fileURLToPath(import.meta.url)), "..", "dist");
const LEADER = join(DIST, "main.js");
const ADMIN = join(DIST, "admin", "main.js");

const tokenIn = (out: string) => /uptop_[A-Za-z0-9_-]{43}/.exec(out)?.[0];

describe("users: uptop-admin and seeding at leader start", () => {
  const dir = mkdtempSync(join(tmpdir(), "uptop-users-"));
  let port: number;
  let env: Env;
  let leader: Proc | null = null;
  const admin = (...args: string[]): Promise<NodeRun> => runNode(ADMIN, args, { env, timeoutMs: 60_000 });
  const api = (path: string, token: string, init: RequestInit = {}) =>
    fetch(`http://127.0.0.1:${port}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    });

  beforeAll(async () => {
    port = await freePort();
    env = {
      UPTOP_DATA_DIR: dir,
      UPTOP_DB_DSN: join(dir, "uptop.db"),
      UPTOP_HTTP_HOST: "127.0.0.1",
      UPTOP_HTTP_PORT: String(port),
      UPTOP_API_TOKEN: ADMIN_TOKEN,
      UPTOP_LEADER_CHECKS: "false",
      UPTOP_LOG_LEVEL: "info",
    };
  });

  afterAll(async () => {
    await leader?.kill("SIGKILL");
  });

  let aliceToken = "";

  it("uptop-admin user add prints a token once; a second add, a bad role and a bad key are refused", async () => {
    const key = sshKey("alice@laptop");
    const added = await admin("user", "add", "alice", "--role", "editor", "--key", key.line, "--token");
    expect(added.code).toBe(0);
    expect(added.stdout).toContain(`created user alice (editor) with key ${key.fingerprint}`);
    aliceToken = tokenIn(added.stdout)!;
    expect(aliceToken).toBeDefined();

    const again = await admin("user", "add", "alice", "--role", "viewer");
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('a user named "alice" already exists');
    const badRole = await admin("user", "add", "carol", "--role", "root");
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain("--role: must be viewer, editor or admin");
    const badKey = await admin("user", "add", "carol", "--role", "viewer", "--key", "ssh-ed25519 AAAA");
    expect(badKey.code).toBe(2);
    expect(badKey.stderr).toContain("--key: is not an SSH public key");
    expect((await admin("user", "frobnicate")).code).toBe(2);
    expect((await admin("user", "token", "nobody")).code).toBe(1);
  }, 120_000);

  it("a bad UPTOP_KEYS line stops the start with exit 2, naming the line", async () => {
    const file = join(dir, "bad-keys");
    writeFileSync(file, `# team\nviewer bob ${sshKey("bob").line}\nsuperuser eve ${sshKey("eve").line}\n`);
    const r = await runNode(LEADER, [], { env: { ...env, UPTOP_KEYS: file }, timeoutMs: 60_000 });
    expect(r.code).toBe(2);
    const errors = r.stdout.split("\n").filter((l) => l.includes('"level":"error"'));
    expect(errors).toHaveLength(1);
    expect(JSON.parse(errors[0]!).message).toMatch(/^UPTOP_KEYS: .*bad-keys line 3: unknown role "superuser"/);
  }, 60_000);

  it("the leader seeds UPTOP_ADMIN_KEY and UPTOP_KEYS, takes the users' tokens, and sees a revoke", async () => {
    const rootKey = sshKey("root@laptop");
    const bobKey = sshKey("bob@desk");
    const file = join(dir, "keys");
    writeFileSync(file, `# team\n\nviewer bob ${bobKey.line}\n`);
    const start = async () => {
      leader = spawnNode("leader", LEADER, { ...env, UPTOP_ADMIN_KEY: rootKey.line, UPTOP_KEYS: file });
      await leader.waitFor("leader listening", 60_000);
    };
    await start();
    expect(leader!.out).toContain("users seeded");

    const users = (await (await api("/api/users", ADMIN_TOKEN)).json()) as Array<{
      name: string;
      role: string;
      keys: Array<{ fingerprint: string }>;
    }>;
    expect(users.map((u) => [u.name, u.role, u.keys.map((k) => k.fingerprint)])).toEqual([
      ["alice", "editor", [expect.any(String)]],
      ["admin", "admin", [rootKey.fingerprint]],
      ["bob", "viewer", [bobKey.fingerprint]],
    ]);
    expect(await (await api("/api/me", aliceToken)).json()).toMatchObject({ name: "alice", role: "editor" });
    expect((await api("/api/monitors", aliceToken, { method: "POST", body: "{}" })).status).toBe(400);

    const bobToken = tokenIn((await admin("user", "token", "bob")).stdout)!;
    expect((await api("/api/me", bobToken)).status).toBe(200);
    expect((await api("/api/monitors", bobToken, { method: "POST", body: "{}" })).status).toBe(403);

    // Another process changed the database: the leader sees it once its brief cache runs out.
    const revoked = await admin("user", "revoke", "alice");
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain("disabled user alice and revoked 1 token(s)");
    await until("alice's token to be refused", async () => (await api("/api/me", aliceToken)).status === 401, 15_000);

    // Every start seeds again without duplicating anything.
    expect(await leader!.kill("SIGTERM")).toBe(0);
    await start();
    expect(leader!.out).not.toContain("users seeded");
    const listed = await admin("user", "list");
    expect(
      listed.stdout
        .trim()
        .split("\n")
        .slice(1)
        .map((l) => l.split(/\s+/).slice(0, 3)),
    ).toEqual([
      ["alice", "editor", "disabled"],
      ["admin", "admin", "active"],
      ["bob", "viewer", "active"],
    ]);
  }, 120_000);

  it("uptop-admin sets web passwords from stdin; a new one signs the user out of the running leader", async () => {
    const withInput = (input: string, ...args: string[]) => runNode(ADMIN, args, { env, input, timeoutMs: 60_000 });
    const short = await withInput("too short\n", "user", "add", "dora", "--role", "viewer", "--password-stdin");
    expect([short.code, short.stderr.trim()]).toEqual([2, "uptop-admin: password: must be at least 10 characters"]);
    const added = await withInput(
      "dora's first password\n",
      "user",
      "add",
      "dora",
      "--role",
      "viewer",
      "--password-stdin",
    );
    expect([added.code, added.stdout.trim()]).toEqual([0, "created user dora (viewer) with a password"]);

    const login = (password: string) =>
      fetch(`http://127.0.0.1:${port}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "dora", password }),
      });
    const first = await login("dora's first password");
    expect(first.status).toBe(200);
    const cookie = first.headers.getSetCookie()[0]!.split(";")[0]!;
    const me = () => fetch(`http://127.0.0.1:${port}/api/me`, { headers: { cookie } });
    expect(await (await me()).json()).toMatchObject({ name: "dora", role: "viewer", hasPassword: true });

    const passwd = await withInput("dora's second password", "user", "passwd", "dora");
    expect([passwd.code, passwd.stdout.trim()]).toEqual([0, "password set for dora; its web sessions ended"]);
    await until("dora's session to be refused", async () => (await me()).status === 401, 15_000);
    expect((await login("dora's first password")).status).toBe(401);
    expect((await login("dora's second password")).status).toBe(200);
    const listed = await admin("user", "list");
    expect(listed.stdout).toMatch(/\ndora\s+viewer\s+active\s+0\s+0\s+set\n/);
    expect(listed.stdout).toMatch(/\nbob\s+viewer\s+active\s+1\s+1\s+none\n/);

    const nobody = await withInput("a long enough password", "user", "passwd", "nobody");
    expect([nobody.code, nobody.stderr.trim()]).toEqual([1, 'uptop-admin: no user named "nobody"']);
    const twoLines = await withInput("first line is long\nsecond line\n", "user", "passwd", "dora");
    expect(twoLines.code).toBe(2);
  }, 120_000);
});
