#!/usr/bin/env node
// uptop-admin: server-side maintenance of the leader's database. Run it with the same
// environment as the leader (and, for PGlite, while the leader is stopped: one process owns
// the folder).
import { loadConfig, SecretBox, UptopError, type Config } from "@uptop/core";
import { isChannelType, secretFieldsOf } from "@uptop/notify";
import { openAndMigrate, reencryptSecrets, verifySecretKey, type ReencryptReport } from "@uptop/store";

const USAGE = `usage: uptop-admin <command>

commands:
  migrate-secrets              encrypt every plaintext secret (channels, monitor credentials)
                               with UPTOP_ENCRYPTION_KEY; safe to run again
  rotate-key --new-key HEX     re-encrypt every secret under a new 64-hex-character key, in one
                               transaction; the current key is UPTOP_ENCRYPTION_KEY

The database is the one UPTOP_DB_TYPE / UPTOP_DB_DSN name, as for the leader.`;

class UsageError extends Error {}

const channelSecrets = (type: string): readonly string[] => (isChannelType(type) ? secretFieldsOf(type) : []);

function parseKey(hex: string | undefined): Buffer {
  if (!hex || !/^[0-9a-fA-F]{64}$/.test(hex)) throw new UsageError("--new-key: must be 64 hex characters (32 bytes), e.g. the output of `openssl rand -hex 32`");
  return Buffer.from(hex, "hex");
}

async function withDatabase<T>(config: Config, fn: (db: Awaited<ReturnType<typeof openAndMigrate>>["db"]) => Promise<T>): Promise<T> {
  const store = await openAndMigrate({ type: config.db.type, dsn: config.db.dsn, poolMax: 2 });
  try {
    return await fn(store.db);
  } finally {
    await store.close();
  }
}

function summary(r: ReencryptReport): string {
  return `${r.values} secret value(s) in ${r.channels} channel(s) and ${r.monitors} monitor(s)`;
}

async function migrateSecrets(config: Config): Promise<string> {
  const box = new SecretBox(config.security.encryptionKey);
  if (!box.enabled) throw new UsageError("UPTOP_ENCRYPTION_KEY is not set: it is the key secrets are encrypted with (64 hex characters)");
  return withDatabase(config, async (db) => {
    // Encrypting new values under a key that cannot open the old ones would leave a mix no key reads.
    await verifySecretKey(db, box);
    const r = await reencryptSecrets(db, { from: box, to: box, secretFieldsOf: channelSecrets, onlyPlaintext: true });
    return `encrypted ${summary(r)}`;
  });
}

async function rotateKey(config: Config, args: string[]): Promise<string> {
  const at = args.indexOf("--new-key");
  const next = new SecretBox(parseKey(at >= 0 ? args[at + 1] : undefined));
  const current = new SecretBox(config.security.encryptionKey);
  return withDatabase(config, async (db) => {
    await verifySecretKey(db, current);
    const r = await reencryptSecrets(db, { from: current, to: next, secretFieldsOf: channelSecrets, onlyPlaintext: false });
    return `re-encrypted ${summary(r)} under the new key; set UPTOP_ENCRYPTION_KEY to it and restart every node that shares this database`;
  });
}

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
