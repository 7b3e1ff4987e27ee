import { readFileSync } from "node:fs";
import type { Command } from "commander";
import type { ApiClient } from "../api-client.js";
import { clientFor, type CliContext } from "../context.js";
import { CliExit, EXIT } from "../exit-codes.js";
import { textTable } from "../text-table.js";

interface UserRow {
  id: number;
  name: string;
  role: string;
  disabled: boolean;
  createdAt: string;
  keys: Array<{ id: number; fingerprint: string; comment: string; createdAt: string }>;
  tokens: Array<{ id: number; name: string; createdAt: string; lastUsedAt: string | null }>;
}

interface NewToken {
  id: number;
  name: string;
  token: string;
}

interface NewKey {
  id: number;
  fingerprint: string;
  comment: string;
}

const ROLES = ["viewer", "editor", "admin"];

async function userNamed(client: ApiClient, name: string): Promise<UserRow> {
  const users = (await client.send<UserRow[]>("GET", "/api/users")) ?? [];
  const user = users.find((u) => u.name === name);
  if (!user) throw new CliExit(EXIT.failure, `error: no user named "${name}"`);
  return user;
}

/** The key from the argument, or from --file (a .pub file); exactly one of them. */
function keyLine(key: string | undefined, file: string | undefined): string {
  if ((key === undefined) === (file === undefined))
    throw new CliExit(EXIT.usage, 'error: give the key as an argument ("ssh-ed25519 AAAA…") or with --file <path.pub>');
  if (key !== undefined) return key;
  try {
    return readFileSync(file!, "utf8").trim();
  } catch (err) {
    throw new CliExit(EXIT.usage, `error: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? "unreadable"}`);
  }
}

/** `uptop users …`: users, their roles, tokens and SSH keys over the API (an admin's token). */
export function usersCommand(program: Command, ctx: CliContext): void {
  const users = program.command("users").description("Users, roles, API tokens and SSH keys (needs an admin's token)");
  const print = (json: boolean | undefined, value: unknown, text: string) =>
    ctx.io.out(json ? JSON.stringify(value, null, 2) : text);

  users
    .command("list")
    .description("Every user with its role, state, keys and tokens")
    .option("--json", "print as JSON")
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const list = (await clientFor(cmd, ctx).send<UserRow[]>("GET", "/api/users")) ?? [];
      const text =
        list.length === 0
          ? "no users (the admin API token still works)"
          : textTable(list, [
              { head: "NAME", cell: (u) => u.name },
              { head: "ROLE", cell: (u) => u.role },
              { head: "STATE", cell: (u) => (u.disabled ? "disabled" : "active") },
              { head: "KEYS", cell: (u) => String(u.keys.length) },
              { head: "TOKENS", cell: (u) => String(u.tokens.length) },
            ]).join("\n");
      print(opts.json, list, text);
    });

  users
    .command("add <name>")
    .description("Create a user; --with-token prints a new API token for it, once")
    .requiredOption("--role <role>", "viewer, editor or admin")
    .option("--key <line>", 'an SSH public key line ("ssh-ed25519 AAAA… you@laptop")')
    // Not --token: that is the global option naming the caller's own token.
    .option("--with-token", "also create an API token and print it (shown once)")
    .option("--json", "print as JSON")
    .action(async (name: string, opts: { role: string; key?: string; withToken?: boolean; json?: boolean }, cmd) => {
      if (!ROLES.includes(opts.role)) throw new CliExit(EXIT.usage, "error: --role must be viewer, editor or admin");
      const client = clientFor(cmd as Command, ctx);
      const user = (await client.send<UserRow>("POST", "/api/users", { name, role: opts.role }))!;
      const key = opts.key
        ? await client.send<NewKey>("POST", `/api/users/${user.id}/keys`, { publicKey: opts.key })
        : null;
      const token = opts.withToken
        ? await client.send<NewToken>("POST", `/api/users/${user.id}/tokens`, { name: "uptop-cli" })
        : null;
      const lines = [`created user ${user.name} (${user.role})${key ? ` with key ${key.fingerprint}` : ""}`];
      if (token) lines.push(`token (shown once, store it now): ${token.token}`);
      print(opts.json, { user, key, token }, lines.join("\n"));
    });

  users
    .command("revoke <name>")
    .description("Disable the user and revoke all its tokens (its SSH keys stop working too)")
    .option("--json", "print as JSON")
    .action(async (name: string, opts: { json?: boolean }, cmd: Command) => {
      const client = clientFor(cmd, ctx);
      const user = await userNamed(client, name);
      await client.send("PATCH", `/api/users/${user.id}`, { disabled: true });
      for (const t of user.tokens) await client.send("DELETE", `/api/users/${user.id}/tokens/${t.id}`);
      print(
        opts.json,
        { id: user.id, name: user.name, disabled: true, revokedTokens: user.tokens.length },
        `disabled user ${user.name} and revoked ${user.tokens.length} token(s)`,
      );
    });

  users
    .command("token <name>")
    .description("Create an API token for the user and print it (shown once; only its hash is kept)")
    .option("--name <token name>", "what the token is for", "uptop-cli")
    .option("--json", "print as JSON")
    .action(async (name: string, opts: { name: string; json?: boolean }, cmd: Command) => {
      const client = clientFor(cmd, ctx);
      const user = await userNamed(client, name);
      const token = (await client.send<NewToken>("POST", `/api/users/${user.id}/tokens`, { name: opts.name }))!;
      print(opts.json, token, `new token for ${user.name} (shown once, store it now): ${token.token}`);
    });

  users
    .command("key-add <name> [key]")
    .description("Give the user an SSH public key, as an argument or from --file")
    .option("--file <path>", "read the key from a .pub file")
    .option("--json", "print as JSON")
    .action(async (name: string, key: string | undefined, opts: { file?: string; json?: boolean }, cmd: Command) => {
      const line = keyLine(key, opts.file);
      const client = clientFor(cmd, ctx);
      const user = await userNamed(client, name);
      const added = (await client.send<NewKey>("POST", `/api/users/${user.id}/keys`, { publicKey: line }))!;
      print(opts.json, added, `added key ${added.fingerprint} to ${user.name}`);
    });
}
