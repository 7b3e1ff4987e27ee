import { generateKeyPairSync, randomBytes } from "node:crypto";

/** An SSH wire-format string: its length, then its bytes. */
function sshString(bytes: Buffer | string): Buffer {
  const body = typeof bytes === "string" ? Buffer.from(bytes) : bytes;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  return Buffer.concat([length, body]);
}

/**
 * A new ed25519 key pair, the private key in OpenSSH's format (what ssh-keygen writes) and the
 * public one as the wire blob and as an authorized_keys line.
 *
 * node:crypto exports ed25519 only as PKCS#8, which ssh2 cannot read, and ssh2's own generator
 * writes a key whose public half starts with a zero byte one byte short (about one key in 256),
 * which ssh2 then refuses to load: so the format is written here, from node:crypto's raw key.
 */
export function generateEd25519Key(comment: string): { privateKey: string; publicBlob: Buffer; publicLine: string } {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const jwk = privateKey.export({ format: "jwk" });
  const seed = Buffer.from(jwk.d ?? "", "base64url");
  const pub = Buffer.from(publicKey.export({ format: "jwk" }).x ?? "", "base64url");
  if (seed.length !== 32 || pub.length !== 32) throw new Error("ed25519 key of unexpected size");
  const publicBlob = Buffer.concat([sshString("ssh-ed25519"), sshString(pub)]);
  const check = randomBytes(4);
  const secret = Buffer.concat([
    check,
    check,
    sshString("ssh-ed25519"),
    sshString(pub),
    sshString(Buffer.concat([seed, pub])),
    sshString(comment),
  ]);
  // Padded to the cipher's block size (8 for "none") with 1, 2, 3, ...
  const padLength = (8 - (secret.length % 8)) % 8;
  const padding = Buffer.from(Array.from({ length: padLength }, (_, i) => i + 1));
  const count = Buffer.alloc(4);
  count.writeUInt32BE(1);
  const body = Buffer.concat([
    Buffer.from("openssh-key-v1\0"),
    sshString("none"),
    sshString("none"),
    sshString(""),
    count,
    sshString(publicBlob),
    sshString(Buffer.concat([secret, padding])),
  ]);
  const lines = body.toString("base64").match(/.{1,70}/g) ?? [];
  return {
    privateKey: `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join("\n")}\n-----END OPENSSH PRIVATE KEY-----\n`,
    publicBlob,
    publicLine: `ssh-ed25519 ${publicBlob.toString("base64")} ${comment}`,
  };
}
