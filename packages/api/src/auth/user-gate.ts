import type { Request, Response } from "express";
import { ForbiddenError, roleAllows, UnauthorizedError } from "@uptop/core";
import { requiredRole } from "../route-policy.js";
import type { CallerAuth } from "./caller-auth.js";
import { setCaller, type Caller } from "./caller.js";
import { csrfRefusal } from "./csrf-check.js";
import { sessionCookieOf } from "./web-session-cookie.js";

/** The bearer token of a request, or null when it sends none in the `Authorization: Bearer <token>` form. */
export function bearerOf(req: Pick<Request, "get">): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.get("authorization") ?? "");
  return m ? m[1]! : null;
}

/** Where the web session a request was signed in with is kept for the routes after the gate. */
export function webSessionIdOf(res: Response): number | null {
  return (res.locals.webSessionId as number | undefined) ?? null;
}

/**
 * The caller of a request without an Authorization header: the web session its cookie names, if
 * live, and only for a change that passes the CSRF check.
 */
async function cookieCaller(auth: CallerAuth, req: Request, res: Response): Promise<Caller | Error> {
  const cookie = sessionCookieOf(req);
  if (cookie === null) return new UnauthorizedError("missing bearer token (Authorization: Bearer <token>)");
  const session = await auth.resolveWebSession(cookie);
  if (!session) return new UnauthorizedError("session expired or signed out: sign in again");
  const refusal = csrfRefusal(req, session.csrfToken);
  if (refusal) return refusal;
  res.locals.webSessionId = session.sessionId;
  return session.caller;
}

/**
 * Why a request may not do what it asks (401: no caller; 403: a caller whose role is too low, or
 * a cookie-borne change that fails the CSRF check), or null when it may, having put the caller on
 * the response. Headers, method, path and query only, so the gate runs it before any body byte is
 * read. A bearer token wins over the cookie: API clients are never held to the CSRF rules.
 */
export async function userRefusal(auth: CallerAuth, req: Request, res: Response): Promise<Error | null> {
  let caller: Caller | null;
  if (req.get("authorization") === undefined) {
    const found = await cookieCaller(auth, req, res);
    if (found instanceof Error) return found;
    caller = found;
  } else {
    const token = bearerOf(req);
    if (token === null) return new UnauthorizedError("missing bearer token (Authorization: Bearer <token>)");
    caller = await auth.resolve(token);
    if (!caller) return new UnauthorizedError("invalid API token (unknown, revoked, or its user is disabled)");
  }
  const need = requiredRole(req.method, req.path, req.query as Record<string, unknown>);
  if (!roleAllows(caller.role, need)) return new ForbiddenError(`needs role ${need}; you are ${caller.role}`);
  setCaller(res, caller);
  return null;
}
