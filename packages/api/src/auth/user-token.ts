import { createHash, randomBytes } from "node:crypto";

/** `uptop_` and 32 random bytes in url-safe base64 (43 characters). */
export const USER_TOKEN_PATTERN = /^uptop_[A-Za-z0-9_-]{43}$/;

export function mintUserToken(): string {
  return `uptop_${randomBytes(32).toString("base64url")}`;
}

/**
 * What is stored of a token: its sha256, hex. A token is 256 random bits, so a fast hash is
 * enough; a slow one would only slow every request down.
 */
export function hashUserToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
