import { createCipheriv, createDecipheriv, randomBytes, timingSafeEqual, createHash } from "node:crypto";
import { SecretKeyError } from "../domain/errors.js";

const PREFIX = "enc:";
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Secrets at rest: `enc:` + base64(nonce ‖ ciphertext ‖ tag), AES-256-GCM. Plaintext values
 * (written before a key was configured) still read, so turning encryption on loses nothing.
 */
export class SecretBox {
  constructor(private readonly key: Buffer | null) {
    if (key && key.length !== 32) throw new SecretKeyError("encryption key must be 32 bytes");
  }

  get enabled(): boolean {
    return this.key !== null;
  }

  static isEncrypted(value: string): boolean {
    return value.startsWith(PREFIX);
  }

  encrypt(plain: string): string {
    if (!this.key || SecretBox.isEncrypted(plain)) return plain;
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.key, nonce);
    const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    return PREFIX + Buffer.concat([nonce, body, cipher.getAuthTag()]).toString("base64");
  }

  decrypt(value: string): string {
    if (!SecretBox.isEncrypted(value)) return value;
    if (!this.key) {
      throw new SecretKeyError("a stored secret is encrypted but UPTOP_ENCRYPTION_KEY is not set");
    }
    const raw = Buffer.from(value.slice(PREFIX.length), "base64");
    if (raw.length < NONCE_BYTES + TAG_BYTES) throw new SecretKeyError("a stored secret is truncated");
    const nonce = raw.subarray(0, NONCE_BYTES);
    const tag = raw.subarray(raw.length - TAG_BYTES);
    const body = raw.subarray(NONCE_BYTES, raw.length - TAG_BYTES);
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.key, nonce);
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
    } catch {
      throw new SecretKeyError("a stored secret does not decrypt with UPTOP_ENCRYPTION_KEY (wrong key?)");
    }
  }
}

/** Compares two secrets without leaking their common prefix length through timing. */
export function safeEqual(a: string, b: string): boolean {
  // Hashing first makes both sides the same length, so the length check leaks nothing either.
  const ha = createHash("sha256").update(a).digest();
  const hb = createHash("sha256").update(b).digest();
  return timingSafeEqual(ha, hb);
}
