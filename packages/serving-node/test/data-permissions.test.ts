import { chmodSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { createLogger, loadConfig } from "@uptop/core";
import { openAndMigrate } from "@uptop/store";
import { restrictDataFiles } from "../src/index.js";

const modeOf = (path: string) => statSync(path).mode & 0o777;

function capturingLogger() {
  const stream = new PassThrough();
  const lines: Array<Record<string, unknown>> = [];
  stream.on("data", (chunk: Buffer) => {
    for (const l of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
  });
  return { logger: createLogger({ level: "info", stream }), lines };
}

describe("restrictDataFiles", () => {
  it("leaves the data folder, the token file and the SQLite database with its WAL readable by the owner only", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "uptop-perm-"));
    const dsn = join(dataDir, "uptop.db");
    // As an older version or a restore left them: the folder 0755 and every file 0644.
    const store = await openAndMigrate({ type: "sqlite", dsn });
    await store.close();
    writeFileSync(join(dataDir, "api-token"), "Qm9vdHN0cmFwLXRva2VuLTAxMjM0NTY3\n", { mode: 0o644 });
    writeFileSync(`${dsn}-wal`, "");
    for (const f of ["api-token", "uptop.db", "uptop.db-wal"]) chmodSync(join(dataDir, f), 0o644);
    chmodSync(dataDir, 0o755);

    const { logger, lines } = capturingLogger();
    restrictDataFiles(loadConfig({ UPTOP_DATA_DIR: dataDir }), logger);

    expect(modeOf(dataDir)).toBe(0o700);
    expect(modeOf(join(dataDir, "api-token"))).toBe(0o600);
    expect(modeOf(dsn)).toBe(0o600);
    expect(modeOf(`${dsn}-wal`)).toBe(0o600);
    await new Promise((r) => setImmediate(r));
    expect(lines.filter((l) => l.level === "warn")).toEqual([]);
  }, 60_000);
});
