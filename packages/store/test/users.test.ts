import { ConflictError, NotFoundError, SecretBox } from "@uptop/core";
import { BACKENDS, createTempDatabase, type TempDatabase } from "@uptop/test-kit";
import {
  addUserKey,
  addUserToken,
  applyMirror,
  createUser,
  deleteUser,
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
  type Store,
} from "../src/index.js";

const HASH_A = "a".repeat(64);
const HASH_B = "b".repeat(64);
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
});
