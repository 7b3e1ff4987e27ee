import type { Selectable, Transaction } from "kysely";
import type { Db } from "./database.js";
import type { Database, WebSessionsTable } from "./schema.js";
import { userOf, type User } from "./users.repo.js";

type Exec = Db | Transaction<Database>;

/** A signed-in browser, as the server knows it: by the hash of its cookie token, never the token. */
export interface WebSession {
  id: number;
  userId: number;
  csrfToken: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  userAgent: string | null;
  ip: string | null;
}

export interface WebSessionDraft {
  userId: number;
  tokenHash: string;
  csrfToken: string;
  createdAt: Date;
  expiresAt: Date;
  userAgent: string | null;
  ip: string | null;
}

function sessionOf(r: Selectable<WebSessionsTable>): WebSession {
  return {
    id: r.id,
    userId: r.user_id,
    csrfToken: r.csrf_token,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
    expiresAt: r.expires_at,
    userAgent: r.user_agent,
    ip: r.ip,
  };
}

export async function insertWebSession(db: Exec, draft: WebSessionDraft): Promise<WebSession> {
  const row = await db
    .insertInto("web_sessions")
    .values({
      user_id: draft.userId,
      token_hash: draft.tokenHash,
      csrf_token: draft.csrfToken,
      created_at: draft.createdAt,
      last_seen_at: draft.createdAt,
      expires_at: draft.expiresAt,
      user_agent: draft.userAgent,
      ip: draft.ip,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return sessionOf(row);
}

/** The session with this token hash and its user (disabled or not); null when there is none. */
export async function findWebSession(db: Exec, tokenHash: string): Promise<{ session: WebSession; user: User } | null> {
  const row = await db
    .selectFrom("web_sessions")
    .innerJoin("users", "users.id", "web_sessions.user_id")
    .selectAll("users")
    .select([
      "web_sessions.id as session_id",
      "web_sessions.user_id as session_user_id",
      "web_sessions.token_hash",
      "web_sessions.csrf_token",
      "web_sessions.created_at as session_created_at",
      "web_sessions.last_seen_at",
      "web_sessions.expires_at",
      "web_sessions.user_agent",
      "web_sessions.ip",
    ])
    .where("web_sessions.token_hash", "=", tokenHash)
    .executeTakeFirst();
  if (!row) return null;
  const {
    session_id,
    session_user_id,
    token_hash,
    csrf_token,
    session_created_at,
    last_seen_at,
    expires_at,
    user_agent,
    ip,
    ...user
  } = row;
  return {
    session: sessionOf({
      id: session_id,
      user_id: session_user_id,
      token_hash,
      csrf_token,
      created_at: session_created_at,
      last_seen_at,
      expires_at,
      user_agent,
      ip,
    }),
    user: userOf(user),
  };
}

export async function touchWebSession(db: Exec, id: number, at: Date): Promise<void> {
  await db.updateTable("web_sessions").set({ last_seen_at: at }).where("id", "=", id).execute();
}

/** Ends one session (signing out); true when there was one. */
export async function deleteWebSession(db: Exec, tokenHash: string): Promise<boolean> {
  const r = await db.deleteFrom("web_sessions").where("token_hash", "=", tokenHash).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Ends every web session of a user but `keepId`; returns how many. */
export async function deleteUserWebSessions(db: Exec, userId: number, keepId: number | null = null): Promise<number> {
  let q = db.deleteFrom("web_sessions").where("user_id", "=", userId);
  if (keepId !== null) q = q.where("id", "!=", keepId);
  const r = await q.executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Deletes the sessions past their absolute end or idle since `idleSince`; returns how many. */
export async function pruneWebSessions(db: Exec, now: Date, idleSince: Date): Promise<number> {
  const r = await db
    .deleteFrom("web_sessions")
    .where((eb) => eb.or([eb("expires_at", "<=", now), eb("last_seen_at", "<=", idleSince)]))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
