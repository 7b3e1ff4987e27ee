import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { ValidationError, zodIssues } from "@uptop/core";
import type { z } from "zod";
import { SealError } from "./errors.js";

const SALT = "uptop-cluster-v1";
const INFO = "config-mirror";
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/**
 * The config mirror carries channel credentials and monitor auth; sealing it with a key derived
 * from the cluster secret keeps it private and tamper-evident even over plain HTTP.
 */
function deriveKey(secret: string): Buffer {
  if (!secret) throw new SealError("cannot seal or open a payload without a cluster secret");
  return Buffer.from(hkdfSync("sha256", secret, SALT, INFO, 32));
}

/** JSON-encodes `value` and seals it: base64(nonce ‖ ciphertext ‖ tag), AES-256-GCM. */
export function sealPayload(secret: string, value: unknown): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv("aes-256-gcm", deriveKey(secret), nonce);
  const body = Buffer.concat([cipher.update(JSON.stringify(value), "utf8"), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]).toString("base64");
}

/**
 * Opens a sealed payload and validates it. Throws SealError when the secret is wrong or the
 * payload was altered, ValidationError when it opens but does not match `schema`.
 */
export function openPayload<T>(secret: string, sealed: string, schema: z.ZodType<T>): T {
  const key = deriveKey(secret);
  const raw = Buffer.from(sealed, "base64");
  if (raw.length < NONCE_BYTES + TAG_BYTES) throw new SealError("sealed payload is truncated");
  let text: string;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, NONCE_BYTES));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    text = Buffer.concat([
      decipher.update(raw.subarray(NONCE_BYTES, raw.length - TAG_BYTES)),
      decipher.final(),
    ]).toString("utf8");
  } catch {
    throw new SealError(
      "sealed payload does not open with this cluster secret (different UPTOP_CLUSTER_SECRET on the two nodes?)",
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SealError("sealed payload is not JSON");
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = zodIssues(parsed.error);
    throw new ValidationError(
      `sealed payload: ${issues[0]?.field || "body"}: ${issues[0]?.message ?? "invalid"}`,
      issues,
    );
  }
  return parsed.data;
}
