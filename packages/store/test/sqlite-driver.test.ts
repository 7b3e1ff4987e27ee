import { sql } from "kysely";
import { isForeignKeyViolation, isUniqueViolation, openAndMigrate, type Store } from "../src/index.js";

// The repositories see the same JavaScript values on SQLite as on Postgres; the driver adapter
// converts at the boundary from the declared column types.
describe("the SQLite driver adapter", () => {
  let store: Store;
  beforeAll(async () => {
    store = await openAndMigrate({ type: "sqlite", dsn: ":memory:" });
  });
  afterAll(() => store.close());

  it("round-trips dates, booleans, JSON and arrays, and stores instants as fixed-width ISO text", async () => {
    const at = new Date("2026-03-01T02:03:04.005Z");
    const [row] = await store.db
      .insertInto("monitors")
      .values({
        name: "m",
        type: "http",
        headers: JSON.stringify({ Accept: "text/plain" }),
        json_assertion: JSON.stringify(null),
        expected: ["1.2.3.4", "::1"],
        regions: [],
        accepted_codes: "200-299",
        paused: true,
        follow_redirects: false,
        updated_at: at,
      })
      .returningAll()
      .execute();
    expect(row).toMatchObject({
      updated_at: at,
      paused: true,
      follow_redirects: false,
      ignore_tls: false,
      headers: { Accept: "text/plain" },
      json_assertion: null,
      expected: ["1.2.3.4", "::1"],
      regions: [],
    });
    expect(row!.created_at).toBeInstanceOf(Date);
    const raw = await sql<{ u: string; c: string; p: number }>`
      select updated_at || '' as u, created_at || '' as c, paused + 0 as p from monitors where id = ${row!.id}`.execute(
      store.db,
    );
    expect(raw.rows[0]!.u).toBe("2026-03-01T02:03:04.005Z");
    // The schema's default writes the same format, so text order is time order.
    expect(raw.rows[0]!.c).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(raw.rows[0]!.p).toBe(1);
  });

  it("compares timestamps as instants", async () => {
    const rows = await store.db
      .selectFrom("monitors")
      .select("name")
      .where("updated_at", ">", new Date("2026-03-01T02:03:04.004Z"))
      .where("updated_at", "<", new Date("2026-03-01T02:03:04.006Z"))
      .execute();
    expect(rows).toEqual([{ name: "m" }]);
  });

  it("reports unique and foreign key violations as the Postgres codes do", async () => {
    const dup = await store.db
      .insertInto("monitors")
      .values({ name: "m", type: "group", updated_at: new Date(), headers: "{}", expected: [], regions: [] })
      .execute()
      .catch((e: unknown) => e);
    expect(isUniqueViolation(dup)).toBe(true);
    const orphan = await store.db
      .insertInto("monitor_channels")
      .values({ monitor_id: 12345, channel_id: 67890 })
      .execute()
      .catch((e: unknown) => e);
    expect(isForeignKeyViolation(orphan)).toBe(true);
  });
});
