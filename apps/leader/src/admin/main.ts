#!/usr/bin/env node
// uptop-admin: server-side maintenance of the leader's database. Run it with the same
// environment as the leader (and, for PGlite, while the leader is stopped: one process owns
// the folder).
import { loadConfig, UptopError } from "@uptop/core";
import { migrateSecrets, rotateKey, UsageError } from "./secret-commands.js";

const USAGE = `usage: uptop-admin <command>

commands:
  migrate-secrets              encrypt every plaintext secret (channels, monitor credentials)
                               with UPTOP_ENCRYPTION_KEY; safe to run again
  rotate-key --new-key HEX     re-encrypt every secret under a new 64-hex-character key, in one
                               transaction; the current key is UPTOP_ENCRYPTION_KEY

The database is the one UPTOP_DB_TYPE / UPTOP_DB_DSN name, as for the leader.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  try {
    const config = loadConfig(process.env);
    let out: string;
    if (command === "migrate-secrets") out = await migrateSecrets(config);
    else if (command === "rotate-key") out = await rotateKey(config, args);
    else if (command === undefined || command === "help" || command === "--help") {
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    } else throw new UsageError(`unknown command "${command}"\n\n${USAGE}`);
    process.stdout.write(`${out}\n`);
    return 0;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`uptop-admin: ${message}\n`);
    // Bad usage or configuration: 2, like the servers; anything the database refused: 1.
    return err instanceof UsageError || (err instanceof UptopError && err.code === "CONFIG") ? 2 : 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
