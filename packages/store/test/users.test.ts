import { ConflictError, NotFoundError, SecretBox } from "@uptop/core";
import { BACKENDS, createTempDatabase, type TempDatabase } from "@uptop/test-kit";
import {
  addUserKey,
  addUserToken,
  applyMirror,
  createUser,
  deleteUser,
  deleteWebSession,
  findUserForSignIn,
  findWebSession,
  insertWebSession,
  pruneWebSessions,
  setUserPassword,
  deleteUserKey,
  findKeyOwner,
  findTokenOwner,
  findUserByName,
  getUser,
  isUniqueViolation,
  listUsers,
  openAndMigrate,
  readMirrorUsers,
  revokeUserToken,
  revokeUserTokens,
  touchUserToken,
  updateUser,
  type Db,
  type Store,
} from "../src/index.js";

const HASH_A = "a".repeat(64);
const HASH_B = "b".repeat(64);
const PHC_A = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWE";
const PHC_B = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$YmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmI";
const T0 = Date.UTC(2026, 0, 5, 9);

/** A web session of a user, created at `at` (ms), found by `tokenHash`. */
function session(db: Db, userId: number, tokenHash: string, at = T0) {
  return insertWebSession(db, {
    userId,
    tokenHash,
    csrfToken: `csrf-${tokenHash.slice(0, 4)}`,
    createdAt: new Date(at),
    expiresAt: new Date(at + 7 * 24 * 3_600_000),
    userAgent: null,
    ip: "192.0.2.1",
  });
}

const sessionHashes = async (db: Db) =>
  (await db.selectFrom("web_sessions").select("token_hash").orderBy("token_hash").execute()).map((r) => r.token_hash);

const KEY = {
  fingerprint: "SHA256:cH601WQfU4XduUFX4I80xMH8XdN3+BmdEvl0pRTdSrU",
  algorithm: "ssh-ed25519",
  publicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOl/1UPcbqf+ISfsCx1FKZ75Yb/gNyAZGLx42d0sUiRF",
  comment: "alice@laptop",
};

describe.each(BACKENDS)("users on %s", (backend) => {
  let store: Store;
  let temp: TempDatabase;

  beforeAll(async () => {
    temp = await createTempDatabase("uptop_users", backend);
    store = await openAndMigrate(temp);
  }, 60_000);

  afterAll(async () => {
    await store?.close();
    await temp?.drop();
  });

  afterEach(async () => {
    await store.db.deleteFrom("users").execute();
  });

  it("creates users with a role; names are unique; the role column takes only the three roles", async () => {
    const alice = await createUser(store.db, { name: "alice", role: "editor" });
    expect(alice).toMatchObject({ name: "alice", role: "editor", disabled: false });
    await expect(createUser(store.db, { name: "alice", role: "viewer" })).rejects.toBeInstanceOf(ConflictError);
    // By code, not by class: better-sqlite3 makes its errors with the class of the first test file
    // that loaded it, which is not this file's Error when jest runs several files in one worker.
    await expect(
      store.db.insertInto("users").values({ name: "mallory", role: "root", disabled: false }).execute(),
    ).rejects.toMatchObject({ code: expect.stringMatching(/^(23514|SQLITE_CONSTRAINT_CHECK)$/) });
    expect((await findUserByName(store.db, "alice"))?.id).toBe(alice.id);
    expect(await findUserByName(store.db, "nobody")).toBeNull();
  });

  it("changes a role and disables; an unknown id is a 404", async () => {
    const u = await createUser(store.db, { name: "bob", role: "viewer" });
    expect(await updateUser(store.db, u.id, { role: "admin" })).toMatchObject({ role: "admin", disabled: false });
    expect(await updateUser(store.db, u.id, { disabled: true })).toMatchObject({ role: "admin", disabled: true });
    await expect(updateUser(store.db, u.id + 1000, { disabled: true })).rejects.toBeInstanceOf(NotFoundError);
  });

  it("finds a token's owner by hash until it is revoked; records its last use", async () => {
    const u = await createUser(store.db, { name: "carol", role: "editor" });
    const t = await addUserToken(store.db, u.id, "laptop", HASH_A);
    expect(t).toMatchObject({ name: "laptop", lastUsedAt: null, revokedAt: null });
    expect(await findTokenOwner(store.db, HASH_A)).toEqual({
      tokenId: t.id,
      user: expect.objectContaining({ id: u.id }),
    });
    expect(await findTokenOwner(store.db, HASH_B)).toBeNull();

    const at = new Date("2026-01-02T03:04:05.678Z");
    await touchUserToken(store.db, t.id, at);
    expect((await getUser(store.db, u.id)).tokens[0]!.lastUsedAt).toBe(at.toISOString());

    await revokeUserToken(store.db, u.id, t.id);
    expect(await findTokenOwner(store.db, HASH_A)).toBeNull();
    expect((await getUser(store.db, u.id)).tokens).toEqual([]);
    await expect(revokeUserToken(store.db, u.id, t.id)).rejects.toBeInstanceOf(NotFoundError);
    // The hash stays taken: a revoked token can never come back as another's.
    const again = await addUserToken(store.db, u.id, "again", HASH_A).catch((e: unknown) => e);
    expect(isUniqueViolation(again)).toBe(true);
  });

  it("revokes all of a user's tokens at once", async () => {
    const u = await createUser(store.db, { name: "dave", role: "viewer" });
    await addUserToken(store.db, u.id, "one", HASH_A);
    await addUserToken(store.db, u.id, "two", HASH_B);
    expect(await revokeUserTokens(store.db, u.id)).toBe(2);
    expect(await revokeUserTokens(store.db, u.id)).toBe(0);
  });

  it("keys: unique by fingerprint, found by it, deleted with the user", async () => {
    const u = await createUser(store.db, { name: "erin", role: "admin" });
    const other = await createUser(store.db, { name: "frank", role: "viewer" });
    const k = await addUserKey(store.db, u.id, KEY);
    expect(k).toMatchObject({ ...KEY, userId: u.id });
    await expect(addUserKey(store.db, other.id, KEY)).rejects.toBeInstanceOf(ConflictError);
    expect((await findKeyOwner(store.db, KEY.fingerprint))?.name).toBe("erin");

    const listed = await listUsers(store.db);
    expect(listed.map((x) => [x.name, x.keys.length])).toEqual([
      ["erin", 1],
      ["frank", 0],
    ]);
    await expect(deleteUserKey(store.db, other.id, k.id)).rejects.toBeInstanceOf(NotFoundError);

    await addUserToken(store.db, u.id, "t", HASH_A);
    await deleteUser(store.db, u.id);
    expect(await findKeyOwner(store.db, KEY.fingerprint)).toBeNull();
    expect(await findTokenOwner(store.db, HASH_A)).toBeNull();
    expect(await store.db.selectFrom("user_tokens").selectAll().execute()).toEqual([]);
    await expect(deleteUser(store.db, u.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("the follower's mirror copies users, token hashes (revoked ones too) and keys, ids kept", async () => {
    const u = await createUser(store.db, { name: "gina", role: "editor" });
    const live = await addUserToken(store.db, u.id, "live", HASH_A);
    const gone = await addUserToken(store.db, u.id, "gone", HASH_B);
    await revokeUserToken(store.db, u.id, gone.id);
    await addUserKey(store.db, u.id, KEY);
    const disabled = await createUser(store.db, { name: "hank", role: "admin" });
    await updateUser(store.db, disabled.id, { disabled: true });

    const follower = await openAndMigrate({ type: "sqlite", dsn: ":memory:" });
    try {
      // A user the leader no longer has is dropped; one renamed onto a name held here moves over.
      const stale = await createUser(follower.db, { name: "gina", role: "viewer" });
      await addUserToken(follower.db, stale.id, "stale", "c".repeat(64));
      const users = JSON.parse(JSON.stringify(await readMirrorUsers(store.db))) as Awaited<
        ReturnType<typeof readMirrorUsers>
      >;
      const mirror = { monitors: [], channels: [], maintenance: [], states: [], delivered: [], users };
      await applyMirror(follower.db, new SecretBox(null), mirror, () => []);
      await applyMirror(follower.db, new SecretBox(null), mirror, () => []);

      expect(await findTokenOwner(follower.db, HASH_A)).toEqual({
        tokenId: live.id,
        user: expect.objectContaining({ id: u.id, name: "gina", role: "editor" }),
      });
      expect(await findTokenOwner(follower.db, HASH_B)).toBeNull();
      expect(await findTokenOwner(follower.db, "c".repeat(64))).toBeNull();
      expect((await findKeyOwner(follower.db, KEY.fingerprint))?.id).toBe(u.id);
      expect((await findUserByName(follower.db, "hank"))?.disabled).toBe(true);
      expect((await listUsers(follower.db)).map((x) => x.id)).toEqual([u.id, disabled.id]);

      // A mirror from a leader older than users leaves them as they are.
      const { users: _omitted, ...older } = mirror;
      await applyMirror(follower.db, new SecretBox(null), older, () => []);
      expect((await listUsers(follower.db)).length).toBe(2);
    } finally {
      await follower.close();
    }
  });

  it("passwords: stored as given, never listed; setting one ends the user's other web sessions", async () => {
    const u = await createUser(store.db, { name: "ida", role: "viewer", passwordHash: PHC_A });
    const other = await createUser(store.db, { name: "jon", role: "viewer" });
    expect(u.hasPassword).toBe(true);
    expect(other.hasPassword).toBe(false);
    expect(await findUserForSignIn(store.db, "ida")).toEqual({ user: u, passwordHash: PHC_A });
    expect(await findUserForSignIn(store.db, "nobody")).toBeNull();
    expect(JSON.stringify(await listUsers(store.db))).not.toContain("argon2");

    const kept = await session(store.db, u.id, "1".repeat(64));
    await session(store.db, u.id, "2".repeat(64));
    await session(store.db, other.id, "3".repeat(64));
    expect(await findWebSession(store.db, "1".repeat(64))).toEqual({
      session: expect.objectContaining({ id: kept.id, userId: u.id, csrfToken: "csrf-1111" }),
      user: expect.objectContaining({ id: u.id, name: "ida", hasPassword: true }),
    });
    await setUserPassword(store.db, u.id, PHC_B, kept.id);
    expect((await findUserForSignIn(store.db, "ida"))?.passwordHash).toBe(PHC_B);
    expect(await sessionHashes(store.db)).toEqual(["1".repeat(64), "3".repeat(64)]);
    await setUserPassword(store.db, u.id, null);
    expect((await getUser(store.db, u.id)).hasPassword).toBe(false);
    expect(await sessionHashes(store.db)).toEqual(["3".repeat(64)]);
    await expect(setUserPassword(store.db, 999_999, PHC_A)).rejects.toBeInstanceOf(NotFoundError);

    // Disabling signs out; deleting takes the sessions with the user.
    await session(store.db, u.id, "4".repeat(64));
    await updateUser(store.db, u.id, { disabled: true });
    await deleteUser(store.db, other.id);
    expect(await sessionHashes(store.db)).toEqual([]);
  });

  it("web sessions: signed out one by one, pruned when idle or past their end", async () => {
    const u = await createUser(store.db, { name: "kim", role: "viewer", passwordHash: PHC_A });
    await session(store.db, u.id, "5".repeat(64), T0 - 8 * 24 * 3_600_000);
    await session(store.db, u.id, "6".repeat(64), T0 - 13 * 3_600_000);
    await session(store.db, u.id, "7".repeat(64), T0 - 13 * 3_600_000);
    await session(store.db, u.id, "8".repeat(64), T0);
    await store.db
      .updateTable("web_sessions")
      .set({ last_seen_at: new Date(T0 - 3_600_000) })
      .where("token_hash", "=", "7".repeat(64))
      .execute();
    expect(await pruneWebSessions(store.db, new Date(T0), new Date(T0 - 12 * 3_600_000))).toBe(2);
    expect(await findWebSession(store.db, "6".repeat(64))).toBeNull();
    expect(await sessionHashes(store.db)).toEqual(["7".repeat(64), "8".repeat(64)]);
    expect(await deleteWebSession(store.db, "8".repeat(64))).toBe(true);
    expect(await deleteWebSession(store.db, "8".repeat(64))).toBe(false);
  });

  it("the mirror carries password hashes; a follower's own sessions end when the password changes", async () => {
    const u = await createUser(store.db, { name: "lea", role: "editor", passwordHash: PHC_A });
    const stays = await createUser(store.db, { name: "max", role: "viewer", passwordHash: PHC_A });
    // Sessions are the leader's own: they do not travel.
    await session(store.db, u.id, "9".repeat(64));
    const follower = await openAndMigrate({ type: "sqlite", dsn: ":memory:" });
    const mirrorOf = async () => ({
      monitors: [],
      channels: [],
      maintenance: [],
      states: [],
      delivered: [],
      users: JSON.parse(JSON.stringify(await readMirrorUsers(store.db))) as Awaited<ReturnType<typeof readMirrorUsers>>,
    });
    try {
      await applyMirror(follower.db, new SecretBox(null), await mirrorOf(), () => []);
      expect((await findUserForSignIn(follower.db, "lea"))?.passwordHash).toBe(PHC_A);
      expect(await sessionHashes(follower.db)).toEqual([]);

      // Signed in on the follower (after a take-over, say), then the leader's password changes.
      await session(follower.db, u.id, "a".repeat(64));
      await session(follower.db, stays.id, "b".repeat(64));
      await applyMirror(follower.db, new SecretBox(null), await mirrorOf(), () => []);
      expect(await sessionHashes(follower.db)).toEqual(["a".repeat(64), "b".repeat(64)]);
      await setUserPassword(store.db, u.id, PHC_B);
      await applyMirror(follower.db, new SecretBox(null), await mirrorOf(), () => []);
      expect((await findUserForSignIn(follower.db, "lea"))?.passwordHash).toBe(PHC_B);
      expect(await sessionHashes(follower.db)).toEqual(["b".repeat(64)]);
      await updateUser(store.db, stays.id, { disabled: true });
      await applyMirror(follower.db, new SecretBox(null), await mirrorOf(), () => []);
      expect(await sessionHashes(follower.db)).toEqual([]);
    } finally {
      await follower.close();
    }
  });
});
