import type { RequestHandler } from "express";
import { safeEqual, UnauthorizedError } from "@uptop/core";

/** `Authorization: Bearer <UPTOP_API_TOKEN>` on every admin route; compared in constant time. */
export function adminAuth(token: string): RequestHandler {
  return (req, _res, next) => {
    const header = req.get("authorization") ?? "";
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) return next(new UnauthorizedError("missing bearer token (Authorization: Bearer <token>)"));
    if (!safeEqual(m[1]!, token)) return next(new UnauthorizedError("invalid API token"));
    next();
  };
}
