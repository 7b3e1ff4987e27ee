import { randomBytes } from "node:crypto";
import { sql, type Insertable, type Selectable, type Transaction } from "kysely";
import {
  ConflictError,
  NotFoundError,
  ValidationError,
  type AggregationStrategy,
  type DnsRecordType,
  isSecretHeader,
  urlHasCredentials,
  type HttpAuth,
  type Monitor,
  type MonitorDraft,
  type MonitorType,
  type SecretBox,
} from "@uptop/core";
import { isUniqueViolation, type Db } from "./database.js";
import type { Database, MonitorsTable } from "./schema.js";

type Row = Selectable<MonitorsTable>;
type Exec = Db | Transaction<Database>;

/** A fresh push token: 32 url-safe characters, unguessable. */
export function newPushToken(): string {
  return randomBytes(24).toString("base64url");
}

export function monitorRow(
  d: MonitorDraft,
  box: SecretBox,
  parentId: number | null,
): Omit<Insertable<MonitorsTable>, "id" | "created_at"> {
  return {
    name: d.name,
    type: d.type,
    description: d.description,
    // A URL is readable in the database unless it carries credentials; then it is a secret.
    url: d.url !== null && urlHasCredentials(d.url) ? box.encrypt(d.url) : d.url,
    hostname: d.hostname,
    port: d.port,
    interval_s: d.interval,
    timeout_s: d.timeout,
    retries: d.retries,
    retry_interval_s: d.retryInterval,
    recovery_threshold: d.recoveryThreshold,
    method: d.method,
    headers: JSON.stringify(encryptHeaders(d.headers, box)),
    body: d.body === null || d.body === "" ? d.body : box.encrypt(d.body),
    auth: d.auth ? box.encrypt(JSON.stringify(d.auth)) : null,
    accepted_codes: d.acceptedCodes,
    keyword: d.keyword,
    keyword_absent: d.keywordAbsent,
    json_assertion: JSON.stringify(d.jsonAssertion),
    follow_redirects: d.followRedirects,
    max_redirects: d.maxRedirects,
    ignore_tls: d.ignoreTls,
    cert_expiry_days: d.certExpiryDays,
    record_type: d.recordType,
    resolver: d.resolver,
    expected: d.expected,
    expected_mode: d.expectedMode,
    ping_count: d.pingCount,
    push_token: d.type === "push" ? (d.token ?? newPushToken()) : null,
    grace_s: d.grace,
    parent_id: parentId,
    regions: d.regions,
    aggregation: d.aggregation,
    paused: d.paused,
    updated_at: new Date(),
  };
}

/** Header values that carry credentials are secrets like any password. */
function encryptHeaders(h: Record<string, string>, box: SecretBox): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k, isSecretHeader(k) ? box.encrypt(v) : v]));
}

function decryptHeaders(h: Record<string, string>, box: SecretBox): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k, box.decrypt(v)]));
}

function fromRow(r: Row, box: SecretBox, parent: string | null, channels: string[]): Monitor {
  return {
    id: r.id,
    name: r.name,
    type: r.type as MonitorType,
    description: r.description,
    url: r.url === null ? null : box.decrypt(r.url),
    hostname: r.hostname,
    port: r.port,
    interval: r.interval_s,
    timeout: r.timeout_s,
    retries: r.retries,
    retryInterval: r.retry_interval_s,
    recoveryThreshold: r.recovery_threshold,
    method: r.method,
    headers: decryptHeaders(r.headers ?? {}, box),
    body: r.body === null ? null : box.decrypt(r.body),
    auth: r.auth ? (JSON.parse(box.decrypt(r.auth)) as HttpAuth) : null,
    acceptedCodes: r.accepted_codes,
    keyword: r.keyword,
    keywordAbsent: r.keyword_absent,
    jsonAssertion: r.json_assertion as Monitor["jsonAssertion"],
    followRedirects: r.follow_redirects,
    maxRedirects: r.max_redirects,
    ignoreTls: r.ignore_tls,
    certExpiryDays: r.cert_expiry_days,
    recordType: r.record_type as DnsRecordType | null,
    resolver: r.resolver,
    expected: r.expected ?? [],
    expectedMode: r.expected_mode === "all" ? "all" : "any",
    pingCount: r.ping_count,
    token: r.push_token,
    grace: r.grace_s,
    parentId: r.parent_id,
    parent,
    regions: r.regions ?? [],
    aggregation: r.aggregation as AggregationStrategy | null,
    paused: r.paused,
    channels,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

async function hydrate(db: Exec, rows: Row[], box: SecretBox): Promise<Monitor[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const parentIds = [...new Set(rows.map((r) => r.parent_id).filter((p): p is number => p !== null))];
  const parents = parentIds.length
    ? await db.selectFrom("monitors").select(["id", "name"]).where("id", "in", parentIds).execute()
    : [];
  const parentName = new Map(parents.map((p) => [p.id, p.name]));
  const links = await db
    .selectFrom("monitor_channels")
    .innerJoin("channels", "channels.id", "monitor_channels.channel_id")
    .select(["monitor_channels.monitor_id", "channels.name"])
    .where("monitor_channels.monitor_id", "in", ids)
    .orderBy("channels.name")
    .execute();
  const channelsOf = new Map<number, string[]>();
  for (const l of links) {
    const list = channelsOf.get(l.monitor_id) ?? [];
    list.push(l.name);
    channelsOf.set(l.monitor_id, list);
  }
  return rows.map((r) =>
    fromRow(r, box, r.parent_id === null ? null : (parentName.get(r.parent_id) ?? null), channelsOf.get(r.id) ?? []),
  );
}

export async function listMonitors(db: Exec, box: SecretBox): Promise<Monitor[]> {
  const rows = await db.selectFrom("monitors").selectAll().orderBy("id").execute();
  return hydrate(db, rows, box);
}

export async function getMonitor(db: Exec, box: SecretBox, id: number): Promise<Monitor> {
  const row = await db.selectFrom("monitors").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw new NotFoundError(`monitor ${id}`);
  const [m] = await hydrate(db, [row], box);
  return m!;
}

export async function findMonitorByName(db: Exec, box: SecretBox, name: string): Promise<Monitor | null> {
  const row = await db.selectFrom("monitors").selectAll().where("name", "=", name).executeTakeFirst();
  if (!row) return null;
  const [m] = await hydrate(db, [row], box);
  return m!;
}

export async function findMonitorByPushToken(db: Exec, box: SecretBox, token: string): Promise<Monitor | null> {
  const row = await db.selectFrom("monitors").selectAll().where("push_token", "=", token).executeTakeFirst();
  if (!row) return null;
  const [m] = await hydrate(db, [row], box);
  return m!;
}

async function resolveParent(db: Exec, draft: MonitorDraft, selfId: number | null): Promise<number | null> {
  if (!draft.parent) return null;
  const parent = await db
    .selectFrom("monitors")
    .select(["id", "type", "parent_id"])
    .where("name", "=", draft.parent)
    .executeTakeFirst();
  if (!parent)
    throw new ValidationError(`parent: no monitor named "${draft.parent}"`, [
      { field: "parent", message: `no monitor named "${draft.parent}"` },
    ]);
  if (parent.type !== "group")
    throw new ValidationError(`parent: "${draft.parent}" is not a group`, [
      { field: "parent", message: `"${draft.parent}" is a ${parent.type} monitor, not a group` },
    ]);
  if (selfId !== null) {
    // Walk up from the new parent: meeting ourselves means the change would make a cycle.
    let cursor: number | null = parent.id;
    for (let depth = 0; cursor !== null && depth < 100; depth++) {
      if (cursor === selfId)
        throw new ValidationError("parent: would make a cycle of groups", [
          { field: "parent", message: "would make a cycle of groups" },
        ]);
      const up: { parent_id: number | null } | undefined = await db
        .selectFrom("monitors")
        .select("parent_id")
        .where("id", "=", cursor)
        .executeTakeFirst();
      cursor = up?.parent_id ?? null;
    }
  }
  return parent.id;
}

async function setChannels(db: Exec, monitorId: number, names: string[]): Promise<void> {
  await db.deleteFrom("monitor_channels").where("monitor_id", "=", monitorId).execute();
  if (names.length === 0) return;
  const found = await db.selectFrom("channels").select(["id", "name"]).where("name", "in", names).execute();
  const missing = names.filter((n) => !found.some((c) => c.name === n));
  if (missing.length) {
    throw new ValidationError(`channels: no channel named ${missing.map((n) => `"${n}"`).join(", ")}`, [
      { field: "channels", message: `no channel named ${missing.map((n) => `"${n}"`).join(", ")}` },
    ]);
  }
  await db
    .insertInto("monitor_channels")
    .values(found.map((c) => ({ monitor_id: monitorId, channel_id: c.id })))
    .execute();
}

function nameTaken(name: string): ConflictError {
  return new ConflictError(`a monitor named "${name}" already exists`, { field: "name" });
}

/** Inserts a monitor and its channel links in one transaction. */
export async function createMonitor(db: Db, box: SecretBox, draft: MonitorDraft): Promise<Monitor> {
  try {
    return await db.transaction().execute(async (tx) => createMonitorIn(tx, box, draft));
  } catch (err) {
    if (isUniqueViolation(err)) throw uniqueError(err, draft);
    throw err;
  }
}

function uniqueError(err: unknown, draft: MonitorDraft): ConflictError {
  const constraint = (err as { constraint?: string }).constraint ?? "";
  if (constraint.includes("push_token"))
    return new ConflictError("that push token is already used by another monitor", { field: "token" });
  return nameTaken(draft.name);
}

/** Same as createMonitor inside a caller's transaction (config apply, import). */
export async function createMonitorIn(tx: Exec, box: SecretBox, draft: MonitorDraft): Promise<Monitor> {
  const parentId = await resolveParent(tx, draft, null);
  const row = await tx
    .insertInto("monitors")
    .values(monitorRow(draft, box, parentId))
    .returning("id")
    .executeTakeFirstOrThrow();
  await setChannels(tx, row.id, draft.channels);
  return getMonitor(tx, box, row.id);
}

export async function updateMonitor(db: Db, box: SecretBox, id: number, draft: MonitorDraft): Promise<Monitor> {
  try {
    return await db.transaction().execute(async (tx) => updateMonitorIn(tx, box, id, draft));
  } catch (err) {
    if (isUniqueViolation(err)) throw uniqueError(err, draft);
    throw err;
  }
}

export async function updateMonitorIn(tx: Exec, box: SecretBox, id: number, draft: MonitorDraft): Promise<Monitor> {
  const current = await tx
    .selectFrom("monitors")
    .select(["id", "type", "push_token"])
    .where("id", "=", id)
    .executeTakeFirst();
  if (!current) throw new NotFoundError(`monitor ${id}`);
  const parentId = await resolveParent(tx, draft, id);
  const row = monitorRow(draft, box, parentId);
  // A push monitor keeps its token across edits unless a new one is given explicitly.
  if (draft.type === "push" && !draft.token && current.push_token) row.push_token = current.push_token;
  await tx.updateTable("monitors").set(row).where("id", "=", id).execute();
  await setChannels(tx, id, draft.channels);
  return getMonitor(tx, box, id);
}

export async function deleteMonitor(db: Exec, id: number): Promise<void> {
  const res = await db.deleteFrom("monitors").where("id", "=", id).executeTakeFirst();
  if (Number(res.numDeletedRows) === 0) throw new NotFoundError(`monitor ${id}`);
}

export async function setMonitorPaused(db: Exec, id: number, paused: boolean): Promise<void> {
  const res = await db
    .updateTable("monitors")
    .set({ paused, updated_at: new Date() })
    .where("id", "=", id)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) === 0) throw new NotFoundError(`monitor ${id}`);
}

/** A cheap fingerprint of the monitor set: changes whenever any monitor is added, edited or removed. */
export async function monitorsVersion(db: Exec): Promise<string> {
  const r = await db
    .selectFrom("monitors")
    .select([
      sql<number>`cast(count(*) as integer)`.as("n"),
      sql<string | null>`cast(max(updated_at) as text)`.as("t"),
      sql<number | null>`cast(sum(id) as integer)`.as("s"),
    ])
    .executeTakeFirstOrThrow();
  return `${r.n}-${r.t ?? "0"}-${r.s ?? 0}`;
}
