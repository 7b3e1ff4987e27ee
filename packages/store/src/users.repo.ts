import type { Selectable, Transaction } from "kysely";
import { ConflictError, isRole, NotFoundError, type Role } from "@uptop/core";
import { isUniqueViolation, type Db } from "./database.js";
import type { Database, UserKeysTable, UsersTable, UserTokensTable } from "./schema.js";
import { deleteUserWebSessions } from "./web-sessions.repo.js";

type Exec = Db | Transaction<Database>;

export interface User {
  id: number;
  name: string;
  role: Role;
  disabled: boolean;
  /** Whether the user can sign in on the web: a password hash is stored (never shown). */
  hasPassword: boolean;
  createdAt: string;
  updatedAt: string;
}

/** A token as listed: never the token itself, which only its holder has. */
export interface UserToken {
  id: number;
  userId: number;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface UserKey {
  id: number;
  userId: number;
  fingerprint: string;
  algorithm: string;
  publicKey: string;
  comment: string;
  createdAt: string;
}

export interface UserWithCredentials extends User {
  keys: UserKey[];
  /** Tokens not revoked. */
  tokens: UserToken[];
}

/** A parsed SSH public key, ready to store. */
export interface UserKeyDraft {
  fingerprint: string;
  algorithm: string;
  publicKey: string;
  comment: string;
}

/** Whom a stored token hash belongs to. */
export interface TokenOwner {
  tokenId: number;
  user: User;
}

export function userOf(r: Selectable<UsersTable>): User {
  // The check constraint holds the column to the three roles; anything else reads as the least.
  const role: Role = isRole(r.role) ? r.role : "viewer";
  return {
    id: r.id,
    name: r.name,
    role,
    disabled: r.disabled,
    hasPassword: r.password_hash !== null,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

function tokenOf(r: Selectable<UserTokensTable>): UserToken {
  return {
    id: r.id,
    userId: r.user_id,
    name: r.name,
    createdAt: r.created_at.toISOString(),
    lastUsedAt: r.last_used_at?.toISOString() ?? null,
    revokedAt: r.revoked_at?.toISOString() ?? null,
  };
}

function keyOf(r: Selectable<UserKeysTable>): UserKey {
  return {
    id: r.id,
    userId: r.user_id,
    fingerprint: r.fingerprint,
    algorithm: r.algorithm,
    publicKey: r.public_key,
    comment: r.comment,
    createdAt: r.created_at.toISOString(),
  };
}

export async function listUsers(db: Exec): Promise<UserWithCredentials[]> {
  const users = await db.selectFrom("users").selectAll().orderBy("id").execute();
  const tokens = await db.selectFrom("user_tokens").selectAll().where("revoked_at", "is", null).orderBy("id").execute();
  const keys = await db.selectFrom("user_keys").selectAll().orderBy("id").execute();
  return users.map((u) => ({
    ...userOf(u),
    keys: keys.filter((k) => k.user_id === u.id).map(keyOf),
    tokens: tokens.filter((t) => t.user_id === u.id).map(tokenOf),
  }));
}

export async function getUser(db: Exec, id: number): Promise<UserWithCredentials> {
  const found = await findUser(db, id);
  if (!found) throw new NotFoundError(`user ${id}`);
  const tokens = await db
    .selectFrom("user_tokens")
    .selectAll()
    .where("user_id", "=", id)
    .where("revoked_at", "is", null)
    .orderBy("id")
    .execute();
  const keys = await db.selectFrom("user_keys").selectAll().where("user_id", "=", id).orderBy("id").execute();
  return { ...found, keys: keys.map(keyOf), tokens: tokens.map(tokenOf) };
}

export async function findUser(db: Exec, id: number): Promise<User | null> {
  const row = await db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? userOf(row) : null;
}

export async function findUserByName(db: Exec, name: string): Promise<User | null> {
  const row = await db.selectFrom("users").selectAll().where("name", "=", name).executeTakeFirst();
  return row ? userOf(row) : null;
}

function nameTaken(name: string): ConflictError {
  return new ConflictError(`a user named "${name}" already exists`, { field: "name" });
}

export async function createUser(
  db: Exec,
  input: { name: string; role: Role; passwordHash?: string | null | undefined },
): Promise<User> {
  try {
    const row = await db
      .insertInto("users")
      .values({
        name: input.name,
        role: input.role,
        disabled: false,
        password_hash: input.passwordHash ?? null,
        updated_at: new Date(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return userOf(row);
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(input.name);
    throw err;
  }
}

export async function updateUser(
  db: Exec,
  id: number,
  patch: { role?: Role | undefined; disabled?: boolean | undefined },
): Promise<User> {
  const row = await db
    .updateTable("users")
    .set({
      ...(patch.role !== undefined ? { role: patch.role } : {}),
      ...(patch.disabled !== undefined ? { disabled: patch.disabled } : {}),
      updated_at: new Date(),
    })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`user ${id}`);
  // A disabled user is signed out of the web at once, not when their sessions run out.
  if (patch.disabled === true) await deleteUserWebSessions(db, id);
  return userOf(row);
}

/** A user and their password hash, for signing in by name; null when there is no such user. */
export async function findUserForSignIn(
  db: Exec,
  name: string,
): Promise<{ user: User; passwordHash: string | null } | null> {
  const row = await db.selectFrom("users").selectAll().where("name", "=", name).executeTakeFirst();
  return row ? { user: userOf(row), passwordHash: row.password_hash } : null;
}

/** The stored password hash of a user (null: none). */
export async function userPasswordHash(db: Exec, id: number): Promise<string | null> {
  const row = await db.selectFrom("users").select("password_hash").where("id", "=", id).executeTakeFirst();
  if (!row) throw new NotFoundError(`user ${id}`);
  return row.password_hash;
}

/**
 * Sets (or, with null, removes) a user's password and ends their web sessions, but `keepSessionId`
 * (the session that made the change): whoever knew the old password is signed out.
 */
export async function setUserPassword(
  db: Exec,
  id: number,
  passwordHash: string | null,
  keepSessionId: number | null = null,
): Promise<void> {
  const r = await db
    .updateTable("users")
    .set({ password_hash: passwordHash, updated_at: new Date() })
    .where("id", "=", id)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) throw new NotFoundError(`user ${id}`);
  await deleteUserWebSessions(db, id, keepSessionId);
}

/** Deletes the user with its tokens and keys (the foreign keys cascade). */
export async function deleteUser(db: Exec, id: number): Promise<void> {
  const r = await db.deleteFrom("users").where("id", "=", id).executeTakeFirst();
  if (Number(r.numDeletedRows) === 0) throw new NotFoundError(`user ${id}`);
}

/** Stores a new token by its hash; the caller shows the token itself once. */
export async function addUserToken(db: Exec, userId: number, name: string, tokenHash: string): Promise<UserToken> {
  if (!(await findUser(db, userId))) throw new NotFoundError(`user ${userId}`);
  const row = await db
    .insertInto("user_tokens")
    .values({ user_id: userId, name, token_hash: tokenHash })
    .returningAll()
    .executeTakeFirstOrThrow();
  return tokenOf(row);
}

/** Revokes one token of a user; revoking it again is a 404, as it is no longer listed. */
export async function revokeUserToken(db: Exec, userId: number, tokenId: number): Promise<void> {
  const r = await db
    .updateTable("user_tokens")
    .set({ revoked_at: new Date() })
    .where("id", "=", tokenId)
    .where("user_id", "=", userId)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) throw new NotFoundError(`token ${tokenId} of user ${userId}`);
}

/** Revokes every live token of a user; returns how many. */
export async function revokeUserTokens(db: Exec, userId: number): Promise<number> {
  const r = await db
    .updateTable("user_tokens")
    .set({ revoked_at: new Date() })
    .where("user_id", "=", userId)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** The owner of a live (not revoked) token, whether or not the user is disabled; null when none. */
export async function findTokenOwner(db: Exec, tokenHash: string): Promise<TokenOwner | null> {
  const row = await db
    .selectFrom("user_tokens")
    .innerJoin("users", "users.id", "user_tokens.user_id")
    .selectAll("users")
    .select("user_tokens.id as token_id")
    .where("user_tokens.token_hash", "=", tokenHash)
    .where("user_tokens.revoked_at", "is", null)
    .executeTakeFirst();
  if (!row) return null;
  const { token_id, ...user } = row;
  return { tokenId: token_id, user: userOf(user) };
}

export async function touchUserToken(db: Exec, tokenId: number, at: Date): Promise<void> {
  await db.updateTable("user_tokens").set({ last_used_at: at }).where("id", "=", tokenId).execute();
}

function keyTaken(fingerprint: string): ConflictError {
  return new ConflictError(`the key ${fingerprint} already belongs to a user`, { field: "publicKey" });
}

export async function addUserKey(db: Exec, userId: number, key: UserKeyDraft): Promise<UserKey> {
  if (!(await findUser(db, userId))) throw new NotFoundError(`user ${userId}`);
  try {
    const row = await db
      .insertInto("user_keys")
      .values({
        user_id: userId,
        fingerprint: key.fingerprint,
        algorithm: key.algorithm,
        public_key: key.publicKey,
        comment: key.comment,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return keyOf(row);
  } catch (err) {
    if (isUniqueViolation(err)) throw keyTaken(key.fingerprint);
    throw err;
  }
}

export async function deleteUserKey(db: Exec, userId: number, keyId: number): Promise<void> {
  const r = await db.deleteFrom("user_keys").where("id", "=", keyId).where("user_id", "=", userId).executeTakeFirst();
  if (Number(r.numDeletedRows) === 0) throw new NotFoundError(`key ${keyId} of user ${userId}`);
}

/** The user holding the key with this fingerprint, disabled or not; null when no user does. */
export async function findKeyOwner(db: Exec, fingerprint: string): Promise<User | null> {
  const row = await db
    .selectFrom("user_keys")
    .innerJoin("users", "users.id", "user_keys.user_id")
    .selectAll("users")
    .where("user_keys.fingerprint", "=", fingerprint)
    .executeTakeFirst();
  return row ? userOf(row) : null;
}
