// `uptop-admin user …`: users, their roles, keys and tokens, straight in the leader's database —
// for the first admin, or when no API token is at hand. A running leader sees a change within the
// few seconds it caches token lookups.
import { hashPassword, hashUserToken, mintUserToken, parseSshPublicKey, USER_NAME } from "@uptop/api";
import { isRole, UptopError, type Config, type Role } from "@uptop/core";
import {
  addUserKey,
  addUserToken,
  createUser,
  findUserByName,
  inTransaction,
  listUsers,
  openAndMigrate,
  revokeUserTokens,
  setUserPassword,
  updateUser,
  type Db,
} from "@uptop/store";
import { readNewPassword } from "./password-input.js";
import { UsageError } from "./secret-commands.js";

/** Where a command gets a new password from: the terminal or a pipe (tests pass their own). */
export type PasswordSource = () => Promise<string>;

async function withDatabase<T>(config: Config, fn: (db: Db) => Promise<T>): Promise<T> {
  const store = await openAndMigrate({ type: config.db.type, dsn: config.db.dsn, poolMax: 2 });
  try {
    return await fn(store.db);
  } finally {
    await store.close();
  }
}

/** `--name value` out of args; the rest stay positional. Unknown flags are usage errors. */
function parseArgs(
  args: string[],
  flags: { values: readonly string[]; switches: readonly string[] },
): { positional: string[]; values: Map<string, string>; switches: Set<string> } {
  const positional: string[] = [];
  const values = new Map<string, string>();
  const switches = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith("--")) {
      positional.push(a);
      continue;
    }
    if (flags.switches.includes(a)) switches.add(a);
    else if (flags.values.includes(a)) {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${a}: needs a value`);
      values.set(a, v);
    } else throw new UsageError(`unknown option ${a}`);
  }
  return { positional, values, switches };
}

function userName(positional: string[], usage: string): string {
  const [name, ...extra] = positional;
  if (name === undefined || extra.length) throw new UsageError(`usage: ${usage}`);
  if (!USER_NAME.test(name))
    throw new UsageError(`"${name}" is not a user name (letters, digits and ._@-, starting with a letter or digit)`);
  return name;
}

/** A refusal the database made (no such user): exit 1, like any other refusal. */
function noSuchUser(name: string): UptopError {
  return new UptopError("NOT_FOUND", `no user named "${name}"`, 404);
}

const ADD_USAGE =
  'uptop-admin user add <name> --role viewer|editor|admin [--key "<ssh public key>"] [--token] [--password-stdin]';

export async function userAdd(
  config: Config,
  args: string[],
  readPassword: PasswordSource = readNewPassword,
): Promise<string> {
  const a = parseArgs(args, { values: ["--role", "--key"], switches: ["--token", "--password-stdin"] });
  const name = userName(a.positional, ADD_USAGE);
  const role = a.values.get("--role");
  if (!isRole(role)) throw new UsageError(`--role: must be viewer, editor or admin\nusage: ${ADD_USAGE}`);
  const keyLine = a.values.get("--key");
  let key: ReturnType<typeof parseSshPublicKey> | null = null;
  if (keyLine !== undefined) {
    try {
      key = parseSshPublicKey(keyLine, "--key");
    } catch (err) {
      throw new UsageError(err instanceof Error ? err.message : String(err));
    }
  }
  const token = a.switches.has("--token") ? mintUserToken() : null;
  const passwordHash = a.switches.has("--password-stdin") ? await hashPassword(await readPassword()) : null;
  const user = await withDatabase(config, (db) =>
    inTransaction(db, async (tx) => {
      const u = await createUser(tx, { name, role: role as Role, passwordHash });
      if (key) await addUserKey(tx, u.id, key);
      if (token) await addUserToken(tx, u.id, "uptop-admin", hashUserToken(token));
      return u;
    }),
  );
  const extras = [key ? `key ${key.fingerprint}` : null, passwordHash ? "a password" : null].filter((x) => x !== null);
  const lines = [`created user ${user.name} (${user.role})${extras.length ? ` with ${extras.join(" and ")}` : ""}`];
  if (token) lines.push(`token (shown once, store it now): ${token}`);
  return lines.join("\n");
}

export async function userList(config: Config, args: string[]): Promise<string> {
  const a = parseArgs(args, { values: [], switches: ["--json"] });
  if (a.positional.length) throw new UsageError("usage: uptop-admin user list [--json]");
  const users = await withDatabase(config, listUsers);
  if (a.switches.has("--json"))
    return JSON.stringify(
      users.map((u) => ({
        id: u.id,
        name: u.name,
        role: u.role,
        disabled: u.disabled,
        hasPassword: u.hasPassword,
        keys: u.keys.map((k) => ({ fingerprint: k.fingerprint, comment: k.comment })),
        tokens: u.tokens.map((t) => ({ id: t.id, name: t.name, lastUsedAt: t.lastUsedAt })),
      })),
      null,
      2,
    );
  if (users.length === 0) return "no users (the admin API token still works)";
  const rows = [
    ["NAME", "ROLE", "STATE", "KEYS", "TOKENS", "PASSWORD"],
    ...users.map((u) => [
      u.name,
      u.role,
      u.disabled ? "disabled" : "active",
      String(u.keys.length),
      String(u.tokens.length),
      u.hasPassword ? "set" : "none",
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

export async function userRevoke(config: Config, args: string[]): Promise<string> {
  const name = userName(parseArgs(args, { values: [], switches: [] }).positional, "uptop-admin user revoke <name>");
  const revoked = await withDatabase(config, (db) =>
    inTransaction(db, async (tx) => {
      const u = await findUserByName(tx, name);
      if (!u) throw noSuchUser(name);
      await updateUser(tx, u.id, { disabled: true });
      return revokeUserTokens(tx, u.id);
    }),
  );
  return `disabled user ${name} and revoked ${revoked} token(s); its SSH keys no longer let it in`;
}

export async function userToken(config: Config, args: string[]): Promise<string> {
  const a = parseArgs(args, { values: ["--name"], switches: [] });
  const name = userName(a.positional, "uptop-admin user token <name> [--name <token name>]");
  const tokenName = a.values.get("--name") ?? "uptop-admin";
  const token = mintUserToken();
  await withDatabase(config, async (db) => {
    const u = await findUserByName(db, name);
    if (!u) throw noSuchUser(name);
    if (u.disabled) throw new UptopError("USER_DISABLED", `user "${name}" is disabled: its tokens would be refused`);
    await addUserToken(db, u.id, tokenName, hashUserToken(token));
  });
  return `new token for ${name} (shown once, store it now): ${token}`;
}

/** Sets a user's password for the web dashboard, read from stdin; their web sessions end. */
export async function userPasswd(
  config: Config,
  args: string[],
  readPassword: PasswordSource = readNewPassword,
): Promise<string> {
  const name = userName(parseArgs(args, { values: [], switches: [] }).positional, "uptop-admin user passwd <name>");
  // The name is checked first, so a typo does not cost typing the password twice.
  await withDatabase(config, async (db) => {
    if (!(await findUserByName(db, name))) throw noSuchUser(name);
  });
  const passwordHash = await hashPassword(await readPassword());
  const disabled = await withDatabase(config, async (db) => {
    const u = await findUserByName(db, name);
    if (!u) throw noSuchUser(name);
    await setUserPassword(db, u.id, passwordHash);
    return u.disabled;
  });
  return `password set for ${name}; its web sessions ended${disabled ? " (the user is disabled: it cannot sign in)" : ""}`;
}
