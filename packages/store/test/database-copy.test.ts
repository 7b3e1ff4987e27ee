import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { normalizeMonitor, SecretBox, type Vote } from "@uptop/core";
import { createTempDatabase, type TempDatabase } from "@uptop/test-kit";
import {
  addUserKey,
  addUserToken,
  createUser,
  acquireDatabaseLock,
  bumpEpoch,
  claimDueNotifications,
  COPIED_TABLES,
  copyBetween,
  copyDatabase,
  CopyRowRefusedError,
  createChannel,
  createMaintenanceWindow,
  createMonitor,
  DatabaseLockedError,
  getClusterTerm,
  getMonitor,
  getMonitorStates,
  getSetting,
  insertOutboxRows,
  insertResults,
  insertWebSession,
  insertStateChanges,
  jsonColumnsOf,
  listAttempts,
  listChannels,
  listMaintenanceWindows,
  listMonitors,
  listNodes,
  listNotifications,
  listResults,
  listRollups,
  listStateChanges,
  NoSourceDatabaseError,
  openAndMigrate,
  openIncidents,
  putSetting,
  saveMonitorStates,
  settleNotification,
  startSend,
  TargetNotEmptyError,
  touchNode,
  updateMonitor,
  upsertRollups,
  type CopiedTable,
  type DatabaseOptions,
  type Db,
  type ResultRow,
  type Store,
} from "../src/index.js";

const DAY_MS = 86_400_000;
const box = new SecretBox(randomBytes(32));
const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);
const DOWN_SINCE = new Date(NOW - 3 * 3_600_000);
/** Days of results: several partitions on Postgres, several batches with a small batch size. */
const RESULT_DAYS = 4;
const NODES = ["leader", "probe-eu"];
const VOTE: Vote = {
  node: "probe-eu",
  region: "eu",
  ok: false,
  latencyMs: null,
  error: { code: "HTTP_STATUS", message: "answered 500" },
  at: new Date(NOW).toISOString(),
};

/**
 * A database a leader has run on for a few days: a group whose child was created before it,
 * channels linked to a monitor, a maintenance window, settings, a monitor DOWN with its history,
 * results and rollups, and an open incident (its DOWN sent, no UP).
 */
async function seed(db: Db): Promise<void> {
  const hook = await createChannel(db, box, {
    name: "hook",
    type: "webhook",
    settings: { url: "http://127.0.0.1:9/h", secret: "s3cret-hook", headers: { "X-Token": "tok" } },
    secretFields: ["secret", "headers"],
    isDefault: true,
    enabled: true,
    reminderIntervalS: 3600,
  });
  await createChannel(db, box, {
    name: "pager",
    type: "pagerduty",
    settings: { routingKey: "rk-123", eventsUrl: "http://127.0.0.1:9/e" },
    secretFields: ["routingKey"],
    isDefault: false,
    enabled: false,
    reminderIntervalS: null,
  });
  // The child first: its parent gets the higher id.
  const child = await createMonitor(db, box, normalizeMonitor({ name: "api", type: "tcp", hostname: "h", port: 443 }));
  await createMonitor(db, box, normalizeMonitor({ name: "services", type: "group" }));
  await updateMonitor(
    db,
    box,
    child.id,
    normalizeMonitor({ name: "api", type: "tcp", hostname: "h", port: 443, parent: "services" }),
  );
  const web = await createMonitor(
    db,
    box,
    normalizeMonitor({
      name: "web",
      type: "http",
      url: "https://example.com/health",
      headers: { Accept: "application/json", Authorization: "Bearer abc" },
      auth: { type: "basic", username: "u", password: "pw" },
      jsonAssertion: { path: "status", equals: "ok" },
      regions: ["eu", "us"],
      channels: ["hook", "pager"],
      parent: "services",
    }),
  );
  await createMonitor(
    db,
    box,
    normalizeMonitor({ name: "dns", type: "dns", hostname: "example.com", expected: ["1.2.3.4", "5.6.7.8"] }),
  );
  await createMaintenanceWindow(db, {
    title: "nightly",
    description: "backups",
    type: "maintenance",
    monitors: ["web", "services"],
    startAt: new Date(NOW - 10 * DAY_MS).toISOString(),
    endAt: null,
    recurrence: { frequency: "weekly", daysOfWeek: [0, 3], startTime: "02:30", durationMinutes: 45 },
    createdBy: "ops",
  });
  await putSetting(db, "history.rolled-up-through", "2026-11-19");
  for (const id of NODES)
    await touchNode(
      db,
      { id, name: id, region: "eu", version: "1.0.0", role: id === "leader" ? "leader" : "probe" },
      new Date(NOW),
    );
  const { epoch } = await bumpEpoch(db, "leader");

  await insertStateChanges(db, [
    {
      monitorId: web.id,
      from: "PENDING",
      to: "UP",
      reason: "first successful round",
      votes: [],
      at: new Date(NOW - RESULT_DAYS * DAY_MS),
      epoch,
      nodeId: "leader",
    },
    {
      monitorId: web.id,
      from: "UP",
      to: "DOWN",
      reason: "1 of 2 regions down",
      votes: [VOTE],
      at: DOWN_SINCE,
      epoch,
      nodeId: "leader",
    },
  ]);
  await saveMonitorStates(db, [
    {
      monitorId: web.id,
      status: "DOWN",
      health: "DOWN",
      since: DOWN_SINCE.toISOString(),
      failures: 7,
      successes: 0,
      lastCheck: { at: VOTE.at, ok: false, latencyMs: null, error: VOTE.error, node: "probe-eu" },
      votes: [VOTE],
      lastPushAt: null,
      downSince: DOWN_SINCE.toISOString(),
      noData: false,
    },
  ]);

  const results: ResultRow[] = [];
  for (let t = NOW - RESULT_DAYS * DAY_MS; t < NOW; t += 3_600_000)
    for (const nodeId of NODES)
      results.push({
        monitorId: web.id,
        nodeId,
        slot: new Date(t),
        checkedAt: new Date(t + 1234),
        ok: t < DOWN_SINCE.getTime(),
        latencyMs: t < DOWN_SINCE.getTime() ? 42.5 : null,
        statusCode: t < DOWN_SINCE.getTime() ? 200 : 500,
        errorCode: t < DOWN_SINCE.getTime() ? null : "HTTP_STATUS",
        errorMessage: t < DOWN_SINCE.getTime() ? null : "answered 500",
      });
  await insertResults(db, results);
  const days = Array.from({ length: RESULT_DAYS }, (_, i) =>
    new Date(NOW - (RESULT_DAYS - i) * DAY_MS).toISOString().slice(0, 10),
  );
  await upsertRollups(
    db,
    days.map((day, i) => ({
      monitorId: web.id,
      day,
      upS: 86_000 - i,
      downS: 400 + i,
      maintenanceS: 0,
      checks: 48,
      failures: i,
      latencyP50Ms: 40,
      latencyP95Ms: 90.5,
    })),
  );

  // The open incident: the DOWN went out on the webhook, nothing after it.
  const incident = `${web.id}:${DOWN_SINCE.toISOString()}`;
  const [down] = await insertOutboxRows(db, [
    {
      channelId: hook.id,
      monitorId: web.id,
      event: "down",
      payload: { event: "down", incidentKey: incident, downSince: DOWN_SINCE.toISOString(), tags: ["a", "b"] },
      dedupeKey: `down:${incident}:${hook.id}`,
      epoch,
      nextAttemptAt: new Date(NOW - 3 * 3_600_000),
    },
  ]);
  const [claimed] = await claimDueNotifications(db, "claim-1", epoch, 10, 60_000);
  expect(claimed?.id).toBe(down!.id);
  expect(await startSend(db, down!.id, "claim-1", 60_000)).toBe(true);
  const settled = await settleNotification(
    db,
    down!,
    "claim-1",
    { state: "sent", response: '{"ok":true}', at: new Date(NOW - 3 * 3_600_000 + 500) },
    { ok: true, retryable: null, status: 200, error: null, response: '{"ok":true}', nodeId: "leader", epoch },
  );
  expect(settled).toBe(true);

  const ops = await createUser(db, {
    name: "ops",
    role: "editor",
    passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA",
  });
  await insertWebSession(db, {
    userId: ops.id,
    tokenHash: "e".repeat(64),
    csrfToken: "csrf-of-the-ops-session",
    createdAt: new Date(NOW - 3_600_000),
    expiresAt: new Date(NOW + 6 * 24 * 3_600_000),
    userAgent: "a browser",
    ip: "192.0.2.7",
  });
  await addUserToken(db, ops.id, "laptop", "f".repeat(64));
  await addUserKey(db, ops.id, {
    fingerprint: "SHA256:cH601WQfU4XduUFX4I80xMH8XdN3+BmdEvl0pRTdSrU",
    algorithm: "ssh-ed25519",
    publicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOl/1UPcbqf+ISfsCx1FKZ75Yb/gNyAZGLx42d0sUiRF",
    comment: "ops@laptop",
  });
}

const KEYS: Record<CopiedTable, string[]> = {
  settings: ["key"],
  cluster: ["id"],
  nodes: ["id"],
  monitors: ["id"],
  channels: ["id"],
  monitor_channels: ["monitor_id", "channel_id"],
  monitor_state: ["monitor_id"],
  state_changes: ["id"],
  check_results: ["monitor_id", "node_id", "slot"],
  rollups_daily: ["monitor_id", "day"],
  maintenance_windows: ["id"],
  notifications: ["id"],
  notification_attempts: ["id"],
  users: ["id"],
  user_tokens: ["id"],
  user_keys: ["id"],
  web_sessions: ["id"],
};

/** Every row of a table, in key order, as plain values: what equal tables show equally. */
async function rowsOf(db: Db, table: CopiedTable): Promise<unknown[]> {
  let q = db.selectFrom(table as never).selectAll();
  for (const k of KEYS[table]) q = q.orderBy(k as never);
  const rows = (await q.execute()) as Array<Record<string, unknown>>;
  return rows.map((r) =>
    Object.fromEntries(
      Object.entries(r).map(([k, v]) => [
        k,
        v instanceof Date ? (k === "day" ? v.toISOString().slice(0, 10) : v.toISOString()) : v,
      ]),
    ),
  );
}

/** What the repositories read, which must be the same from either database. */
async function view(db: Db): Promise<Record<string, unknown>> {
  const monitors = await listMonitors(db, box);
  const web = monitors.find((m) => m.name === "web")!;
  const range = { monitorId: web.id, limit: 10_000 };
  const notifications = await listNotifications(db, { limit: 100 });
  return {
    monitors,
    channels: await listChannels(db, box),
    windows: await listMaintenanceWindows(db),
    states: [...(await getMonitorStates(db)).entries()],
    changes: await listStateChanges(db, range),
    results: await listResults(db, range),
    rollups: await listRollups(db, { fromDay: "2000-01-01", toDay: "2100-01-01" }),
    notifications,
    attempts: await Promise.all(notifications.map((n) => listAttempts(db, n.id))),
    incidents: await openIncidents(db, new Date(0)),
    setting: await getSetting(db, "history.rolled-up-through"),
    term: await getClusterTerm(db),
    nodes: (await listNodes(db, new Date(NOW))).map((n) => n.id),
  };
}

async function expectSameContent(a: Db, b: Db): Promise<void> {
  for (const table of COPIED_TABLES)
    expect({ table, rows: await rowsOf(b, table) }).toEqual({ table, rows: await rowsOf(a, table) });
  expect(await view(b)).toEqual(await view(a));
}

const refusal = async (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => null,
    (e: unknown) => e,
  );

describe("copying a database", () => {
  const dir = mkdtempSync(join(tmpdir(), "uptop-copy-"));
  const sqliteFile = join(dir, "uptop.db");
  let source: Store;
  let pgTemp: TempDatabase;
  let target: Store;

  beforeAll(async () => {
    source = await openAndMigrate({ type: "sqlite", dsn: sqliteFile });
    await seed(source.db);
    pgTemp = await createTempDatabase("uptop_copy");
    target = await openAndMigrate(pgTemp);
  }, 60_000);

  afterAll(async () => {
    await source?.close();
    await target?.close();
    await pgTemp?.drop();
  });

  it("lists every jsonb column of the Postgres schema", async () => {
    const r = await sql<{ table_name: string; column_name: string }>`
      select table_name, column_name from information_schema.columns
       where table_schema = current_schema() and data_type = 'jsonb' order by table_name, column_name`.execute(
      target.db,
    );
    const listed = COPIED_TABLES.flatMap((t) => jsonColumnsOf(t).map((c) => `${t}.${c}`)).sort();
    expect(r.rows.map((x) => `${x.table_name}.${x.column_name}`)).toEqual(listed);
  });

  it("copies SQLite to Postgres row for row, ids and the open incident included", async () => {
    const progress: Array<[string, number, boolean]> = [];
    // Small batches: check_results crosses many, and partitions, in key order.
    const report = await copyDatabase(source, target, {
      batchRows: 7,
      onProgress: (table, rows, done) => progress.push([table, rows, done]),
    });
    const counts = Object.fromEntries(report.tables.map((t) => [t.table, t.rows]));
    expect(counts).toMatchObject({
      monitors: 4,
      channels: 2,
      monitor_channels: 2,
      maintenance_windows: 1,
      state_changes: 2,
      check_results: RESULT_DAYS * 24 * NODES.length,
      rollups_daily: RESULT_DAYS,
      notifications: 1,
      notification_attempts: 1,
      settings: 1,
      nodes: 2,
      cluster: 1,
    });
    expect(report.tables.map((t) => t.table)).toEqual(COPIED_TABLES);
    expect(report.epoch).toBe((await getClusterTerm(source.db)).epoch);
    expect(progress.filter(([, , done]) => done).map(([t]) => t)).toEqual(COPIED_TABLES);
    expect(progress.filter(([t, , done]) => t === "check_results" && !done).length).toBeGreaterThan(20);

    await expectSameContent(source.db, target.db);
    const v = await view(target.db);
    expect(v.incidents).toHaveLength(1);
    const monitors = v.monitors as Array<{ name: string; parent: string | null; regions: string[] }>;
    expect(monitors.find((m) => m.name === "api")?.parent).toBe("services");
    // Secrets stay encrypted as stored, and the same key opens them.
    const raw = await target.db
      .selectFrom("channels")
      .select("settings")
      .where("name", "=", "hook")
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(raw.settings)).not.toContain("s3cret-hook");
    expect((v.channels as Array<{ name: string; settings: Record<string, unknown> }>)[0]!.settings.secret).toBe(
      "s3cret-hook",
    );
  });

  it("gives a monitor created after the copy a new id", async () => {
    const ids = (await listMonitors(target.db, box)).map((m) => m.id);
    const created = await createMonitor(target.db, box, normalizeMonitor({ name: "after-copy", type: "group" }));
    expect(created.id).toBe(Math.max(...ids) + 1);
    expect((await getMonitor(target.db, box, created.id)).name).toBe("after-copy");
    const [down] = await insertOutboxRows(target.db, [
      {
        channelId: 1,
        monitorId: created.id,
        event: "down",
        payload: {},
        dedupeKey: "down:after-copy",
        epoch: 1,
        nextAttemptAt: new Date(),
      },
    ]);
    expect(down!.id).toBe(2);
  });

  it("refuses a target that already holds data, and changes nothing in it", async () => {
    const before = await rowsOf(target.db, "monitors");
    const err = await refusal(copyDatabase(source, target));
    expect(err).toBeInstanceOf(TargetNotEmptyError);
    expect((err as Error).message).toMatch(/already holds data \(monitors: 5, channels: 2.*never merges/);
    expect(await rowsOf(target.db, "monitors")).toEqual(before);
  });

  it("refuses while a node holds the source or the target, naming it", async () => {
    const fresh = await createTempDatabase("uptop_copy_lock");
    const to: DatabaseOptions = { type: "postgres", dsn: fresh.dsn };
    try {
      const leader = await acquireDatabaseLock({
        type: "sqlite",
        dsn: sqliteFile,
        holder: { nodeId: "leader-a", role: "leader" },
      });
      let err = await refusal(copyBetween({ type: "sqlite", dsn: sqliteFile }, to));
      await leader.release();
      expect(err).toBeInstanceOf(DatabaseLockedError);
      expect((err as Error).message).toContain('already in use by leader "leader-a"');

      const other = await openAndMigrate(to);
      const onTarget = await acquireDatabaseLock({ ...to, holder: { nodeId: "leader-b", role: "leader" } });
      await onTarget.record();
      err = await refusal(copyBetween({ type: "sqlite", dsn: sqliteFile }, to));
      await onTarget.release();
      await other.close();
      expect(err).toBeInstanceOf(DatabaseLockedError);
      expect((err as Error).message).toContain('already in use by leader "leader-b"');

      // Refused twice, it let go of what it had taken: with both free, the copy runs.
      const report = await copyBetween({ type: "sqlite", dsn: sqliteFile }, to);
      expect(report.tables.find((t) => t.table === "check_results")?.rows).toBe(RESULT_DAYS * 24 * NODES.length);
      expect(existsSync(`${sqliteFile}.lock`)).toBe(false);
    } finally {
      await fresh.drop();
    }
  });

  it("refuses a source that does not exist rather than create it", async () => {
    const missing = join(dir, "nothing-here.db");
    const err = await refusal(
      copyBetween({ type: "sqlite", dsn: missing }, { type: "sqlite", dsn: join(dir, "x.db") }),
    );
    expect(err).toBeInstanceOf(NoSourceDatabaseError);
    expect(existsSync(missing)).toBe(false);
    const noFolder = await refusal(
      copyBetween({ type: "pglite", dsn: join(dir, "no-pglite") }, { type: "sqlite", dsn: join(dir, "x.db") }),
    );
    expect(noFolder).toBeInstanceOf(NoSourceDatabaseError);
    expect(existsSync(join(dir, "x.db"))).toBe(false);
  });
});

describe("copying rows SQLite keeps and Postgres refuses as they are", () => {
  const dir = mkdtempSync(join(tmpdir(), "uptop-copy-bad-"));
  let source: Store;
  let web: number;
  let api: number;
  const targets: TempDatabase[] = [];
  const intoFreshPostgres = async (): Promise<Store> => {
    const t = await createTempDatabase("uptop_copy_bad");
    targets.push(t);
    return openAndMigrate(t);
  };

  beforeAll(async () => {
    source = await openAndMigrate({ type: "sqlite", dsn: join(dir, "uptop.db") });
    await seed(source.db);
    const ids = new Map((await listMonitors(source.db, box)).map((m) => [m.name, m.id]));
    web = ids.get("web")!;
    api = ids.get("api")!;
    // A NUL, and in JSON half an emoji (SQLite's own text turns it into U+FFFD as it reads it), as an
    // older version or a hand edit could have left them.
    await sql`update monitors set name = ${"we\u0000b"} where id = ${web}`.execute(source.db);
    await sql`update state_changes set reason = ${"1 of 2\u0000 regions down"} where to_status = 'DOWN'`.execute(
      source.db,
    );
    await sql`update monitor_state set last_result = ${JSON.stringify({ at: VOTE.at, ok: false, error: { code: "X", message: "cut \ud83d\u0000" } })}
      where monitor_id = ${web}`.execute(source.db);
  }, 60_000);

  afterAll(async () => {
    await source?.close();
    for (const t of targets) await t.drop();
  });

  it("copies them with the text made storable, and says which tables had them", async () => {
    const target = await intoFreshPostgres();
    try {
      const report = await copyDatabase(source, target);
      expect(report.repaired).toEqual([
        { table: "monitors", rows: 1 },
        { table: "monitor_state", rows: 1 },
        { table: "state_changes", rows: 1 },
      ]);
      expect(report.tables.find((t) => t.table === "check_results")?.rows).toBe(RESULT_DAYS * 24 * NODES.length);
      const monitor = await getMonitor(target.db, box, web);
      expect(monitor.name).toBe("web");
      const down = (await listStateChanges(target.db, { monitorId: web, limit: 10 })).find((c) => c.to === "DOWN");
      expect(down?.reason).toBe("1 of 2 regions down");
      const state = await target.db
        .selectFrom("monitor_state")
        .select("last_result")
        .where("monitor_id", "=", web)
        .executeTakeFirstOrThrow();
      expect(state.last_result).toMatchObject({ error: { message: "cut \ufffd" } });
      // The open incident came across with it.
      expect(await openIncidents(target.db, new Date(0))).toHaveLength(1);
    } finally {
      await target.close();
    }
  });

  it("stops at a row Postgres refuses anyway, naming it", async () => {
    await sql`update monitors set port = ${3_000_000_000} where id = ${api}`.execute(source.db);
    const target = await intoFreshPostgres();
    try {
      const err = await refusal(copyDatabase(source, target));
      expect(err).toBeInstanceOf(CopyRowRefusedError);
      expect((err as Error).message).toMatch(
        new RegExp(`the target refused the monitors row with id ${api}: .*out of range.*Correct or delete that row`),
      );
    } finally {
      await sql`update monitors set port = 443 where id = ${api}`.execute(source.db);
      await target.close();
    }
  });
});

describe("copying an old PGlite folder to SQLite", () => {
  it("moves everything and keeps the folder as it was", async () => {
    const dir = mkdtempSync(join(tmpdir(), "uptop-copy-pglite-"));
    const folder = join(dir, "uptop");
    const file = join(dir, "uptop.db");
    const old = await openAndMigrate({ type: "pglite", dsn: folder });
    await seed(old.db);
    await old.close();

    const report = await copyBetween({ type: "pglite", dsn: folder }, { type: "sqlite", dsn: file }, { batchRows: 50 });
    expect(report.tables.find((t) => t.table === "check_results")?.rows).toBe(RESULT_DAYS * 24 * NODES.length);

    const a = await openAndMigrate({ type: "pglite", dsn: folder });
    const b = await openAndMigrate({ type: "sqlite", dsn: file });
    try {
      await expectSameContent(a.db, b.db);
      const created = await createMonitor(b.db, box, normalizeMonitor({ name: "after-copy", type: "group" }));
      expect(created.id).toBe(5);
    } finally {
      await a.close();
      await b.close();
    }
  }, 120_000);
});
