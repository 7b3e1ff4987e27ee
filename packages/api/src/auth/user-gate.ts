import type { Request, Response } from "express";
import { ForbiddenError, roleAllows, UnauthorizedError } from "@uptop/core";
import { requiredRole } from "../route-policy.js";
import type { CallerAuth } from "./caller-auth.js";
import { setCaller } from "./caller.js";

/** The bearer token of a request, or null when it sends none in the `Authorization: Bearer <token>` form. */
export function bearerOf(req: Pick<Request, "get">): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.get("authorization") ?? "");
  return m ? m[1]! : null;
}

/**
 * Why a request may not do what it asks (401: no caller; 403: a caller whose role is too low), or
 * null when it may, having put the caller on the response. Headers, method, path and query only,
 * so the gate runs it before any body byte is read.
 */
export async function userRefusal(auth: CallerAuth, req: Request, res: Response): Promise<Error | null> {
  const token = bearerOf(req);
  if (token === null) return new UnauthorizedError("missing bearer token (Authorization: Bearer <token>)");
  const caller = await auth.resolve(token);
  if (!caller) return new UnauthorizedError("invalid API token (unknown, revoked, or its user is disabled)");
  const need = requiredRole(req.method, req.path, req.query as Record<string, unknown>);
  if (!roleAllows(caller.role, need)) return new ForbiddenError(`needs role ${need}; you are ${caller.role}`);
  setCaller(res, caller);
  return null;
}
