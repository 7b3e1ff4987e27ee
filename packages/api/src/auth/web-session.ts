import { createHash, randomBytes } from "node:crypto";

/**
 * How long a web sign-in lasts: it ends after 12 hours without a request, and 7 days after it
 * began whatever its use. Its last use is written at most once a minute.
 */
export const WEB_SESSION_LIFETIME = {
  idleMs: 12 * 3600_000,
  absoluteMs: 7 * 24 * 3600_000,
  touchEveryMs: 60_000,
} as const;

/** 32 random bytes, url-safe base64 (43 characters): a cookie of any other shape names no session. */
export const WEB_SESSION_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function mintWebSessionToken(): string {
  return randomBytes(32).toString("base64url");
}

/** The per-session token a browser sends back in X-CSRF-Token with every change. */
export function mintCsrfToken(): string {
  return randomBytes(32).toString("base64url");
}

/** What is stored of a session token: its sha256, hex (256 random bits need no slow hash). */
export function hashWebSessionToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
