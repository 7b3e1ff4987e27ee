import type { Selectable, Transaction } from "kysely";
import { ConflictError, NotFoundError, SecretBox, type ChannelConfig } from "@uptop/core";
import { isUniqueViolation, type Db } from "./database.js";
import type { ChannelsTable, Database } from "./schema.js";

type Exec = Db | Transaction<Database>;
type Row = Selectable<ChannelsTable>;

/** A notification channel with its settings decrypted: only the API's view redacts them. */
export interface Channel extends ChannelConfig {
  id: number;
  createdAt: string;
  updatedAt: string;
}

/** Validated settings, secrets in clear; `secretFields` names the ones to encrypt. */
export interface ChannelDraft extends ChannelConfig {
  secretFields: readonly string[];
}

/**
 * A secret field is stored as `enc:` over the JSON of its value, so secrets that are not strings
 * (a webhook's header map) round-trip too. Without a key the value is stored as given.
 */
export function encryptChannelSettings(
  settings: Record<string, unknown>,
  secretFields: readonly string[],
  box: SecretBox,
): Record<string, unknown> {
  if (!box.enabled) return { ...settings };
  const out = { ...settings };
  for (const field of secretFields) {
    const v = out[field];
    if (v === undefined || v === null || isEncryptedValue(v)) continue;
    out[field] = box.encrypt(JSON.stringify(v));
  }
  return out;
}

/** Any `enc:` value decrypts, whatever its field: a plaintext value (stored before a key) reads as is. */
export function decryptChannelSettings(settings: Record<string, unknown>, box: SecretBox): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(settings))
    out[k] = isEncryptedValue(v) ? (JSON.parse(box.decrypt(v)) as unknown) : v;
  return out;
}

function isEncryptedValue(v: unknown): v is string {
  return typeof v === "string" && SecretBox.isEncrypted(v);
}

function fromRow(r: Row, box: SecretBox): Channel {
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    settings: decryptChannelSettings(r.settings ?? {}, box),
    isDefault: r.is_default,
    enabled: r.enabled,
    reminderIntervalS: r.reminder_interval_s,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

function toRow(d: ChannelDraft, box: SecretBox) {
  return {
    name: d.name,
    type: d.type,
    settings: JSON.stringify(encryptChannelSettings(d.settings, d.secretFields, box)),
    is_default: d.isDefault,
    enabled: d.enabled,
    reminder_interval_s: d.reminderIntervalS,
    updated_at: new Date(),
  };
}

function nameTaken(name: string): ConflictError {
  return new ConflictError(`a channel named "${name}" already exists`, { field: "name" });
}

export async function listChannels(db: Exec, box: SecretBox): Promise<Channel[]> {
  const rows = await db.selectFrom("channels").selectAll().orderBy("id").execute();
  return rows.map((r) => fromRow(r, box));
}

export async function getChannel(db: Exec, box: SecretBox, id: number): Promise<Channel> {
  const row = await db.selectFrom("channels").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw new NotFoundError(`channel ${id}`);
  return fromRow(row, box);
}

export async function findChannelByName(db: Exec, box: SecretBox, name: string): Promise<Channel | null> {
  const row = await db.selectFrom("channels").selectAll().where("name", "=", name).executeTakeFirst();
  return row ? fromRow(row, box) : null;
}

export async function createChannel(db: Exec, box: SecretBox, draft: ChannelDraft): Promise<Channel> {
  try {
    const row = await db.insertInto("channels").values(toRow(draft, box)).returningAll().executeTakeFirstOrThrow();
    return fromRow(row, box);
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(draft.name);
    throw err;
  }
}

export async function updateChannel(db: Exec, box: SecretBox, id: number, draft: ChannelDraft): Promise<Channel> {
  try {
    const row = await db
      .updateTable("channels")
      .set(toRow(draft, box))
      .where("id", "=", id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new NotFoundError(`channel ${id}`);
    return fromRow(row, box);
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(draft.name);
    throw err;
  }
}

/** Deleting a channel detaches it from every monitor and drops its outbox rows (foreign keys cascade). */
export async function deleteChannel(db: Exec, id: number): Promise<void> {
  const res = await db.deleteFrom("channels").where("id", "=", id).executeTakeFirst();
  if (Number(res.numDeletedRows) === 0) throw new NotFoundError(`channel ${id}`);
}
