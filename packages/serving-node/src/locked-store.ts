import type { Config, Logger } from "@uptop/core";
import { acquireDatabaseLock, openAndMigrate, type DatabaseLockedError, type Store } from "@uptop/store";
import { refuseLeftoverPglite } from "./leftover-pglite.js";

/**
 * Opens this node's database for it alone, or throws DatabaseLockedError naming the node that has
 * it. The lock is taken before migrating (a refused node must not change the schema under the live
 * one), and let go only after the store's pool has closed, so no write of ours lands after it.
 * An earlier version's PGlite database left in the data folder stops it first (`refuseLeftoverPglite`).
 */
export async function openLockedStore(
  config: Config,
  role: "leader" | "follower",
  logger: Logger,
  onLost: (err: DatabaseLockedError) => void,
): Promise<Store> {
  refuseLeftoverPglite(config);
  const { type, dsn, poolMax } = config.db;
  const lock = await acquireDatabaseLock({
    type,
    dsn,
    holder: { nodeId: config.cluster.nodeId, role },
    logger,
    onLost,
  });
  let store: Store;
  try {
    store = await openAndMigrate({ type, dsn, poolMax });
  } catch (err) {
    await lock.release();
    throw err;
  }
  try {
    await lock.record();
  } catch (err) {
    await store.close().catch(() => {});
    await lock.release();
    throw err;
  }
  return {
    ...store,
    async close() {
      try {
        await store.close();
      } finally {
        await lock.release();
      }
    },
  };
}
