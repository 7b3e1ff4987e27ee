import { existsSync } from "node:fs";
import { join } from "node:path";
import { RefusedToRunError, type Config } from "@uptop/core";

/** Where versions before SQLite kept the embedded database: a PGlite folder in the data folder. */
export function legacyPgliteFolder(config: Config): string {
  return join(config.dataDir, "uptop");
}

/**
 * Refuses to start on a SQLite database not created yet while the data folder still holds the
 * PGlite database of an earlier version: the node would begin empty — no monitors, no history,
 * open incidents forgotten — beside the data it was meant to keep. Once the SQLite file exists
 * (the copy made it, or the operator chose to start afresh) this says nothing.
 */
export function refuseLeftoverPglite(config: Config): void {
  const { type, dsn } = config.db;
  if (type !== "sqlite" || dsn === "" || dsn === ":memory:" || existsSync(dsn)) return;
  const folder = legacyPgliteFolder(config);
  if (!existsSync(join(folder, "PG_VERSION"))) return;
  throw new RefusedToRunError(
    "LEFTOVER_PGLITE",
    `${folder} holds the PGlite database of an earlier uptop version and ${dsn} does not exist yet: ` +
      "starting would begin with an empty database. Copy the data first, with this node stopped: " +
      `uptop-admin db copy --from pglite:${folder} --to sqlite:${dsn} ` +
      `(or move ${folder} elsewhere to start empty)`,
    { folder, dsn },
  );
}
