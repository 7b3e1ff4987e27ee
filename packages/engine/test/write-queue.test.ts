import type { MonitorState, ReplicaEntry, Vote } from "@uptop/core";
import { openAndMigrate, type ResultRow, type Store } from "@uptop/store";
import { BACKENDS, createTempDatabase, quietLogger, type TempDatabase } from "@uptop/test-kit";
import { WriteQueue, type PlannedAlert, type StateChangeWrite } from "../src/index.js";
import { addMonitor, addWebhookChannel, draft } from "./harness.js";

let temp: TempDatabase;
let store: Store;

beforeAll(async () => {
  temp = await createTempDatabase("uptop_wq");
  store = await openAndMigrate({ type: "postgres", dsn: temp.dsn, poolMax: 2 });
}, 60_000);

afterAll(async () => {
  await store.close();
  await temp.drop();
}, 60_000);

describe("write queue at scale", () => {
  it("writes the states of 10 000 monitors in one flush (more rows than one statement's parameter limit allows)", async () => {
    // 10 000 states pile up when every monitor's first verdict lands at once, or through an outage.
    await store.db
      .insertInto("monitors")
      .values(Array.from({ length: 10_000 }, (_, i) => ({ name: `wq-${i + 1}`, type: "push" })))
      .execute();
    const ids = (await store.db.selectFrom("monitors").select("id").execute()).map((r) => r.id);
    const queue = new WriteQueue({ db: store.db, logger: quietLogger(), nodeId: "leader", epoch: () => 1 });
    const since = new Date().toISOString();
    for (const monitorId of ids) {
      queue.saveState({
        monitorId,
        status: "UP",
        health: "UP",
        since,
        failures: 0,
        successes: 1,
        lastCheck: null,
        votes: [],
        lastPushAt: null,
        downSince: null,
        noData: false,
      });
    }
    await queue.flush();
    expect(queue.stats()).toMatchObject({ failing: false, states: 0, lastError: null });
    const stored = await store.db
      .selectFrom("monitor_state")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(ids.length);
  }, 120_000);

  it("a flush asked while a write runs also writes what was queued after that write began", async () => {
    const [first, second] = (
      await store.db
        .insertInto("monitors")
        .values([
          { name: "flush-1", type: "push" },
          { name: "flush-2", type: "push" },
        ])
        .returning("id")
        .execute()
    ).map((r) => r.id);
    const queue = new WriteQueue({ db: store.db, logger: quietLogger(), nodeId: "leader", epoch: () => 1 });
    const at = new Date();
    const change = (monitorId: number) => ({
      monitorId,
      change: { from: "UP" as const, to: "DOWN" as const, reason: "flush order", votes: [], at },
      alerts: [],
    });
    queue.addStateChange(change(first!)); // starts a write at once
    queue.addStateChange(change(second!)); // queued behind it
    await queue.flush();
    const written = await store.db
      .selectFrom("state_changes")
      .select("monitor_id")
      .where("reason", "=", "flush order")
      .execute();
    expect(written.map((r) => r.monitor_id).sort((a, b) => a - b)).toEqual([first!, second!]);
    expect(first).toBeDefined();
  }, 60_000);
});

const HALF_EMOJI = "\uD83D";
const FFFD = "\uFFFD";

function state(monitorId: number, over: Partial<MonitorState> = {}): MonitorState {
  return {
    monitorId,
    status: "DOWN",
    health: "DOWN",
    since: "2026-05-01T10:00:00.000Z",
    failures: 1,
    successes: 0,
    lastCheck: null,
    votes: [],
    lastPushAt: null,
    downSince: "2026-05-01T10:00:00.000Z",
    noData: false,
    ...over,
  };
}

/** A transition to DOWN with its alert, as the engine plans them; `said` is what the job reported. */
function wentDown(monitorId: number, said: string, at: Date): StateChangeWrite {
  const vote: Vote = {
    node: "leader",
    region: "local",
    ok: false,
    latencyMs: null,
    error: { code: "PROTOCOL", message: said },
    at: at.toISOString(),
  };
  const reason = `push reported down: ${said}`;
  const alert: PlannedAlert = {
    monitorId,
    event: "down",
    suppressed: null,
    message: {
      event: "down",
      monitor: { id: monitorId, name: `m${monitorId}`, type: "push", url: null },
      status: "DOWN",
      previousStatus: "UP",
      reason,
      votes: [vote],
      at: at.toISOString(),
      downSince: at.toISOString(),
      outageDurationS: null,
      epoch: 0,
      incidentKey: `${monitorId}:${at.toISOString()}`,
    },
  };
  return { monitorId, change: { from: "UP", to: "DOWN", reason, votes: [vote], at }, alerts: [alert] };
}

function result(monitorId: number, slotMs: number, over: Partial<ResultRow> = {}): ResultRow {
  return {
    monitorId,
    nodeId: "probe-1",
    slot: new Date(slotMs),
    checkedAt: new Date(slotMs + 100),
    ok: false,
    latencyMs: 12,
    statusCode: 503,
    errorCode: "HTTP_STATUS",
    errorMessage: "status 503 is not in 200-299",
    ...over,
  };
}

describe.each(BACKENDS)("a row the database refuses, on %s", (backend) => {
  let tdb: TempDatabase;
  let db: Store;
  let ids: number[];
  let queue: WriteQueue;
  let rejected: string[];
  let committed: ReplicaEntry[];

  beforeAll(async () => {
    tdb = await createTempDatabase("uptop_wq_poison", backend);
    db = await openAndMigrate({ type: tdb.type, dsn: tdb.dsn, poolMax: 2 });
    await addWebhookChannel(db.db, "hook");
    ids = [];
    for (const name of ["a", "b", "c"]) ids.push(await addMonitor(db.db, draft({ name, type: "push" })));
  }, 60_000);

  afterAll(async () => {
    await db?.close();
    await tdb?.drop();
  }, 60_000);

  beforeEach(() => {
    rejected = [];
    committed = [];
    queue = new WriteQueue({
      db: db.db,
      logger: quietLogger(),
      nodeId: "leader",
      epoch: () => 1,
      onRejected: (kind, outcome) => rejected.push(`${kind} ${outcome}`),
      onCommitted: (entries) => committed.push(...entries),
    });
  });

  it("stores every state change of the batch, the poisoned one repaired, and never reports the database away", async () => {
    const [a, b, c] = ids as [number, number, number];
    const at = new Date("2026-05-01T10:00:00.000Z");
    // Half an emoji in a vote and an alert (jsonb refuses it) and a NUL in a state (refused everywhere).
    queue.addStateChange(wentDown(a, "disk full", at));
    queue.addStateChange(wentDown(b, `cut here ${HALF_EMOJI}`, at));
    queue.addStateChange(wentDown(c, "backup failed", at));
    queue.saveState(state(a));
    queue.saveState(
      state(b, {
        lastCheck: {
          at: at.toISOString(),
          ok: false,
          latencyMs: null,
          error: { code: "PROTOCOL", message: "a\u0000b" },
        },
      }),
    );
    queue.saveState(state(c));

    // The first change started a write of its own; flush joins it, then writes the rest.
    await queue.flush();
    await queue.flush();

    expect(queue.stats()).toMatchObject({ failing: false, lastError: null, critical: 0, states: 0 });
    // SQLite stores any text as it is: nothing to repair there.
    expect(rejected.sort()).toEqual(backend === "sqlite" ? [] : ["monitor_state repaired", "state_change repaired"]);
    const changes = await db.db
      .selectFrom("state_changes")
      .select(["monitor_id", "to_status", "reason", "votes"])
      .orderBy("monitor_id")
      .execute();
    expect(changes.map((r) => [r.monitor_id, r.to_status])).toEqual([
      [a, "DOWN"],
      [b, "DOWN"],
      [c, "DOWN"],
    ]);
    // Postgres refuses the half emoji and the write is repaired to one U+FFFD. SQLite takes it as
    // given: as replacement bytes in a text column, escaped (so kept) inside JSON.
    const cut = new RegExp(`^push reported down: cut here (${FFFD}+|${HALF_EMOJI})$`);
    expect(changes[1]!.reason).toMatch(cut);
    const alerts = await db.db
      .selectFrom("notifications")
      .select(["monitor_id", "payload"])
      .orderBy("monitor_id")
      .execute();
    expect(alerts.map((r) => r.monitor_id)).toEqual([a, b, c]);
    expect((alerts[1]!.payload as { reason: string }).reason).toMatch(cut);
    const states = await db.db.selectFrom("monitor_state").select(["monitor_id", "last_result"]).execute();
    expect(states).toHaveLength(3);
    expect(JSON.stringify(states.find((s) => s.monitor_id === b)?.last_result)).toContain(
      backend === "sqlite" ? '"message":"a\\u0000b"' : '"message":"ab"',
    );
    // What committed went to the change feed: the three transitions, their alerts and the states.
    expect(committed.filter((e) => e.kind === "change")).toHaveLength(3);
    expect(committed.filter((e) => e.kind === "outbox")).toHaveLength(3);
    expect(committed.filter((e) => e.kind === "state")).toHaveLength(3);
  });

  it("stores the good results of a batch, repairs the ones it can and drops the rest", async () => {
    const [a, b] = ids as [number, number];
    const t = Date.parse("2026-05-02T10:00:00.000Z");
    const rows = [
      result(a, t),
      result(a, t + 1000, { statusCode: 2_147_483_648 }),
      result(b, t),
      result(b, t + 1000, { errorMessage: "nul\u0000here" }),
      result(2_147_483_648, t),
      result(a, t + 2000),
    ];
    queue.addResults(rows);

    await queue.flush();

    expect(queue.stats()).toMatchObject({ failing: false, lastError: null, results: 0 });
    expect(rejected.sort()).toEqual(
      backend === "sqlite" ? [] : ["result dropped", "result repaired", "result repaired"],
    );
    const stored = await db.db
      .selectFrom("check_results")
      .select(["monitor_id", "slot", "status_code", "error_message"])
      .where("slot", ">=", new Date(t))
      .orderBy("monitor_id")
      .orderBy("slot")
      .execute();
    const sqlite = backend === "sqlite";
    expect(stored.map((r) => [r.monitor_id, r.slot.getTime() - t, r.status_code, r.error_message])).toEqual([
      [a, 0, 503, "status 503 is not in 200-299"],
      [a, 1000, sqlite ? 2_147_483_648 : null, "status 503 is not in 200-299"],
      [a, 2000, 503, "status 503 is not in 200-299"],
      [b, 0, 503, "status 503 is not in 200-299"],
      [b, 1000, 503, sqlite ? "nul\u0000here" : "nulhere"],
      // SQLite's integers are 64-bit, and results have no foreign key to refuse an unknown monitor.
      ...(sqlite ? [[2_147_483_648, 0, 503, "status 503 is not in 200-299"]] : []),
    ]);
  });

  it("answers how many rows a direct write stored, the refused one set apart", async () => {
    const [c] = ids.slice(2) as [number];
    const t = Date.parse("2026-05-03T10:00:00.000Z");
    const rows = [result(c, t), result(c, t + 1000, { latencyMs: Number.NaN, errorMessage: "\u0000" })];
    expect(await queue.writeResults(rows)).toBe(2);
    expect(await queue.writeResults(rows)).toBe(0); // a replay
    expect(rejected).toEqual(backend === "sqlite" ? [] : ["result repaired", "result repaired"]);
  });
});
