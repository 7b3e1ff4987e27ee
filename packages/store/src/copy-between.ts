import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { UptopError } from "@uptop/core";
import { copyDatabase, type CopyOptions, type CopyReport } from "./database-copy.js";
import { acquireDatabaseLock, type DatabaseLock } from "./database-lock.js";
import type { LockIdentity } from "./database-locked-error.js";
import { migrate, openDatabase, type DatabaseOptions, type Store } from "./database.js";

/** The source names no database: copying it would create an empty one and copy nothing. */
export class NoSourceDatabaseError extends UptopError {
  constructor(message: string) {
    super("NO_SOURCE_DATABASE", message, 404);
  }
}

/** Refuses a source that opening would create rather than read. A Postgres server says so itself. */
function checkSourceExists(from: DatabaseOptions): void {
  if (from.type === "sqlite") {
    if (from.dsn === "" || from.dsn === ":memory:")
      throw new NoSourceDatabaseError("the source must be a SQLite file, not an in-memory database");
    if (!existsSync(from.dsn) || !statSync(from.dsn).isFile())
      throw new NoSourceDatabaseError(`no SQLite database at ${from.dsn}: the file does not exist`);
  } else if (from.type === "pglite") {
    if (!existsSync(join(from.dsn, "PG_VERSION")))
      throw new NoSourceDatabaseError(`no PGlite database in ${from.dsn}: the folder holds no PG_VERSION file`);
  }
}

/** uptop-admin, as a refused node (or `pg_stat_activity`) names it. */
const ADMIN: LockIdentity = { nodeId: "uptop-admin", role: "admin" };

export interface CopyBetweenOptions extends CopyOptions {
  holder?: LockIdentity;
}

/**
 * `copyDatabase` from one database to another, both held for the copy's duration the way a
 * serving node holds its own (`acquireDatabaseLock`): a node running on either makes the copy
 * refuse with DatabaseLockedError naming it, and a node starting meanwhile is refused in turn.
 */
export async function copyBetween(
  from: DatabaseOptions,
  to: DatabaseOptions,
  opts: CopyBetweenOptions = {},
): Promise<CopyReport> {
  checkSourceExists(from);
  const holder = opts.holder ?? ADMIN;
  const locks: DatabaseLock[] = [];
  const stores: Store[] = [];
  try {
    for (const options of [from, to]) locks.push(await acquireDatabaseLock({ ...options, holder }));
    for (const options of [from, to]) stores.push(await openDatabase({ ...options, poolMax: 2 }));
    const [source, target] = stores as [Store, Store];
    // The lock's record (Postgres: node_lease) names this holder to a node refused meanwhile.
    for (let i = 0; i < stores.length; i++) {
      await migrate(stores[i]!.db);
      await locks[i]!.record();
    }
    return await copyDatabase(source, target, opts);
  } finally {
    for (const s of stores) await s.close().catch(() => {});
    for (const l of locks) await l.release().catch(() => {});
  }
}
