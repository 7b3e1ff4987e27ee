import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { normalizeMonitor, SecretBox } from "@uptop/core";
import { createMonitor as storeMonitor, openAndMigrate } from "@uptop/store";
import {
  createTempDatabase,
  freePort,
  HttpTarget,
  runNode,
  until,
  WebhookReceiver,
  type NodeRun,
  type Proc,
  type TempDatabase,
} from "@uptop/test-kit";
import { createMonitor, json, startLeaderProcess } from "./cluster-harness.js";
import { engineStatus, monitorOf, post, resultsOf } from "./process-helpers.js";

(import.meta as unknown as { jest: { setTimeout(ms: number): void } }).jest.setTimeout(180_000);

const ADMIN = join(dirname(fileURLToPath(import.meta.url)), "..", "dist", "admin", "main.js");
const LEADER = join(dirname(fileURLToPath(import.meta.url)), "..", "dist", "main.js");

const admin = (args: string[]): Promise<NodeRun> => runNode(ADMIN, args, { env: {}, timeoutMs: 120_000 });

/**
 * A leader moved from its embedded SQLite database to Postgres with `uptop-admin db copy` in the
 * middle of an incident: the leader on Postgres continues it (no second DOWN) and closes it with
 * the one UP.
 */
describe("uptop-admin db copy between leader processes", () => {
  const target = new HttpTarget();
  const hook = new WebhookReceiver();
  const dataDir = mkdtempSync(join(tmpdir(), "uptop-dbcopy-"));
  const file = join(dataDir, "uptop.db");
  let pg: TempDatabase | undefined;
  let leader: Proc | undefined;
  let port = 0;

  beforeAll(async () => {
    await target.start();
    await hook.start();
    port = await freePort();
  });

  afterAll(async () => {
    await leader?.kill("SIGTERM");
    await target.stop();
    await hook.stop();
    await pg?.drop();
  });

  it("carries an open incident from SQLite to Postgres: one DOWN, then one UP", async () => {
    leader = await startLeaderProcess({
      dsn: file,
      port,
      dataDir,
      extra: { UPTOP_DB_TYPE: "sqlite", UPTOP_LEADER_CHECKS: "true" },
    });
    await post(port, "/api/channels", { name: "hook", type: "webhook", settings: { url: hook.url }, default: true });
    const m = await createMonitor(port, { name: "moved", url: target.urlOf("/svc"), interval: 5, timeout: 2 });
    await until("the monitor to be UP", async () => (await engineStatus(port, m.name)) === "UP", 30_000, 250);
    target.set("/svc", "down");
    const [down] = await until("the DOWN to reach the webhook", () => {
      const d = hook.deliveries("moved", "down");
      return d.length > 0 ? d : null;
    });

    // While the leader runs, the copy refuses, naming it.
    pg = await createTempDatabase("uptop_dbcopy");
    const refused = await admin(["db", "copy", "--from", `sqlite:${file}`, "--to", pg.dsn]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("is already in use by leader");

    expect(await leader.kill("SIGTERM")).toBe(0);
    leader = undefined;
    const copied = await admin(["db", "copy", "--from", `sqlite:${file}`, "--to", pg.dsn]);
    expect(copied.stderr).toBe("");
    expect(copied.code).toBe(0);
    expect(copied.stdout).toMatch(/^\s+monitors\s+1$/m);
    expect(copied.stdout).toMatch(/^\s+notifications\s+\d+$/m);
    expect(copied.stdout).toMatch(/^\s+check_results\s+[1-9]\d*$/m);
    expect(copied.stdout).toContain("UPTOP_ENCRYPTION_KEY");

    // A second run finds the target holding data and refuses.
    const again = await admin(["db", "copy", "--from", `sqlite:${file}`, "--to", pg.dsn]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("already holds data");

    const restartedAt = Date.now();
    leader = await startLeaderProcess({ dsn: pg.dsn, port, dataDir, extra: { UPTOP_LEADER_CHECKS: "true" } });
    expect((await monitorOf(port, m.id)).status).toBe("DOWN");
    // Failing checks on Postgres continue the incident rather than open a new one.
    await until(
      "a failed check by the leader on Postgres",
      async () => (await resultsOf(port, m.id)).some((r) => !r.ok && Date.parse(r.checkedAt) > restartedAt),
      30_000,
      250,
    );
    target.set("/svc", "up");
    const [up] = await until("the UP to reach the webhook", () => {
      const u = hook.deliveries("moved", "up");
      return u.length > 0 ? u : null;
    });
    await until(
      "a healthy check after the UP",
      async () =>
        (await resultsOf(port, m.id)).filter((r) => r.ok && Date.parse(r.checkedAt) > restartedAt).length >= 2,
      30_000,
      250,
    );
    expect(hook.events("moved", "down")).toHaveLength(1);
    expect(hook.events("moved", "up")).toHaveLength(1);
    expect(up!.downSince).toBe(down!.downSince);
    const created = await createMonitor(port, { name: "after-move", url: target.urlOf("/new"), interval: 60 });
    expect(created.id).toBe(m.id + 1);
  });

  it("refuses a leader beside an earlier version's PGlite folder until `db copy` moved it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "uptop-dbcopy-pglite-"));
    const folder = join(dir, "uptop");
    const old = await openAndMigrate({ type: "pglite", dsn: folder });
    await storeMonitor(old.db, new SecretBox(null), normalizeMonitor({ name: "from-pglite", type: "group" }));
    await old.close();
    const ownPort = await freePort();
    const env = { UPTOP_DATA_DIR: dir, UPTOP_HTTP_HOST: "127.0.0.1", UPTOP_HTTP_PORT: String(ownPort) };

    const refused = await runNode(LEADER, [], { env, timeoutMs: 60_000 });
    expect(refused.code).toBe(2);
    expect(refused.stdout).toContain("LEFTOVER_PGLITE");
    expect(refused.stdout).toContain(
      `uptop-admin db copy --from pglite:${folder} --to sqlite:${join(dir, "uptop.db")}`,
    );

    const copied = await admin(["db", "copy", `--from=pglite:${folder}`, `--to=sqlite:${join(dir, "uptop.db")}`]);
    expect(copied.code).toBe(0);
    expect(copied.stdout).toMatch(/^\s+monitors\s+1$/m);

    const p = await startLeaderProcess({
      dsn: join(dir, "uptop.db"),
      port: ownPort,
      dataDir: dir,
      extra: { UPTOP_DB_TYPE: "sqlite" },
    });
    try {
      const list = await json<Array<{ name: string }>>(ownPort, "/api/monitors");
      expect(list.map((x) => x.name)).toEqual(["from-pglite"]);
    } finally {
      expect(await p.kill("SIGTERM")).toBe(0);
    }
  });

  it("exits 2 on arguments it cannot use", async () => {
    for (const args of [
      ["db", "copy", "--from", "mysql://x", "--to", "sqlite:/tmp/x.db"],
      ["db", "copy", "--from", `sqlite:${file}`],
      ["db", "copy", "--from", `sqlite:${file}`, "--to", `pglite:${dataDir}/pg`],
      ["db", "copy", "--from", `sqlite:${file}`, "--to", `sqlite:${file}`],
      ["db", "copy", "--from", `sqlite:${dataDir}/missing.db`, "--to", `sqlite:${dataDir}/new.db`],
      ["db", "move"],
    ]) {
      const r = await admin(args);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr).toMatch(/^uptop-admin: /);
    }
  });
});
