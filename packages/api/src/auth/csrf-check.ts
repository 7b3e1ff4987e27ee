import type { Request } from "express";
import { safeEqual, UptopError } from "@uptop/core";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function csrfFailed(message: string): UptopError {
  return new UptopError("CSRF_FAILED", message, 403);
}

/**
 * Why a request may not have come from this site's own pages: it names another origin than the
 * host it was sent to. A request without Origin passes here (browsers send it on every
 * cross-site change; other clients need not).
 */
export function crossOriginRefusal(req: Pick<Request, "get">): UptopError | null {
  const origin = req.get("origin");
  if (origin === undefined) return null;
  let host: string | null = null;
  try {
    host = new URL(origin).host;
  } catch {
    // "null" (a sandboxed page, a file) or garbage: not this site.
  }
  const own = req.get("host");
  if (host === null || own === undefined || host.toLowerCase() !== own.toLowerCase())
    return csrfFailed(`Origin ${origin} is not this site (${own ?? "no Host"}): cross-site requests are refused`);
  return null;
}

/**
 * Why a request carried by the session cookie may not change anything: a change (any method but
 * GET, HEAD, OPTIONS) must echo the session's CSRF token in X-CSRF-Token, which another site
 * cannot read, and come from this site's origin.
 */
export function csrfRefusal(req: Pick<Request, "get" | "method">, csrfToken: string): UptopError | null {
  if (SAFE_METHODS.has(req.method.toUpperCase())) return null;
  const sent = req.get("x-csrf-token");
  if (sent === undefined || sent === "")
    return csrfFailed("missing X-CSRF-Token header: a change made with the session cookie must carry it");
  if (!safeEqual(sent, csrfToken)) return csrfFailed("X-CSRF-Token does not match this session");
  return crossOriginRefusal(req);
}
