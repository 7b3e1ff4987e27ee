import { Router } from "express";
import { z } from "zod";
import { UnauthorizedError, UptopError, type Logger, type Role } from "@uptop/core";
import { createUser, findUserForSignIn, insertWebSession, pruneWebSessions, type Db } from "@uptop/store";
import type { Request, Response } from "express";
import type { CallerAuth } from "../auth/caller-auth.js";
import { API_TOKEN_CALLER } from "../auth/caller.js";
import { bearerOf } from "../auth/user-gate.js";
import { crossOriginRefusal } from "../auth/csrf-check.js";
import { LoginThrottle } from "../auth/login-throttle.js";
import { dummyHash, hashPassword, PASSWORD_MAX_CHARS, passwordSchema, verifyPassword } from "../auth/password-hash.js";
import { hashWebSessionToken, mintCsrfToken, mintWebSessionToken, WEB_SESSION_LIFETIME } from "../auth/web-session.js";
import { clearSessionCookie, sessionCookieOf, setSessionCookie } from "../auth/web-session-cookie.js";
import { parseJsonBody } from "../json-body.js";
import { userNameSchema } from "./users.js";

export interface SignInRoutesDeps {
  db: Db;
  /** Resolves and forgets sessions; the same instance the request gate uses. */
  auth: CallerAuth;
  /** The brakes on password guessing; one per process. */
  throttle?: LoginThrottle;
  logger?: Logger;
  now?: () => number;
  /** A follower's users are the leader's mirror: it may sign users in, never make one. */
  readOnly?: boolean;
}

// Bounded so a guesser cannot fill the throttle's memory with long names; no user name is longer.
const loginSchema = z.strictObject({
  name: z.string().min(1, "is required").max(256),
  password: z.string().min(1, "is required").max(PASSWORD_MAX_CHARS),
});

const setupSchema = z.strictObject({ name: userNameSchema, password: passwordSchema });

/** One message for every refusal: it must not tell which names exist or have a password. */
const INVALID = "wrong user name or password";

/**
 * `/api/auth/login`, `/api/auth/logout`, `/api/auth/session`: signing in to the web dashboard with a
 * password; `/api/auth/setup`: the first admin, made with the admin API token.
 */
export function signInRouter(deps: SignInRoutesDeps): Router {
  const { db, auth } = deps;
  const throttle = deps.throttle ?? new LoginThrottle(deps.now ? { now: deps.now } : {});
  const now = deps.now ?? Date.now;
  // Made now, so the first sign-in with an unknown name is not the one slower answer.
  void dummyHash();
  const r = Router();

  r.post("/api/auth/login", async (req, res) => {
    const crossSite = crossOriginRefusal(req);
    if (crossSite) throw crossSite;
    const { name, password } = parseJsonBody(loginSchema, req.body, "sign-in");
    const waitS = throttle.attempt(req.ip ?? "", name);
    if (waitS !== null) {
      res.setHeader("Retry-After", String(waitS));
      throw new UptopError("RATE_LIMITED", `too many sign-in attempts: try again in ${waitS} s`, 429);
    }
    const found = await findUserForSignIn(db, name);
    // Verified even for an unknown or disabled user, so each refusal takes as long as any other.
    const matches = await verifyPassword(found?.passwordHash ?? null, password);
    if (!found || !matches || found.user.disabled) {
      throttle.failed(name);
      deps.logger?.info("sign-in refused", { name, ip: req.ip });
      throw new UptopError("INVALID_CREDENTIALS", INVALID, 401);
    }
    throttle.succeeded(name);
    await startSession(req, res, found.user);
  });

  /**
   * The first sign-in of a new installation, which has only its admin API token: whoever holds that
   * token (it could make any user through the API anyway) makes an admin with a password here and
   * is signed in as them.
   */
  r.post("/api/auth/setup", async (req, res) => {
    const crossSite = crossOriginRefusal(req);
    if (crossSite) throw crossSite;
    const { name, password } = parseJsonBody(setupSchema, req.body, "first admin");
    const waitS = throttle.attempt(req.ip ?? "", "(admin API token)");
    if (waitS !== null) {
      res.setHeader("Retry-After", String(waitS));
      throw new UptopError("RATE_LIMITED", `too many attempts: try again in ${waitS} s`, 429);
    }
    const token = bearerOf(req);
    const caller = token === null ? null : await auth.resolve(token);
    if (caller !== API_TOKEN_CALLER) {
      throttle.failed("(admin API token)");
      throw new UnauthorizedError("the admin API token is needed (Authorization: Bearer <token>)");
    }
    if (deps.readOnly) {
      throw new UptopError("READ_ONLY", "this follower mirrors the leader's users; set up on the leader", 503);
    }
    const user = await createUser(db, { name, role: "admin", passwordHash: await hashPassword(password) });
    auth.invalidate();
    deps.logger?.info("first admin made with the admin API token", { userId: user.id, name, ip: req.ip });
    await startSession(req, res, user);
  });

  const startSession = async (req: Request, res: Response, user: { id: number; name: string; role: Role }) => {
    const at = now();
    const previous = sessionCookieOf(req);
    if (previous !== null) await auth.endWebSession(previous);
    await pruneWebSessions(db, new Date(at), new Date(at - WEB_SESSION_LIFETIME.idleMs));
    const token = mintWebSessionToken();
    const csrfToken = mintCsrfToken();
    await insertWebSession(db, {
      userId: user.id,
      tokenHash: hashWebSessionToken(token),
      csrfToken,
      createdAt: new Date(at),
      expiresAt: new Date(at + WEB_SESSION_LIFETIME.absoluteMs),
      userAgent: req.get("user-agent")?.slice(0, 512) ?? null,
      ip: req.ip ?? null,
    });
    deps.logger?.info("signed in", { userId: user.id, name: user.name, ip: req.ip });
    setSessionCookie(req, res, token);
    res.setHeader("Cache-Control", "no-store");
    res.json({ user: { id: user.id, name: user.name, role: user.role }, csrfToken });
  };

  r.get("/api/auth/session", async (req, res) => {
    const token = sessionCookieOf(req);
    const session = token === null ? null : await auth.resolveWebSession(token);
    if (!session) throw new UnauthorizedError("not signed in (no session, or it expired)");
    res.setHeader("Cache-Control", "no-store");
    res.json({ user: session.caller, csrfToken: session.csrfToken });
  });

  r.post("/api/auth/logout", async (req, res) => {
    const crossSite = crossOriginRefusal(req);
    if (crossSite) throw crossSite;
    const token = sessionCookieOf(req);
    if (token !== null) await auth.endWebSession(token);
    clearSessionCookie(req, res);
    res.status(204).end();
  });

  return r;
}
