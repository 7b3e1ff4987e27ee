import { addUserToken, createUser, revokeUserToken, type Db } from "@uptop/store";
import { sleep, until } from "@uptop/test-kit";
import { CallerAuth, hashUserToken, mintUserToken, SessionTokens } from "../src/index.js";
import { openTestDb, type TestDb } from "./helpers.js";

const API_TOKEN = "the-admin-api-token-0123456789";

describe("who a bearer token stands for", () => {
  let t: TestDb;
  let db: Db;
  let clock = 0;
  const now = () => clock;

  beforeAll(async () => {
    t = await openTestDb("sqlite", "uptop_caller_auth");
    db = t.store.db;
  });
  afterAll(async () => {
    await t?.close();
  });

  async function userWithToken(name: string): Promise<{ id: number; tokenId: number; token: string }> {
    const u = await createUser(db, { name, role: "editor" });
    const token = mintUserToken();
    const row = await addUserToken(db, u.id, "test", hashUserToken(token));
    return { id: u.id, tokenId: row.id, token };
  }

  const lastUsed = async (tokenId: number) =>
    (await db.selectFrom("user_tokens").select("last_used_at").where("id", "=", tokenId).executeTakeFirstOrThrow())
      .last_used_at;

  it("the admin API token is an admin without a database; anything else is no one", async () => {
    const auth = new CallerAuth({ apiToken: API_TOKEN });
    expect(await auth.resolve(API_TOKEN)).toEqual({ id: null, name: "api-token", role: "admin" });
    expect(await auth.resolve(mintUserToken())).toBeNull();
    expect(await auth.resolve("short")).toBeNull();
  });

  it("reuses a lookup briefly; invalidate() makes a change made behind its back count at once", async () => {
    const auth = new CallerAuth({ apiToken: API_TOKEN, db, now, cacheMs: 5_000 });
    const u = await userWithToken("cached");
    clock = 1_000_000;
    expect(await auth.resolve(u.token)).toEqual({ id: u.id, name: "cached", role: "editor" });
    await revokeUserToken(db, u.id, u.tokenId);
    clock += 1_000;
    expect(await auth.resolve(u.token)).not.toBeNull();
    auth.invalidate();
    expect(await auth.resolve(u.token)).toBeNull();

    // Without invalidate() the cache runs out on its own.
    const v = await userWithToken("expiring");
    expect(await auth.resolve(v.token)).not.toBeNull();
    await revokeUserToken(db, v.id, v.tokenId);
    clock += 5_000;
    expect(await auth.resolve(v.token)).toBeNull();
  });

  it("writes a token's last use at most once a minute", async () => {
    const auth = new CallerAuth({ apiToken: API_TOKEN, db, now, cacheMs: 0 });
    const u = await userWithToken("busy");
    clock = 2_000_000_000_000;
    await auth.resolve(u.token);
    await until("the first use to be written", async () => (await lastUsed(u.tokenId))?.getTime() === clock);
    const first = clock;
    clock += 59_000;
    await auth.resolve(u.token);
    await auth.resolve(u.token);
    // Writes are off the request's path: give any that was wrongly started the time to land.
    await sleep(200);
    expect((await lastUsed(u.tokenId))?.getTime()).toBe(first);
    clock += 1_000;
    await auth.resolve(u.token);
    await until("the use a minute later to be written", async () => (await lastUsed(u.tokenId))?.getTime() === clock);
    expect(clock - first).toBe(60_000);
  });

  it("a session token stands for its user, as the user is now", async () => {
    const sessions = new SessionTokens();
    const auth = new CallerAuth({ apiToken: API_TOKEN, db, sessions });
    const u = await userWithToken("ssh-user");
    const token = sessions.mint({ id: u.id });
    expect(await auth.resolve(token)).toEqual({ id: u.id, name: "ssh-user", role: "editor" });
    await db.updateTable("users").set({ disabled: true }).where("id", "=", u.id).execute();
    auth.invalidate();
    expect(await auth.resolve(token)).toBeNull();
    await db.updateTable("users").set({ disabled: false }).where("id", "=", u.id).execute();
    auth.invalidate();
    sessions.revoke(token);
    expect(await auth.resolve(token)).toBeNull();
    expect(sessions.size).toBe(0);
  });
});
