import { readFileSync } from "node:fs";
import { ConfigError, isRole, UptopError, type Logger, type Role } from "@uptop/core";
import { addUserKey, createUser, findKeyOwner, findUserByName, inTransaction, type Db } from "@uptop/store";
import { USER_NAME } from "../routes/users.js";
import { parseSshPublicKey, type SshPublicKey } from "./ssh-public-key.js";

/** One user to have at start: from UPTOP_ADMIN_KEY, or a line of the UPTOP_KEYS file. */
export interface SeedUser {
  role: Role;
  name: string;
  key: SshPublicKey;
  /** Where it came from, for messages: `UPTOP_ADMIN_KEY` or `<file> line <n>`. */
  source: string;
}

export interface SeedReport {
  usersCreated: number;
  keysAdded: number;
}

const KEYS_EXAMPLE = '/etc/uptop/keys, lines like "editor alice ssh-ed25519 AAAA… alice@laptop"';

function keyOf(text: string, variable: string, where: string, example: string): SshPublicKey {
  try {
    return parseSshPublicKey(text, "key");
  } catch (err) {
    const why = err instanceof UptopError ? err.message.replace(/^key: /, "") : String(err);
    throw new ConfigError(variable, `${where}the key ${why}`, example);
  }
}

/** UPTOP_ADMIN_KEY: the user "admin", role admin, holding that key. */
export function adminKeySeed(line: string): SeedUser {
  const key = keyOf(line, "UPTOP_ADMIN_KEY", "", '"ssh-ed25519 AAAAC3Nza… you@laptop"');
  return { role: "admin", name: "admin", key, source: "UPTOP_ADMIN_KEY" };
}

/**
 * The lines of an UPTOP_KEYS file: `<role> <name> <ssh public key>`, `#` comments and blank lines
 * skipped. Any bad line is a ConfigError naming the file and the line number, so the start stops
 * rather than let a user in with the wrong role or leave one out.
 */
export function parseKeysFile(text: string, file: string): SeedUser[] {
  const seeds: SeedUser[] = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const where = `${file} line ${i + 1}: `;
    const m = /^(\S+)\s+(\S+)\s+(.+)$/.exec(line);
    if (!m) throw new ConfigError("UPTOP_KEYS", `${where}expected "<role> <name> <ssh public key>"`, KEYS_EXAMPLE);
    const [, role, name, key] = m as unknown as [string, string, string, string];
    if (!isRole(role))
      throw new ConfigError("UPTOP_KEYS", `${where}unknown role "${role}" (viewer, editor or admin)`, KEYS_EXAMPLE);
    if (!USER_NAME.test(name))
      throw new ConfigError(
        "UPTOP_KEYS",
        `${where}"${name}" is not a user name (letters, digits and ._@-, starting with a letter or digit)`,
        KEYS_EXAMPLE,
      );
    seeds.push({ role, name, key: keyOf(key, "UPTOP_KEYS", where, KEYS_EXAMPLE), source: `${file} line ${i + 1}` });
  }
  return seeds;
}

/** Reads UPTOP_KEYS; a file that cannot be read stops the start like a bad line. */
export function readKeysFile(file: string): SeedUser[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? "unreadable";
    throw new ConfigError("UPTOP_KEYS", `cannot read "${file}" (${why})`, KEYS_EXAMPLE);
  }
  return parseKeysFile(text, file);
}

/** Every seed the configuration names, checked before the database is touched. */
export function configuredSeeds(users: { adminKey: string | null; keysFile: string | null }): SeedUser[] {
  return [
    ...(users.adminKey !== null ? [adminKeySeed(users.adminKey)] : []),
    ...(users.keysFile !== null ? readKeysFile(users.keysFile) : []),
  ];
}

/**
 * Creates the users and keys that are missing, in one transaction, so every start may run it: a
 * user already there keeps its role and its disabled flag (what was changed since through the API
 * or uptop-admin stands), and a key another user holds is left with that user.
 */
export async function seedUsers(db: Db, seeds: SeedUser[], logger?: Logger | null): Promise<SeedReport> {
  const report: SeedReport = { usersCreated: 0, keysAdded: 0 };
  if (seeds.length === 0) return report;
  await inTransaction(db, async (tx) => {
    for (const seed of seeds) {
      let user = await findUserByName(tx, seed.name);
      if (!user) {
        user = await createUser(tx, { name: seed.name, role: seed.role });
        report.usersCreated++;
      }
      const owner = await findKeyOwner(tx, seed.key.fingerprint);
      if (owner === null) {
        await addUserKey(tx, user.id, seed.key);
        report.keysAdded++;
      } else if (owner.id !== user.id) {
        logger?.warn("seeded key already belongs to another user; left with that user", {
          source: seed.source,
          user: seed.name,
          holder: owner.name,
          fingerprint: seed.key.fingerprint,
        });
      }
    }
  });
  return report;
}
