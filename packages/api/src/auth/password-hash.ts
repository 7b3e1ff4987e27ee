import { randomBytes } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";
import { z } from "zod";

/**
 * argon2id with 19 MiB of memory, 2 passes and one lane: the minimum OWASP's password storage
 * guidance names for argon2id, about 20 ms per hash on a server core. The parameters are kept in
 * each hash (PHC form), so raising them later still verifies the passwords set before.
 */
export const ARGON2_PARAMS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN_CHARS = 10;
export const PASSWORD_MAX_CHARS = 1024;

/** A new password: 10 to 1024 characters, not only whitespace. */
export const passwordSchema = z
  .string()
  .min(PASSWORD_MIN_CHARS, `must be at least ${PASSWORD_MIN_CHARS} characters`)
  .max(PASSWORD_MAX_CHARS, `must be at most ${PASSWORD_MAX_CHARS} characters`)
  .refine((p) => p.trim().length > 0, "must not be only whitespace");

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_PARAMS);
}

/**
 * A hash of a password nobody knows, made once (the sign-in routes make it when they are built):
 * signing in as a user who does not exist (or has no password) verifies against it, so the answer
 * takes as long as for a real user.
 */
let dummy: Promise<string> | null = null;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(`no user has this password ${randomBytes(16).toString("hex")}`);
  return dummy;
}

/** Whether the password matches the hash; with no hash, false after the same work. A malformed hash is false. */
export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  const against = passwordHash ?? (await dummyHash());
  try {
    const ok = await verify(against, password);
    return ok && passwordHash !== null;
  } catch {
    return false;
  }
}
