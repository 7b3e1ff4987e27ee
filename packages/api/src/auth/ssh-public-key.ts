import { createHash } from "node:crypto";
import ssh2 from "ssh2";
import { ValidationError } from "@uptop/core";

/** An SSH public key as stored: what a user connecting with it is found by. */
export interface SshPublicKey {
  /** OpenSSH's form, as `ssh-keygen -lf` prints it: `SHA256:<base64 without padding>`. */
  fingerprint: string;
  algorithm: string;
  /** `<algorithm> <base64>`: the key as an authorized_keys line, without its comment. */
  publicKey: string;
  comment: string;
}

/** The fingerprint of a public key's wire form (the base64 part of an authorized_keys line, decoded). */
export function sshFingerprint(wire: Buffer): string {
  return `SHA256:${createHash("sha256").update(wire).digest("base64").replace(/=+$/, "")}`;
}

function badKey(field: string, problem: string): ValidationError {
  return new ValidationError(`${field}: ${problem}`, [{ field, message: problem }]);
}

/**
 * Parses one OpenSSH public key line (`ssh-ed25519 AAAA… comment`, as in a `.pub` file or
 * authorized_keys); a private key, or anything that is not a key, is a 400 naming the problem.
 */
export function parseSshPublicKey(line: string, field = "publicKey"): SshPublicKey {
  const text = line.trim();
  if (text === "") throw badKey(field, "is empty: give an SSH public key line such as `ssh-ed25519 AAAA… name@host`");
  if (/PRIVATE KEY/.test(text))
    throw badKey(field, "is a private key: give the public key (the .pub file), never the private one");
  const parsed = ssh2.utils.parseKey(text);
  const key = Array.isArray(parsed) ? (parsed[0] as unknown) : parsed;
  if (key instanceof Error || key === undefined) {
    const why = key instanceof Error ? key.message : "no key found";
    throw badKey(field, `is not an SSH public key (${why}): expected a line such as \`ssh-ed25519 AAAA… name@host\``);
  }
  const k = key as ssh2.ParsedKey;
  if (k.isPrivateKey())
    throw badKey(field, "is a private key: give the public key (the .pub file), never the private one");
  const wire = k.getPublicSSH();
  return {
    fingerprint: sshFingerprint(wire),
    algorithm: k.type,
    publicKey: `${k.type} ${wire.toString("base64")}`,
    comment: k.comment ?? "",
  };
}
