import { findKeyOwner, type Db } from "@uptop/store";
import type { Caller } from "./caller.js";
import { sshFingerprint } from "./ssh-public-key.js";

/**
 * The user an SSH client's public key belongs to, as the SSH server's publickey step offers it
 * (`algo` and the key's wire form `data`); null when no user has the key or its user is disabled.
 * Only the key is judged here: the server must still verify the client's signature.
 */
export async function authenticatePublicKey(db: Db, key: { algo: string; data: Buffer }): Promise<Caller | null> {
  const user = await findKeyOwner(db, sshFingerprint(key.data));
  if (!user || user.disabled) return null;
  return { id: user.id, name: user.name, role: user.role };
}
