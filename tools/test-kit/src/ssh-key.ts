import { createHash, generateKeyPairSync } from "node:crypto";

/**
 * A fresh ed25519 public key: the authorized_keys line, its wire form and the fingerprint
 * `ssh-keygen -lf` prints. Written from node:crypto's raw key: ssh2's own generator drops the
 * leading zero byte of about one public key in 256, which every parser then rightly refuses.
 */
export function sshKey(comment: string): { line: string; wire: Buffer; fingerprint: string } {
  const raw = Buffer.from(generateKeyPairSync("ed25519").publicKey.export({ format: "jwk" }).x!, "base64url");
  const field = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  const wire = Buffer.concat([field(Buffer.from("ssh-ed25519")), field(raw)]);
  const fingerprint = `SHA256:${createHash("sha256").update(wire).digest("base64").replace(/=+$/, "")}`;
  return { line: `ssh-ed25519 ${wire.toString("base64")} ${comment}`, wire, fingerprint };
}
