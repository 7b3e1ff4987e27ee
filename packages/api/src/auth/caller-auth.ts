import { errorMessage, safeEqual, type Logger } from "@uptop/core";
import {
  deleteWebSession,
  findTokenOwner,
  findUser,
  findWebSession,
  touchUserToken,
  touchWebSession,
  type Db,
  type User,
} from "@uptop/store";
import { API_TOKEN_CALLER, type Caller } from "./caller.js";
import type { SessionTokens } from "./session-tokens.js";
import { hashUserToken, USER_TOKEN_PATTERN } from "./user-token.js";
import { hashWebSessionToken, WEB_SESSION_LIFETIME, WEB_SESSION_TOKEN_PATTERN } from "./web-session.js";

/** A signed-in browser's caller, with what its requests are checked against. */
export interface WebSessionCaller {
  caller: Caller;
  sessionId: number;
  csrfToken: string;
}

interface CachedWebSession {
  at: number;
  found: { user: User; sessionId: number; csrfToken: string; lastSeenMs: number; expiresMs: number } | null;
}

export interface CallerAuthOptions {
  /** The admin API token: always an admin, whatever the database holds. */
  apiToken: string;
  /** Where users and their tokens live; without it only the admin token is known. */
  db?: Db | null;
  sessions?: SessionTokens | null;
  logger?: Logger | null;
  /** How long a lookup is reused; 5 s. Changes made through this node drop the cache at once. */
  cacheMs?: number;
  /** How often a token's last_used_at is written at most; 60 s. */
  touchEveryMs?: number;
  now?: () => number;
}

interface Cached {
  at: number;
  /** The token's id (null for a session) and its user; null: no such token (or user). */
  found: { tokenId: number | null; user: User } | null;
}

/**
 * Cached lookups are bounded so a flood of made-up tokens cannot grow memory: past this many the
 * cache starts again empty.
 */
const MAX_CACHED = 10_000;

/**
 * Who a bearer token belongs to: the admin API token, a user's API token, or a session token of
 * this process. Lookups hit the database, so they are cached briefly by the token's hash; the
 * users routes call `invalidate()` after every change, so a revoke, a disable or a new role made
 * through this node applies to the very next request.
 */
export class CallerAuth {
  private readonly cache = new Map<string, Cached>();
  private readonly webCache = new Map<string, CachedWebSession>();
  private readonly touched = new Map<number, number>();
  private readonly cacheMs: number;
  private readonly touchEveryMs: number;
  private readonly now: () => number;

  constructor(private readonly o: CallerAuthOptions) {
    this.cacheMs = o.cacheMs ?? 5_000;
    this.touchEveryMs = o.touchEveryMs ?? 60_000;
    this.now = o.now ?? Date.now;
  }

  /** Drops every cached lookup: the next request of each token reads the database again. */
  invalidate(): void {
    this.cache.clear();
    this.webCache.clear();
  }

  /**
   * The user a web session cookie stands for, as the user is now; null when the token names no
   * live session (unknown, signed out, idle for 12 h, older than 7 days) or its user is disabled.
   */
  async resolveWebSession(token: string): Promise<WebSessionCaller | null> {
    const db = this.o.db;
    if (!db || !WEB_SESSION_TOKEN_PATTERN.test(token)) return null;
    const key = hashWebSessionToken(token);
    const now = this.now();
    let entry = this.webCache.get(key);
    if (!entry || now - entry.at >= this.cacheMs) {
      const row = await findWebSession(db, key);
      entry = {
        at: now,
        found: row && {
          user: row.user,
          sessionId: row.session.id,
          csrfToken: row.session.csrfToken,
          lastSeenMs: row.session.lastSeenAt.getTime(),
          expiresMs: row.session.expiresAt.getTime(),
        },
      };
      if (this.webCache.size >= MAX_CACHED) this.webCache.clear();
      this.webCache.set(key, entry);
    }
    const found = entry.found;
    if (!found || found.user.disabled) return null;
    if (now >= found.expiresMs || now - found.lastSeenMs >= WEB_SESSION_LIFETIME.idleMs) return null;
    if (now - found.lastSeenMs >= WEB_SESSION_LIFETIME.touchEveryMs) {
      found.lastSeenMs = now;
      touchWebSession(db, found.sessionId, new Date(now)).catch((err: unknown) => {
        this.o.logger?.warn("could not record a web session's last use", {
          sessionId: found.sessionId,
          error: errorMessage(err),
        });
      });
    }
    return {
      caller: { id: found.user.id, name: found.user.name, role: found.user.role },
      sessionId: found.sessionId,
      csrfToken: found.csrfToken,
    };
  }

  /** Signs a web session out: its row goes, and this node forgets it at once. */
  async endWebSession(token: string): Promise<void> {
    const db = this.o.db;
    if (!db || !WEB_SESSION_TOKEN_PATTERN.test(token)) return;
    const key = hashWebSessionToken(token);
    this.webCache.delete(key);
    await deleteWebSession(db, key);
  }

  /** The caller a token stands for; null when it stands for none (unknown, revoked, or its user disabled). */
  async resolve(token: string): Promise<Caller | null> {
    if (safeEqual(token, this.o.apiToken)) return API_TOKEN_CALLER;
    const db = this.o.db;
    if (!db || !USER_TOKEN_PATTERN.test(token)) return null;
    const sessionUser = this.o.sessions?.userIdOf(token);
    const key = sessionUser === undefined ? hashUserToken(token) : `session:${sessionUser}`;
    const now = this.now();
    let entry = this.cache.get(key);
    if (!entry || now - entry.at >= this.cacheMs) {
      entry = { at: now, found: await this.lookup(db, key, sessionUser) };
      if (this.cache.size >= MAX_CACHED) this.cache.clear();
      this.cache.set(key, entry);
    }
    const found = entry.found;
    if (!found || found.user.disabled) return null;
    if (found.tokenId !== null) this.touch(db, found.tokenId, now);
    return { id: found.user.id, name: found.user.name, role: found.user.role };
  }

  private async lookup(db: Db, hash: string, sessionUser: number | undefined): Promise<Cached["found"]> {
    if (sessionUser !== undefined) {
      const user = await findUser(db, sessionUser);
      return user ? { tokenId: null, user } : null;
    }
    const owner = await findTokenOwner(db, hash);
    return owner ? { tokenId: owner.tokenId, user: owner.user } : null;
  }

  /** Records a token's use at most once a minute, off the request's path: a failed write only loses a time. */
  private touch(db: Db, tokenId: number, now: number): void {
    const last = this.touched.get(tokenId);
    if (last !== undefined && now - last < this.touchEveryMs) return;
    this.touched.set(tokenId, now);
    touchUserToken(db, tokenId, new Date(now)).catch((err: unknown) => {
      this.o.logger?.warn("could not record a token's last use", {
        tokenId,
        error: errorMessage(err),
      });
    });
  }
}
