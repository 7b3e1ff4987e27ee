import { safeEqual } from "@uptop/core";
import type { Request, RequestHandler, Response } from "express";
import { PROTOCOL_HEADER, PROTOCOL_VERSION, SECRET_HEADER, SECRET_HEADER_ALT } from "./headers.js";

function fail(res: Response, status: number, code: string, message: string, details: unknown = null): void {
  res.status(status).json({ error: { code, message, details } });
}

/**
 * Why a request's headers do not carry the cluster secret, or null when they do. Fails closed:
 * with no secret configured every call is refused, so a forgotten variable never leaves the
 * probe ingest open. Headers only, so a server can refuse before it reads a byte of the body.
 */
export function clusterSecretRefusal(secret: string | null, req: Pick<Request, "get">): string | null {
  if (!secret) {
    return "the cluster secret is not configured on this server (set UPTOP_CLUSTER_SECRET); cluster calls are refused";
  }
  const given = req.get(SECRET_HEADER) ?? req.get(SECRET_HEADER_ALT);
  // safeEqual hashes both sides first, so neither a wrong length nor a common prefix shows in timing.
  if (given === undefined || !safeEqual(given, secret))
    return `missing or wrong cluster secret (header ${SECRET_HEADER})`;
  return null;
}

/** Guards cluster routes with the shared secret (see `clusterSecretRefusal`). */
export function clusterAuth(secret: string | null): RequestHandler {
  return (req, res, next) => {
    const refusal = clusterSecretRefusal(secret, req);
    if (refusal) return fail(res, 401, "UNAUTHORIZED", refusal);
    next();
  };
}

/** Refuses a client speaking another protocol version, naming both so the operator knows which side to upgrade. */
export function protocolVersionCheck(version: number = PROTOCOL_VERSION): RequestHandler {
  return (req, res, next) => {
    const raw = req.get(PROTOCOL_HEADER);
    if (raw === undefined) {
      fail(
        res,
        409,
        "PROTOCOL_MISMATCH",
        `no protocol version from the client (header ${PROTOCOL_HEADER}), this server speaks ${version}`,
        { server: version, client: null },
      );
      return;
    }
    if (raw.trim() !== String(version)) {
      fail(
        res,
        409,
        "PROTOCOL_MISMATCH",
        `protocol version ${raw.trim()} from the client, this server speaks ${version}`,
        { server: version, client: raw.trim() },
      );
      return;
    }
    res.setHeader(PROTOCOL_HEADER, String(version));
    next();
  };
}

/** Both guards in order (auth first, so an unauthenticated caller learns nothing about versions). */
export function clusterGuard(secret: string | null): RequestHandler[] {
  return [clusterAuth(secret), protocolVersionCheck()];
}
