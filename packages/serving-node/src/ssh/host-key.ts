import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { makePrivateDir, RefusedToRunError, writePrivateFile, type Logger } from "@uptop/core";
import ssh2 from "ssh2";
import { generateEd25519Key } from "./openssh-key.js";

export const SSH_HOST_KEY_FILE = "ssh_host_ed25519_key";

/** OpenSSH's way of showing a key: `SHA256:` and the unpadded base64 of the hash of its public blob. */
export function keyFingerprint(publicBlob: Buffer): string {
  return `SHA256:${createHash("sha256").update(publicBlob).digest("base64").replace(/=+$/, "")}`;
}

function refuse(path: string, problem: string): never {
  throw new RefusedToRunError(
    "SSH_HOST_KEY_FILE",
    `${path} ${problem}. Restore the key from a backup, or delete the file to have a new one generated ` +
      "(clients that connected before will then warn that the host key changed)",
  );
}

/**
 * The SSH host key in OpenSSH format: the one in the data folder, or — on first start — a new
 * ed25519 key written there 0600. Clients pin it on first connection, so it must stay the same
 * across restarts; a file that is not a private key stops the start rather than being replaced.
 */
export function ensureHostKey(dataDir: string, logger: Logger): string {
  const path = join(dataDir, SSH_HOST_KEY_FILE);
  let text: string | null = null;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== "ENOENT") refuse(path, `cannot be read (${code ?? (err as Error).message})`);
  }
  if (text === null) {
    makePrivateDir(dataDir);
    text = generateEd25519Key("uptop host key").privateKey;
    writePrivateFile(path, text);
    logger.info("generated SSH host key", { file: path, fingerprint: fingerprintOf(path, text) });
    return text;
  }
  logger.info("SSH host key", { file: path, fingerprint: fingerprintOf(path, text) });
  return text;
}

function fingerprintOf(path: string, text: string): string {
  const parsed = ssh2.utils.parseKey(text);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key instanceof Error || key === undefined) refuse(path, `is not an SSH private key (${key?.message ?? "empty"})`);
  if (key.getPrivatePEM() === null) refuse(path, "holds a public key, not a private one");
  return keyFingerprint(key.getPublicSSH());
}
