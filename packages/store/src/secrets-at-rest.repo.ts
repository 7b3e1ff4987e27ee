import { isSecretHeader, SecretBox, urlHasCredentials } from "@uptop/core";
import { isSqlite, type Db } from "./database.js";

export interface ReencryptReport {
  channels: number;
  monitors: number;
  values: number;
}

export interface ReencryptOptions {
  /** Reads what is stored (plaintext reads as is). */
  from: SecretBox;
  /** Writes every secret under this key. */
  to: SecretBox;
  /** Secret fields per channel type; plaintext in these fields gets encrypted. */
  secretFieldsOf: (type: string) => readonly string[];
  /** Leave values already encrypted as they are (migrate-secrets); false re-encrypts them (rotate-key). */
  onlyPlaintext: boolean;
}

/**
 * Rewrites every secret at rest — channel secret fields; monitor auth, credential headers, bodies
 * and URLs that carry credentials — in ONE transaction: a rotation that fails half-way leaves
 * every value under the old key, never a mix that no single key opens.
 */
export async function reencryptSecrets(db: Db, o: ReencryptOptions): Promise<ReencryptReport> {
  if (!o.to.enabled) throw new Error("an encryption key is required to encrypt secrets");
  const report: ReencryptReport = { channels: 0, monitors: 0, values: 0 };
  /** The value to store instead, or null to leave it as it is. */
  const rewrite = (stored: string): string | null => {
    if (!SecretBox.isEncrypted(stored)) return o.to.encrypt(stored);
    return o.onlyPlaintext ? null : o.to.encrypt(o.from.decrypt(stored));
  };
  await db.transaction().execute(async (tx) => {
    for (const ch of await tx
      .selectFrom("channels")
      .select(["id", "type", "settings"])
      .orderBy("id")
      .$if(!isSqlite(tx), (q) => q.forUpdate())
      .execute()) {
      const settings = { ...(ch.settings ?? {}) };
      const secret = new Set(o.secretFieldsOf(ch.type));
      let changed = 0;
      for (const [field, value] of Object.entries(settings)) {
        if (value === undefined || value === null) continue;
        const encrypted = typeof value === "string" && SecretBox.isEncrypted(value);
        if (!encrypted && !secret.has(field)) continue;
        // Channel secrets are stored as the JSON of the value (header maps are objects).
        const next = encrypted ? rewrite(value) : o.to.encrypt(JSON.stringify(value));
        if (next === null) continue;
        settings[field] = next;
        changed++;
      }
      if (changed) {
        await tx
          .updateTable("channels")
          .set({ settings: JSON.stringify(settings) })
          .where("id", "=", ch.id)
          .execute();
        report.channels++;
        report.values += changed;
      }
    }
    for (const m of await tx
      .selectFrom("monitors")
      .select(["id", "auth", "headers", "url", "body"])
      .orderBy("id")
      .$if(!isSqlite(tx), (q) => q.forUpdate())
      .execute()) {
      let changed = 0;
      /** The value to store for a field that is a secret when `secret` says so, or as it was. */
      const field = <T extends string | null>(value: T, secret: boolean): T => {
        if (value === null || value === "" || (!secret && !SecretBox.isEncrypted(value))) return value;
        const next = rewrite(value);
        if (next === null) return value;
        changed++;
        return next as T;
      };
      const auth = field(m.auth, true);
      // A URL is a secret only while it carries credentials (read in clear, or once decrypted).
      const url = field(m.url, m.url !== null && urlHasCredentials(m.url));
      const body = field(m.body, true);
      const headers: Record<string, string> = { ...(m.headers ?? {}) };
      for (const [name, value] of Object.entries(headers)) headers[name] = field(value, isSecretHeader(name));
      if (changed) {
        await tx
          .updateTable("monitors")
          .set({ auth, url, body, headers: JSON.stringify(headers) })
          .where("id", "=", m.id)
          .execute();
        report.monitors++;
        report.values += changed;
      }
    }
  });
  return report;
}

/** One stored encrypted value (a channel secret or a monitor credential), or null when none is. */
export async function sampleEncryptedSecret(db: Db): Promise<string | null> {
  for (const column of ["auth", "url", "body"] as const) {
    const m = await db.selectFrom("monitors").select(column).where(column, "like", "enc:%").limit(1).executeTakeFirst();
    if (m?.[column]) return m[column];
  }
  for (const ch of await db.selectFrom("channels").select("settings").execute()) {
    for (const v of Object.values(ch.settings ?? {})) if (typeof v === "string" && SecretBox.isEncrypted(v)) return v;
  }
  for (const row of await db.selectFrom("monitors").select("headers").execute()) {
    for (const v of Object.values(row.headers ?? {})) if (SecretBox.isEncrypted(v)) return v;
  }
  return null;
}

/**
 * Proves the configured key opens what is stored; throws SecretKeyError otherwise. Run at start
 * so a wrong key fails the process loudly instead of every notification failing later.
 */
export async function verifySecretKey(db: Db, box: SecretBox): Promise<boolean> {
  const sample = await sampleEncryptedSecret(db);
  if (sample === null) return false;
  box.decrypt(sample);
  return true;
}
