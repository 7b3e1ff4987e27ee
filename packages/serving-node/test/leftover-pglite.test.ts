import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, RefusedToRunError } from "@uptop/core";
import { openAndMigrate } from "@uptop/store";
import { quietLogger } from "@uptop/test-kit";
import { openLockedStore, refuseLeftoverPglite } from "../src/index.js";

describe("a PGlite database left by an earlier version", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "uptop-leftover-"));
  const folder = join(dataDir, "uptop");
  const file = join(dataDir, "uptop.db");

  beforeAll(async () => {
    // The old default: the PGlite folder `uptop` in the data folder.
    const old = await openAndMigrate({ type: "pglite", dsn: folder });
    await old.close();
  }, 60_000);

  it("stops a node about to start on a new SQLite database, naming the copy command", async () => {
    const config = loadConfig({ UPTOP_DATA_DIR: dataDir });
    let err: unknown;
    try {
      refuseLeftoverPglite(config);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RefusedToRunError);
    expect((err as RefusedToRunError).code).toBe("LEFTOVER_PGLITE");
    expect((err as Error).message).toContain(`uptop-admin db copy --from pglite:${folder} --to sqlite:${file}`);
    // Before anything is created: no lock file, no empty database.
    await expect(openLockedStore(config, "leader", quietLogger(), () => {})).rejects.toBeInstanceOf(RefusedToRunError);
    expect(existsSync(file)).toBe(false);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it("says nothing once the SQLite database exists, nor for Postgres or a folder without PGlite", () => {
    const other = mkdtempSync(join(tmpdir(), "uptop-leftover-"));
    expect(() => refuseLeftoverPglite(loadConfig({ UPTOP_DATA_DIR: other }))).not.toThrow();
    expect(() =>
      refuseLeftoverPglite(
        loadConfig({ UPTOP_DATA_DIR: dataDir, UPTOP_DB_TYPE: "postgres", UPTOP_DB_DSN: "postgres://u@h/db" }),
      ),
    ).not.toThrow();
    writeFileSync(file, "");
    expect(() => refuseLeftoverPglite(loadConfig({ UPTOP_DATA_DIR: dataDir }))).not.toThrow();
  });
});
