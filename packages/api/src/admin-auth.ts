import type { Request, RequestHandler } from "express";
import { safeEqual, UnauthorizedError } from "@uptop/core";

/**
 * Why a request does not carry `Authorization: Bearer <UPTOP_API_TOKEN>`, or null when it does;
 * compared in constant time. Headers only, so it runs before any body is read.
 */
export function adminTokenRefusal(token: string, req: Pick<Request, "get">): UnauthorizedError | null {
  const header = req.get("authorization") ?? "";
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m) return new UnauthorizedError("missing bearer token (Authorization: Bearer <token>)");
  if (!safeEqual(m[1]!, token)) return new UnauthorizedError("invalid API token");
  return null;
}

/** The bearer token check as a middleware, for routers mounted outside `createApp`. */
export function adminAuth(token: string): RequestHandler {
  return (req, _res, next) => next(adminTokenRefusal(token, req) ?? undefined);
}
