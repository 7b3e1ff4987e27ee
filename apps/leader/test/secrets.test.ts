import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig, normalizeMonitor, SecretBox } from "@uptop/core";
import {
  createChannel,
  createMonitor,
  getChannel,
  getMonitor,
  listChannels,
  openAndMigrate,
  type Db,
} from "@uptop/store";
import { ADMIN_TOKEN, quietLogger, runNode, type Env, type NodeRun } from "@uptop/test-kit";
import { startLeader } from "../src/leader.js";

const DIST = join(dirname(fileURLToPath(import.meta.url)), "..", "dist");
const KEY_A = "a1".repeat(32);
const KEY_B = "b2".repeat(32);
const WRONG = "c3".repeat(32);
const PLANTED = [
  "routing-key-planted-777",
  "basic-password-planted-888",
  "header-token-planted-999",
  "encrypted-from-start-555",
  "url-password-planted-666",
  "body-planted-333",
];

const run = (script: string, args: string[], env: Env): Promise<NodeRun> =>
  runNode(join(DIST, script), args, { env, timeoutMs: 60_000 });

async function withDb<T>(dsn: string, fn: (db: Db) => Promise<T>): Promise<T> {
  const store = await openAndMigrate({ type: "sqlite", dsn });
  try {
    return await fn(store.db);
  } finally {
    await store.close();
  }
}

/** Every row of every table as text: what a dump of the database would show. */
async function dump(db: Db): Promise<string> {
  let out = "";
  for (const t of await db.introspection.getTables())
    out += JSON.stringify(
      await db
        .selectFrom(t.name as never)
        .selectAll()
        .execute(),
    );
  return out;
}

const boxOf = (hex: string | null) => new SecretBox(hex ? Buffer.from(hex, "hex") : null);

describe("secrets at rest: migrate-secrets, rotate-key and the start-up key check", () => {
  const dir = mkdtempSync(join(tmpdir(), "uptop-secrets-"));
  const dsn = join(dir, "uptop.db");
  const env = (key: string | null): Record<string, string> => ({
    UPTOP_DB_TYPE: "sqlite",
    UPTOP_DB_DSN: dsn,
    UPTOP_DATA_DIR: dir,
    UPTOP_LOG_LEVEL: "error",
    ...(key ? { UPTOP_ENCRYPTION_KEY: key } : {}),
  });

  beforeAll(async () => {
    // A database from before encryption: every secret in clear.
    await withDb(dsn, async (db) => {
      const plain = boxOf(null);
      await createChannel(db, plain, {
        name: "pager",
        type: "pagerduty",
        settings: { routingKey: PLANTED[0], eventsUrl: "http://127.0.0.1:9/e" },
        secretFields: ["routingKey"],
        isDefault: false,
        enabled: true,
        reminderIntervalS: null,
      });
      await createMonitor(
        db,
        plain,
        normalizeMonitor({
          name: "web",
          type: "http",
          url: `https://svc:${PLANTED[4]}@example.com/`,
          method: "POST",
          body: `{"key":"${PLANTED[5]}"}`,
          auth: { type: "basic", username: "u", password: PLANTED[1] },
          headers: { Authorization: PLANTED[2], Accept: "text/plain" },
        }),
      );
      expect(await dump(db)).toContain(PLANTED[0]);
    });
  }, 60_000);

  it("reads a mix of plaintext and encrypted secrets with one key", async () => {
    await withDb(dsn, async (db) => {
      const a = boxOf(KEY_A);
      await createChannel(db, a, {
        name: "hook",
        type: "webhook",
        settings: { url: "http://127.0.0.1:9/h", secret: PLANTED[3], headers: { "X-Token": "hdr-map-secret-444" } },
        secretFields: ["secret", "headers"],
        isDefault: false,
        enabled: true,
        reminderIntervalS: null,
      });
      const all = await listChannels(db, a);
      expect(all.find((c) => c.name === "pager")!.settings.routingKey).toBe(PLANTED[0]);
      expect(all.find((c) => c.name === "hook")!.settings).toMatchObject({
        secret: PLANTED[3],
        headers: { "X-Token": "hdr-map-secret-444" },
      });
      expect(await dump(db)).not.toContain(PLANTED[3]);
    });
  }, 60_000);

  it("migrate-secrets refuses to run without a key (exit 2)", async () => {
    const r = await run("admin/main.js", ["migrate-secrets"], env(null));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("UPTOP_ENCRYPTION_KEY");
  }, 60_000);

  it("migrate-secrets encrypts every plaintext secret, leaves none in clear, and is idempotent", async () => {
    const r = await run("admin/main.js", ["migrate-secrets"], env(KEY_A));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/encrypted 5 secret value\(s\) in 1 channel\(s\) and 1 monitor\(s\)/);
    await withDb(dsn, async (db) => {
      const text = await dump(db);
      for (const p of [...PLANTED, "hdr-map-secret-444"]) expect(text).not.toContain(p);
      expect(text).toContain("text/plain"); // an ordinary header stays readable
      const a = boxOf(KEY_A);
      const pager = (await listChannels(db, a)).find((c) => c.name === "pager")!;
      expect(pager.settings.routingKey).toBe(PLANTED[0]);
      const web = await getMonitor(db, a, 1);
      expect(web.auth).toEqual({ type: "basic", username: "u", password: PLANTED[1] });
      expect(web.headers.Authorization).toBe(PLANTED[2]);
      expect(web.url).toBe(`https://svc:${PLANTED[4]}@example.com/`);
      expect(web.body).toBe(`{"key":"${PLANTED[5]}"}`);
    });
    const again = await run("admin/main.js", ["migrate-secrets"], env(KEY_A));
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/encrypted 0 secret value/);
  }, 60_000);

  it("rotate-key refuses a bad new key (exit 2) and a wrong current key (exit 1), changing nothing", async () => {
    expect((await run("admin/main.js", ["rotate-key", "--new-key", "abc"], env(KEY_A))).code).toBe(2);
    const wrong = await run("admin/main.js", ["rotate-key", "--new-key", KEY_B], env(WRONG));
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/wrong key/);
    await withDb(dsn, async (db) =>
      expect((await getChannel(db, boxOf(KEY_A), 1)).settings.routingKey).toBe(PLANTED[0]),
    );
  }, 60_000);

  it("rotate-key re-encrypts everything under the new key: the old key no longer opens it", async () => {
    const r = await run("admin/main.js", ["rotate-key", "--new-key", KEY_B], env(KEY_A));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/re-encrypted 7 secret value\(s\) in 2 channel\(s\) and 1 monitor\(s\)/);
    await withDb(dsn, async (db) => {
      await expect(getChannel(db, boxOf(KEY_A), 1)).rejects.toThrow(/wrong key/);
      const b = boxOf(KEY_B);
      expect((await getChannel(db, b, 1)).settings.routingKey).toBe(PLANTED[0]);
      expect((await getChannel(db, b, 2)).settings).toMatchObject({
        secret: PLANTED[3],
        headers: { "X-Token": "hdr-map-secret-444" },
      });
      expect(await getMonitor(db, b, 1)).toMatchObject({
        auth: { password: PLANTED[1] },
        url: `https://svc:${PLANTED[4]}@example.com/`,
        body: `{"key":"${PLANTED[5]}"}`,
      });
      const text = await dump(db);
      for (const p of [...PLANTED, "hdr-map-secret-444"]) expect(text).not.toContain(p);
    });
  }, 60_000);

  it("the leader refuses to start with a wrong key: exit 1 and a message naming the variable", async () => {
    const serving = { UPTOP_HTTP_HOST: "127.0.0.1", UPTOP_HTTP_PORT: "0", UPTOP_API_TOKEN: ADMIN_TOKEN };
    const r = await run("main.js", [], { ...env(KEY_A), ...serving, UPTOP_LOG_LEVEL: "info" });
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/UPTOP_ENCRYPTION_KEY cannot decrypt the stored secrets/);
  }, 60_000);

  it("the leader refuses to start without a key when secrets are encrypted, and starts with the right one", async () => {
    const logger = quietLogger();
    const base = {
      UPTOP_DB_DSN: dsn,
      UPTOP_DATA_DIR: dir,
      UPTOP_HTTP_HOST: "127.0.0.1",
      UPTOP_HTTP_PORT: "0",
      UPTOP_API_TOKEN: ADMIN_TOKEN,
      UPTOP_LOG_LEVEL: "error",
    };
    await expect(startLeader(loadConfig(base), logger)).rejects.toThrow(/UPTOP_ENCRYPTION_KEY cannot decrypt.*not set/);
    const leader = await startLeader(loadConfig({ ...base, UPTOP_ENCRYPTION_KEY: KEY_B }), logger);
    try {
      const headers = { authorization: `Bearer ${ADMIN_TOKEN}` };
      const res = await fetch(`http://127.0.0.1:${leader.port}/api/channels`, { headers });
      const text = await res.text();
      expect(res.status).toBe(200);
      expect(text).toContain('"routingKey":"********"');
      for (const p of PLANTED) expect(text).not.toContain(p);
      const monitors = await (await fetch(`http://127.0.0.1:${leader.port}/api/monitors`, { headers })).text();
      expect(monitors).toContain('"url":"https://svc:********@example.com/"');
      for (const p of PLANTED) expect(monitors).not.toContain(p);
    } finally {
      await leader.stop();
    }
  }, 60_000);
});
