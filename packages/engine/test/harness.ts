import { SecretBox, type MonitorDraft } from "@uptop/core";
import { createMonitor, type Db } from "@uptop/store";
import { quietLogger, until } from "@uptop/test-kit";
import { Engine, EngineMetrics, type EngineOptions } from "../src/index.js";

export const box = new SecretBox(null);

/** A complete monitor for tests: below the API's 5 s minimum so rounds come quickly. */
export function draft(over: Partial<MonitorDraft> & Pick<MonitorDraft, "name" | "type">): MonitorDraft {
  return {
    description: null,
    url: null,
    hostname: null,
    port: null,
    interval: 1,
    timeout: 0.8,
    retries: 0,
    retryInterval: null,
    recoveryThreshold: 1,
    method: "GET",
    headers: {},
    body: null,
    auth: null,
    acceptedCodes: "200-299",
    keyword: null,
    keywordAbsent: null,
    jsonAssertion: null,
    followRedirects: true,
    maxRedirects: 10,
    ignoreTls: false,
    certExpiryDays: 14,
    recordType: null,
    resolver: null,
    expected: [],
    expectedMode: "any",
    pingCount: 1,
    token: null,
    grace: null,
    parent: null,
    regions: [],
    aggregation: null,
    paused: false,
    channels: [],
    ...over,
  };
}

export async function addMonitor(db: Db, d: MonitorDraft): Promise<number> {
  return (await createMonitor(db, box, d)).id;
}

export async function addWebhookChannel(db: Db, name: string, isDefault = true): Promise<number> {
  const row = await db
    .insertInto("channels")
    .values({
      name,
      type: "webhook",
      settings: JSON.stringify({ url: "http://127.0.0.1:9/hook" }),
      is_default: isDefault,
      enabled: true,
      reminder_interval_s: null,
      updated_at: new Date(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export function startEngine(db: Db, over: Partial<EngineOptions> = {}): Engine {
  const engine = new Engine({
    db,
    box,
    logger: quietLogger(),
    metrics: new EngineMetrics(),
    node: { id: "leader", name: "leader", region: "local", role: "leader", version: "test" },
    strategy: "any-down",
    localChecks: true,
    checkOptions: { allowPrivateTargets: true },
    epoch: () => 1,
    tickMs: 50,
    refreshMs: 500,
    settleMs: 200,
    writeQueue: { flushMs: 100 },
    ...over,
  });
  return engine;
}

/** Polls every 50 ms: the engine's rounds come that often, and a state may last one round. */
export function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs = 20_000,
): Promise<T> {
  return until(what, fn, timeoutMs, 50);
}

export async function statusOf(db: Db, id: number): Promise<string | undefined> {
  return (await db.selectFrom("monitor_state").select("status").where("monitor_id", "=", id).executeTakeFirst())
    ?.status;
}

export async function changesOf(db: Db, id: number): Promise<Array<{ from: string; to: string; reason: string }>> {
  const rows = await db
    .selectFrom("state_changes")
    .select(["from_status", "to_status", "reason"])
    .where("monitor_id", "=", id)
    .orderBy("id")
    .execute();
  return rows.map((r) => ({ from: r.from_status, to: r.to_status, reason: r.reason }));
}

export async function notificationsOf(db: Db, id: number): Promise<Array<{ event: string; dedupe_key: string }>> {
  return db
    .selectFrom("notifications")
    .select(["event", "dedupe_key"])
    .where("monitor_id", "=", id)
    .orderBy("id")
    .execute();
}

export async function healthOf(db: Db, id: number): Promise<string | undefined> {
  const row = await db
    .selectFrom("monitor_state")
    .select("last_result")
    .where("monitor_id", "=", id)
    .executeTakeFirst();
  return (row?.last_result as { health?: string } | null)?.health;
}
