#!/usr/bin/env node
// uptop-admin: server-side maintenance of the leader's database. Run it with the same
// environment as the leader; `db copy` names its two databases itself and holds both while it
// runs, so the nodes on them must be stopped.
import { loadConfig, UptopError } from "@uptop/core";
import { dbCopy } from "./db-copy-command.js";
import { migrateSecrets, rotateKey, UsageError } from "./secret-commands.js";
import { userAdd, userList, userPasswd, userRevoke, userToken } from "./user-commands.js";

const USAGE = `usage: uptop-admin <command>

commands:
  migrate-secrets              encrypt every plaintext secret (channels, monitor credentials)
                               with UPTOP_ENCRYPTION_KEY; safe to run again
  rotate-key --new-key HEX     re-encrypt every secret under a new 64-hex-character key, in one
                               transaction; the current key is UPTOP_ENCRYPTION_KEY
  db copy --from DB --to DB [--batch-rows N]
                               copy everything (monitors, channels, settings, state, history,
                               alerts sent and pending, ids included) into an empty database, so
                               a leader started there goes on where the source stopped, open
                               incidents included. DB is sqlite:<file>, pglite:<folder> (an
                               earlier version's embedded database; --from only) or a
                               postgres:// URL. Stop every node on either database first: the
                               copy holds both and refuses while a node does. Secrets are copied
                               encrypted as stored: keep the same UPTOP_ENCRYPTION_KEY. The
                               source is left as it was. --batch-rows: rows per transaction
                               (5000). Example:
                                 uptop-admin db copy --from sqlite:./data/uptop.db \\
                                   --to postgres://uptop:secret@db:5432/uptop

  user add <name> --role viewer|editor|admin [--key "<ssh public key>"] [--token] [--password-stdin]
                               create a user; --key gives it an SSH public key (a .pub line),
                               --token prints a new API token for it, once; --password-stdin
                               reads its web dashboard password from stdin (typed without echo
                               at a terminal)
  user list [--json]           every user with its role, state, keys, tokens and whether it has
                               a web password
  user revoke <name>           disable the user and revoke all its tokens (its keys stop
                               working too); a running leader sees it within seconds
  user token <name> [--name <token name>]
                               print a new API token for the user, once (only its hash is kept)
  user passwd <name>           set the user's web dashboard password, read from stdin (typed
                               without echo at a terminal); its web sessions end

migrate-secrets, rotate-key and user work on the database UPTOP_DB_TYPE / UPTOP_DB_DSN name, as the
leader does. Exit codes: 0 done, 2 bad arguments or configuration, 1 refused or failed.`;

const USER_COMMANDS: Record<string, typeof userAdd> = {
  add: userAdd,
  list: userList,
  revoke: userRevoke,
  token: userToken,
  passwd: userPasswd,
};

const print = (line: string) => process.stdout.write(`${line}\n`);

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  try {
    let out: string;
    if (command === "db") {
      const [sub, ...rest] = args;
      if (sub !== "copy") throw new UsageError(`unknown command "db ${sub ?? ""}"\n\n${USAGE}`);
      // Needs no configuration: an environment still naming PGlite must not stop the copy out of it.
      out = await dbCopy(rest, print);
    } else if (command === "migrate-secrets") out = await migrateSecrets(loadConfig(process.env));
    else if (command === "rotate-key") out = await rotateKey(loadConfig(process.env), args);
    else if (command === "user") {
      const [sub, ...rest] = args;
      const run = sub !== undefined && Object.hasOwn(USER_COMMANDS, sub) ? USER_COMMANDS[sub] : undefined;
      if (!run) throw new UsageError(`unknown command "user ${sub ?? ""}"\n\n${USAGE}`);
      out = await run(loadConfig(process.env), rest);
    } else if (command === undefined || command === "help" || command === "--help") {
      print(USAGE);
      return command === undefined ? 2 : 0;
    } else throw new UsageError(`unknown command "${command}"\n\n${USAGE}`);
    print(out);
    return 0;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`uptop-admin: ${message}\n`);
    // Bad usage or configuration (a source that does not exist included): 2, like the servers;
    // anything a database refused or failed: 1.
    const usage =
      err instanceof UsageError ||
      (err instanceof UptopError && (err.code === "CONFIG" || err.code === "NO_SOURCE_DATABASE"));
    return usage ? 2 : 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
