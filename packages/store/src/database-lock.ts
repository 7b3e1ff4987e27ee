import type { Logger } from "@uptop/core";
import type { StoreType } from "./database.js";
import { fullIdentity, type DatabaseLockedError, type LockIdentity } from "./database-locked-error.js";
import { acquireFileLock, acquirePgliteLock } from "./file-lock.js";
import { acquirePostgresLock } from "./postgres-lock.js";

export interface DatabaseLockOptions {
  type: StoreType;
  /** The SQLite file, ":memory:", a postgres:// URL or a PGlite folder — as `openDatabase` takes it. */
  dsn: string;
  holder: LockIdentity;
  logger?: Logger;
  /**
   * Called at most once, when the lock was lost (its connection dropped) and another node took it
   * before this one could take it back: stop acting at once, without flushing.
   */
  onLost?: (err: DatabaseLockedError) => void;
  /** How often a held lock's connection is checked (Postgres; 2 s) or its file refreshed (SQLite; 10 s). */
  checkIntervalMs?: number;
  /** How often a lost lock is tried again while the database is away; 1 s. */
  retryIntervalMs?: number;
}

/** One serving node per database, held for the life of the process. */
export interface DatabaseLock {
  /** False while a dropped connection is being replaced; the node keeps running meanwhile. */
  readonly held: boolean;
  /** Writes who holds the lock into the database; call once migrations have created its table. */
  record(): Promise<void>;
  /** Lets the lock go; call after the node has stopped writing. */
  release(): Promise<void>;
}

const NO_LOCK: DatabaseLock = { held: true, record: async () => {}, release: async () => {} };

/**
 * Takes the database for this node, or throws DatabaseLockedError naming the node that has it.
 * Postgres: a session advisory lock on a connection of its own, which the server frees when the
 * process dies, kill -9 included. SQLite: a lock file beside the database, stale once its pid is
 * gone from this host or, written on another host, once its holder stops refreshing it. An in-memory SQLite is private to its process and needs none. PGlite (read to copy it out):
 * the lock file older versions kept in its folder.
 */
export async function acquireDatabaseLock(options: DatabaseLockOptions): Promise<DatabaseLock> {
  if (options.type === "postgres") return acquirePostgresLock(options);
  if (options.type === "pglite") {
    if (options.dsn === "memory://" || options.dsn === "") return NO_LOCK;
    return acquirePgliteLock(options.dsn, fullIdentity(options.holder));
  }
  if (options.dsn === ":memory:" || options.dsn === "") return NO_LOCK;
  return acquireFileLock(options.dsn, fullIdentity(options.holder), {
    ...(options.onLost ? { onLost: options.onLost } : {}),
    ...(options.checkIntervalMs ? { refreshMs: options.checkIntervalMs } : {}),
  });
}
