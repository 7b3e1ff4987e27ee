import { existsSync } from "node:fs";
import { join } from "node:path";
import { restrictPermissions, type Config, type Logger } from "@uptop/core";
import { API_TOKEN_FILE } from "./api-token.js";
import { SSH_HOST_KEY_FILE } from "./ssh/host-key.js";

/**
 * The data folder, the SQLite database file (with its -wal and -shm), the API token file and the
 * SSH host key are the owner's alone. uptop creates them so; ones made by an older version, a
 * restore or an operator are tightened here at start. What the file system refuses (a volume owned by another user) is
 * a warning: the node still runs, and the operator learns what stays readable.
 */
export function restrictDataFiles(config: Config, logger: Logger): void {
  const targets: Array<{ path: string; tree: boolean }> = [
    { path: config.dataDir, tree: false },
    { path: join(config.dataDir, API_TOKEN_FILE), tree: false },
    { path: join(config.dataDir, SSH_HOST_KEY_FILE), tree: false },
  ];
  const { type, dsn } = config.db;
  if (type === "sqlite" && dsn !== "" && dsn !== ":memory:") {
    for (const suffix of ["", "-wal", "-shm"]) targets.push({ path: `${dsn}${suffix}`, tree: false });
  }
  for (const { path, tree } of targets) {
    if (!existsSync(path)) continue;
    try {
      const changed = restrictPermissions(path, { tree });
      if (changed.length)
        logger.info("restricted data file permissions to the owner", { path, changed: changed.length });
    } catch (err) {
      logger.warn("could not restrict data file permissions to the owner", {
        path,
        error: (err as Error).message,
      });
    }
  }
}
