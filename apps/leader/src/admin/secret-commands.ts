// The commands that (re-)encrypt the secrets stored in the database: channels' settings and
// monitors' credentials.
import { SecretBox, type Config } from "@uptop/core";
import { isChannelType, secretFieldsOf } from "@uptop/notify";
import { openAndMigrate, reencryptSecrets, verifySecretKey, type ReencryptReport } from "@uptop/store";

/** Bad usage or configuration: the command exits 2, as the servers do. */
export class UsageError extends Error {}

const channelSecrets = (type: string): readonly string[] => (isChannelType(type) ? secretFieldsOf(type) : []);

function parseKey(hex: string | undefined): Buffer {
  if (!hex || !/^[0-9a-fA-F]{64}$/.test(hex))
    throw new UsageError("--new-key: must be 64 hex characters (32 bytes), e.g. the output of `openssl rand -hex 32`");
  return Buffer.from(hex, "hex");
}

async function withDatabase<T>(
  config: Config,
  fn: (db: Awaited<ReturnType<typeof openAndMigrate>>["db"]) => Promise<T>,
): Promise<T> {
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

export async function migrateSecrets(config: Config): Promise<string> {
  const box = new SecretBox(config.security.encryptionKey);
  if (!box.enabled)
    throw new UsageError(
      "UPTOP_ENCRYPTION_KEY is not set: it is the key secrets are encrypted with (64 hex characters)",
    );
  return withDatabase(config, async (db) => {
    // Encrypting new values under a key that cannot open the old ones would leave a mix no key reads.
    await verifySecretKey(db, box);
    const r = await reencryptSecrets(db, { from: box, to: box, secretFieldsOf: channelSecrets, onlyPlaintext: true });
    return `encrypted ${summary(r)}`;
  });
}

export async function rotateKey(config: Config, args: string[]): Promise<string> {
  const at = args.indexOf("--new-key");
  const next = new SecretBox(parseKey(at >= 0 ? args[at + 1] : undefined));
  const current = new SecretBox(config.security.encryptionKey);
  return withDatabase(config, async (db) => {
    await verifySecretKey(db, current);
    const r = await reencryptSecrets(db, {
      from: current,
      to: next,
      secretFieldsOf: channelSecrets,
      onlyPlaintext: false,
    });
    return `re-encrypted ${summary(r)} under the new key; set UPTOP_ENCRYPTION_KEY to it and restart every node that shares this database`;
  });
}
