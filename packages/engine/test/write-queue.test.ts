import { openAndMigrate, type Store } from "@uptop/store";
import { createTempDatabase, quietLogger, type TempDatabase } from "@uptop/test-kit";
import { WriteQueue } from "../src/index.js";

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
});
