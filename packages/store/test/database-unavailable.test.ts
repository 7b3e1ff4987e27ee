import { PGlite } from "@electric-sql/pglite";
import { sql } from "kysely";
import { isDatabaseUnavailable, openDatabase } from "../src/index.js";

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe("isDatabaseUnavailable", () => {
  // biome-ignore format: a table reads best one case per line
  it.each([
    ["a refused connection", withCode("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED"), true],
    ["a refused connection to every address of a host", Object.assign(new AggregateError([withCode("a", "ECONNREFUSED"), withCode("b", "ECONNREFUSED")], ""), { code: "ECONNREFUSED" }), true],
    ["a reset connection", withCode("read ECONNRESET", "ECONNRESET"), true],
    ["a host name that does not resolve", withCode("getaddrinfo ENOTFOUND db", "ENOTFOUND"), true],
    ["a connection dropped mid-query", new Error("Connection terminated unexpectedly"), true],
    ["the pool's connect timeout", new Error("timeout exceeded when trying to connect"), true],
    ["pg's own connect timeout", new Error("Connection terminated due to connection timeout"), true],
    ["a client broken by a connection error", new Error("Client has encountered a connection error and is not queryable"), true],
    ["a pool that was ended", new Error("Cannot use a pool after calling end on the pool"), true],
    ["an administrator shutdown (57P01)", withCode("terminating connection due to administrator command", "57P01"), true],
    ["a server starting up (57P03)", withCode("the database system is starting up", "57P03"), true],
    ["a connection failure (08006)", withCode("connection failure", "08006"), true],
    ["too many connections (53300)", withCode("sorry, too many clients already", "53300"), true],
    ["a closed PGlite", new Error("PGlite is closed"), true],
    ["a destroyed Kysely", new Error("driver has already been destroyed"), true],
    ["a SQLite file another process holds", withCode("database is locked", "SQLITE_BUSY"), true],
    ["a full disk under SQLite", withCode("database or disk is full", "SQLITE_FULL"), true],
    ["a disk error under SQLite", withCode("disk I/O error", "SQLITE_IOERR_WRITE"), true],
    ["a closed better-sqlite3", new TypeError("The database connection is not open"), true],
    ["a SQLite constraint", withCode("UNIQUE constraint failed: monitors.name", "SQLITE_CONSTRAINT_UNIQUE"), false],
    ["a SQLite syntax error", withCode('near "nope": syntax error', "SQLITE_ERROR"), false],
    ["a unique violation", withCode("duplicate key value violates unique constraint", "23505"), false],
    ["a syntax error", withCode('syntax error at or near "nope"', "42601"), false],
    ["a value out of range", withCode("date/time field value out of range", "22008"), false],
    ["a bug", new TypeError("Cannot read properties of undefined (reading 'id')"), false],
    ["an outbound call refused (its cause is not the database)", Object.assign(new TypeError("fetch failed"), { cause: withCode("connect ECONNREFUSED", "ECONNREFUSED") }), false],
    ["a message that only mentions a connection", new Error("Connection terminated unexpectedly by the webhook"), false],
    ["a string", "ECONNREFUSED", false],
    ["null", null, false],
  ])("%s → %s", (_what, err, expected) => {
    expect(isDatabaseUnavailable(err)).toBe(expected);
  });

  it.each([
    ["SQLite", { type: "sqlite", dsn: ":memory:" }],
    ["PGlite", { type: "pglite", dsn: "memory://" }],
  ] as const)("recognises what a closed %s store really throws", async (...[, options]) => {
    const store = await openDatabase(options);
    await sql`select 1`.execute(store.db);
    await store.close();
    const err = await sql`select 1`.execute(store.db).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).not.toBeNull();
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  it("recognises what a closed PGlite itself throws", async () => {
    const pglite = new PGlite();
    await pglite.close();
    const err = await pglite.query("select 1").then(
      () => null,
      (e: unknown) => e,
    );
    expect(isDatabaseUnavailable(err)).toBe(true);
  });
});
