import { sql, type Transaction } from "kysely";
import type {
  ChannelConfig,
  MaintenanceWindowRecord,
  Monitor,
  MonitorState,
  ReplicaOutboxRow,
  SecretBox,
  StatusPageSettings,
} from "@uptop/core";
import type { Db } from "./database.js";
import type { Database } from "./schema.js";
import { decryptChannelSettings, encryptChannelSettings } from "./channels.repo.js";
import { maintenanceWindowRecord } from "./maintenance.repo.js";
import { monitorRow } from "./monitors.repo.js";
import { closeStaleReplicas, readOpenOutbox, upsertReplicaOutbox } from "./replica.repo.js";
import { saveMonitorStates } from "./state.repo.js";
import { getStatusPageSettings, putStatusPageSettings } from "./status-page-settings.repo.js";
import { dateOf, dateOrNull } from "./dates.js";

export type MirrorChannel = ChannelConfig & { id: number };

export interface MirrorDelivered {
  dedupeKey: string;
  channelId: number;
  monitorId: number | null;
  event: string;
  sentAt: string;
  epoch: number;
}

export interface MirrorUserToken {
  id: number;
  name: string;
  tokenHash: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface MirrorUserKey {
  id: number;
  fingerprint: string;
  algorithm: string;
  publicKey: string;
  comment: string;
  createdAt: string;
}

export interface MirrorUser {
  id: number;
  name: string;
  role: string;
  disabled: boolean;
  /** The argon2id hash, so a promoted follower takes the same passwords; absent from an older leader. */
  passwordHash?: string | null;
  createdAt: string;
  updatedAt: string;
  tokens: MirrorUserToken[];
  keys: MirrorUserKey[];
}

export interface MirrorContent {
  monitors: Monitor[];
  channels: MirrorChannel[];
  maintenance: MaintenanceWindowRecord[];
  states: MonitorState[];
  delivered: MirrorDelivered[];
  /** The leader's alerts still in play; absent from an older leader. */
  outbox?: ReplicaOutboxRow[];
  /** Users with their token hashes and keys, so a promoted follower lets the same people in; absent from an older leader. */
  users?: MirrorUser[];
  /** The saved status page settings (null: none saved); absent from an older leader, which keeps the follower's. */
  statusPage?: StatusPageSettings | null;
}

/** Reads what a follower mirrors: configuration with secrets in clear (the caller seals it), and open alerts. */
export async function readMirrorExtras(
  db: Db,
  box: SecretBox,
  deliveredSince: Date,
): Promise<Omit<MirrorContent, "monitors" | "states">> {
  const users = await readMirrorUsers(db);
  const channels = await db.selectFrom("channels").selectAll().orderBy("id").execute();
  const windows = await db.selectFrom("maintenance_windows").selectAll().orderBy("id").execute();
  const delivered = await db
    .selectFrom("notifications")
    .select(["dedupe_key", "channel_id", "monitor_id", "event", "sent_at", "epoch"])
    .where("state", "=", "sent")
    .where("sent_at", ">=", deliveredSince)
    .orderBy("id")
    .execute();
  const outbox = await readOpenOutbox(db);
  const statusPage = await getStatusPageSettings(db);
  return {
    outbox,
    users,
    statusPage,
    channels: channels.map((c) => ({
      id: c.id,
      name: c.name,
      type: c.type,
      // Real values, not the stored JSON text: the follower re-encrypts them under its own key.
      settings: decryptChannelSettings(c.settings ?? {}, box),
      isDefault: c.is_default,
      enabled: c.enabled,
      reminderIntervalS: c.reminder_interval_s,
    })),
    maintenance: windows.map(maintenanceWindowRecord),
    delivered: delivered.map((d) => ({
      dedupeKey: d.dedupe_key,
      channelId: d.channel_id,
      monitorId: d.monitor_id,
      event: d.event,
      sentAt: (d.sent_at ?? new Date()).toISOString(),
      epoch: d.epoch,
    })),
  };
}

/** Every user with the hashes of their tokens (revoked ones too, so a revoke is mirrored) and their keys. */
export async function readMirrorUsers(db: Db): Promise<MirrorUser[]> {
  const users = await db.selectFrom("users").selectAll().orderBy("id").execute();
  const tokens = await db.selectFrom("user_tokens").selectAll().orderBy("id").execute();
  const keys = await db.selectFrom("user_keys").selectAll().orderBy("id").execute();
  return users.map((u) => ({
    id: u.id,
    name: u.name,
    role: u.role,
    disabled: u.disabled,
    passwordHash: u.password_hash,
    createdAt: u.created_at.toISOString(),
    updatedAt: u.updated_at.toISOString(),
    tokens: tokens
      .filter((t) => t.user_id === u.id)
      .map((t) => ({
        id: t.id,
        name: t.name,
        tokenHash: t.token_hash,
        createdAt: t.created_at.toISOString(),
        lastUsedAt: t.last_used_at?.toISOString() ?? null,
        revokedAt: t.revoked_at?.toISOString() ?? null,
      })),
    keys: keys
      .filter((k) => k.user_id === u.id)
      .map((k) => ({
        id: k.id,
        fingerprint: k.fingerprint,
        algorithm: k.algorithm,
        publicKey: k.public_key,
        comment: k.comment,
        createdAt: k.created_at.toISOString(),
      })),
  }));
}

/**
 * Makes the users, tokens and keys an exact copy of the leader's, ids kept. Tokens and keys go
 * first and are written again whole: they are few, and a key moved from one user to another
 * could otherwise collide on its unique fingerprint. Web sessions are not mirrored; any signed in
 * here end when their user is disabled or their password changes, as on the leader.
 */
async function applyMirrorUsers(tx: Transaction<Database>, users: MirrorUser[]): Promise<void> {
  const before = new Map(
    (await tx.selectFrom("users").select(["id", "password_hash"]).execute()).map((u) => [u.id, u.password_hash]),
  );
  await tx.deleteFrom("user_tokens").execute();
  await tx.deleteFrom("user_keys").execute();
  const ids = users.map((u) => u.id);
  if (ids.length) await tx.deleteFrom("users").where("id", "not in", ids).execute();
  else await tx.deleteFrom("users").execute();
  await sql`update users set name = '~mirror~' || cast(id as text)`.execute(tx);
  for (const u of users) {
    const passwordHash = u.passwordHash ?? null;
    const row = {
      name: u.name,
      role: u.role,
      disabled: u.disabled,
      password_hash: passwordHash,
      updated_at: dateOf(u.updatedAt),
    };
    await tx
      .insertInto("users")
      .values({ id: u.id, ...row, created_at: dateOf(u.createdAt) })
      .onConflict((oc) => oc.column("id").doUpdateSet(row))
      .execute();
    if (u.disabled || (before.has(u.id) && before.get(u.id) !== passwordHash)) {
      await tx.deleteFrom("web_sessions").where("user_id", "=", u.id).execute();
    }
  }
  const tokens = users.flatMap((u) =>
    u.tokens.map((t) => ({
      id: t.id,
      user_id: u.id,
      name: t.name,
      token_hash: t.tokenHash,
      created_at: dateOf(t.createdAt),
      last_used_at: dateOrNull(t.lastUsedAt),
      revoked_at: dateOrNull(t.revokedAt),
    })),
  );
  if (tokens.length) await tx.insertInto("user_tokens").values(tokens).execute();
  const keys = users.flatMap((u) =>
    u.keys.map((k) => ({
      id: k.id,
      user_id: u.id,
      fingerprint: k.fingerprint,
      algorithm: k.algorithm,
      public_key: k.publicKey,
      comment: k.comment,
      created_at: dateOf(k.createdAt),
    })),
  );
  if (keys.length) await tx.insertInto("user_keys").values(keys).execute();
}

/**
 * Makes this database's configuration an exact copy of the mirror, keeping the leader's ids (so
 * the slot grid and probe results line up), in one transaction: a follower promoted mid-apply
 * sees either the old copy or the new one, never half.
 */
export async function applyMirror(
  db: Db,
  box: SecretBox,
  m: MirrorContent,
  secretFields: (type: string) => readonly string[],
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const monitorIds = m.monitors.map((x) => x.id);
    const channelIds = m.channels.map((x) => x.id);
    await tx.deleteFrom("monitor_channels").execute();
    if (monitorIds.length) await tx.deleteFrom("monitors").where("id", "not in", monitorIds).execute();
    else await tx.deleteFrom("monitors").execute();
    if (channelIds.length) await tx.deleteFrom("channels").where("id", "not in", channelIds).execute();
    else await tx.deleteFrom("channels").execute();
    // Names are unique: move every kept row aside first so renames and swaps cannot collide.
    await sql`update monitors set name = '~mirror~' || cast(id as text), parent_id = null`.execute(tx);
    await sql`update channels set name = '~mirror~' || cast(id as text)`.execute(tx);

    for (const mon of m.monitors) {
      const row = { ...monitorRow({ ...mon, parent: null }, box, null), push_token: mon.token };
      await tx
        .insertInto("monitors")
        .values({ id: mon.id, ...row, created_at: new Date(mon.createdAt), updated_at: new Date(mon.updatedAt) })
        .onConflict((oc) => oc.column("id").doUpdateSet({ ...row, updated_at: new Date(mon.updatedAt) }))
        .execute();
    }
    for (const mon of m.monitors) {
      if (mon.parentId !== null)
        await tx.updateTable("monitors").set({ parent_id: mon.parentId }).where("id", "=", mon.id).execute();
    }
    for (const c of m.channels) {
      const settings = encryptChannelSettings(c.settings, secretFields(c.type), box);
      const row = {
        name: c.name,
        type: c.type,
        settings: JSON.stringify(settings),
        is_default: c.isDefault,
        enabled: c.enabled,
        reminder_interval_s: c.reminderIntervalS,
        updated_at: new Date(),
      };
      await tx
        .insertInto("channels")
        .values({ id: c.id, ...row })
        .onConflict((oc) => oc.column("id").doUpdateSet(row))
        .execute();
    }
    const channelByName = new Map(m.channels.map((c) => [c.name, c.id]));
    const links = m.monitors.flatMap((mon) =>
      mon.channels
        .map((name) => channelByName.get(name))
        .filter((id): id is number => id !== undefined)
        .map((channel_id) => ({ monitor_id: mon.id, channel_id })),
    );
    if (links.length) await tx.insertInto("monitor_channels").values(links).execute();

    await tx.deleteFrom("maintenance_windows").execute();
    if (m.maintenance.length) {
      await tx
        .insertInto("maintenance_windows")
        .values(
          m.maintenance.map((w) => ({
            id: w.id,
            title: w.title,
            description: w.description,
            type: w.type,
            monitor_ids: w.monitorIds,
            start_at: new Date(w.startAt),
            end_at: w.endAt === null ? null : new Date(w.endAt),
            recurrence: JSON.stringify(w.recurrence),
            created_by: w.createdBy,
            updated_at: new Date(),
          })),
        )
        .execute();
    }
    const known = new Set(monitorIds);
    const states = m.states.filter((s) => known.has(s.monitorId));
    if (states.length) await saveMonitorStates(tx, states);
    const delivered = m.delivered.filter((d) => channelIds.includes(d.channelId));
    if (delivered.length) {
      await tx
        .insertInto("notifications")
        .values(
          delivered.map((d) => ({
            channel_id: d.channelId,
            monitor_id: d.monitorId !== null && known.has(d.monitorId) ? d.monitorId : null,
            event: d.event,
            payload: JSON.stringify({ mirrored: true }),
            dedupe_key: d.dedupeKey,
            state: "sent",
            attempts: 0,
            next_attempt_at: dateOf(d.sentAt),
            sent_at: dateOf(d.sentAt),
            epoch: d.epoch,
            response: "delivered by the leader",
            origin: "replica",
          })),
        )
        // A copy held here as still open was delivered since: it must never be sent from here.
        .onConflict((oc) =>
          oc
            .column("dedupe_key")
            .doUpdateSet((eb) => ({ state: "sent", sent_at: eb.ref("excluded.sent_at"), claimed_by: null }))
            .where("notifications.origin", "<>", "local"),
        )
        .execute();
    }
    if (m.users) await applyMirrorUsers(tx, m.users);
    if (m.statusPage !== undefined) await putStatusPageSettings(tx, m.statusPage);
    if (m.outbox) {
      await upsertReplicaOutbox(tx, m.outbox, { monitors: known, channels: new Set(channelIds) });
      await closeStaleReplicas(tx, new Set([...m.outbox, ...m.delivered].map((r) => r.dedupeKey)));
    }
  });
}
