import { randomBytes } from "node:crypto";
import { ConflictError, NotFoundError, SecretBox, ValidationError, normalizeMonitor } from "@uptop/core";
import {
  adoptEpoch,
  bumpEpoch,
  createMonitor,
  deleteMonitor,
  findMonitorByPushToken,
  getClusterTerm,
  getMonitor,
  getMonitorStates,
  listMonitors,
  listNodes,
  migrate,
  openAndMigrate,
  saveMonitorStates,
  touchNode,
  updateMonitor,
  type Store,
} from "../src/index.js";
import { BACKENDS, createTempDatabase, type TempDatabase } from "@uptop/test-kit";

// The same migrations and queries must behave the same on the embedded and the real server.
describe.each(BACKENDS)("store on %s", (backend) => {
  let store: Store;
  let temp: TempDatabase | undefined;
  const box = new SecretBox(randomBytes(32));

  beforeAll(async () => {
    temp = await createTempDatabase("uptop_store", backend);
    store = await openAndMigrate(temp);
  }, 60_000);

  afterAll(async () => {
    await store?.close();
    await temp?.drop();
  });

  it("migrates idempotently", async () => {
    expect(await migrate(store.db)).toEqual([]);
    const names = (await store.db.introspection.getTables()).map((t) => t.name);
    for (const t of [
      "monitors",
      "channels",
      "monitor_channels",
      "nodes",
      "cluster",
      "monitor_state",
      "state_changes",
      "check_results",
      "rollups_daily",
      "maintenance_windows",
      "notifications",
    ]) {
      expect(names).toContain(t);
    }
  });

  it("creates, reads, updates and deletes a monitor", async () => {
    const created = await createMonitor(
      store.db,
      box,
      normalizeMonitor({ name: `crud-${backend}`, type: "http", url: "https://example.com/", regions: ["eu"] }),
    );
    expect(created).toMatchObject({ name: `crud-${backend}`, type: "http", regions: ["eu"], interval: 60 });
    const updated = await updateMonitor(
      store.db,
      box,
      created.id,
      normalizeMonitor({ name: `crud-${backend}`, type: "http", url: "https://example.com/v2", interval: 30 }),
    );
    expect(updated).toMatchObject({ url: "https://example.com/v2", interval: 30, regions: [] });
    expect((await listMonitors(store.db, box)).map((m) => m.id)).toContain(created.id);
    await deleteMonitor(store.db, created.id);
    await expect(getMonitor(store.db, box, created.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(deleteMonitor(store.db, created.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("refuses a duplicate name with a ConflictError", async () => {
    await createMonitor(store.db, box, normalizeMonitor({ name: "dup", type: "group" }));
    await expect(createMonitor(store.db, box, normalizeMonitor({ name: "dup", type: "group" }))).rejects.toBeInstanceOf(
      ConflictError,
    );
  });

  it("links groups by name and refuses cycles and non-groups", async () => {
    const g1 = await createMonitor(store.db, box, normalizeMonitor({ name: "g1", type: "group" }));
    const g2 = await createMonitor(store.db, box, normalizeMonitor({ name: "g2", type: "group", parent: "g1" }));
    expect(g2.parent).toBe("g1");
    expect(g2.parentId).toBe(g1.id);
    await expect(
      updateMonitor(store.db, box, g1.id, normalizeMonitor({ name: "g1", type: "group", parent: "g2" })),
    ).rejects.toThrow(/cycle/);
    const leaf = await createMonitor(
      store.db,
      box,
      normalizeMonitor({ name: "leaf", type: "tcp", hostname: "h", port: 1 }),
    );
    await expect(
      createMonitor(store.db, box, normalizeMonitor({ name: "x", type: "group", parent: "leaf" })),
    ).rejects.toThrow(/not a group/);
    await expect(
      createMonitor(store.db, box, normalizeMonitor({ name: "y", type: "group", parent: "nope" })),
    ).rejects.toBeInstanceOf(ValidationError);
    await deleteMonitor(store.db, leaf.id);
  });

  it("refuses unknown channels without creating the monitor", async () => {
    await expect(
      createMonitor(store.db, box, normalizeMonitor({ name: "chan", type: "group", channels: ["ghost"] })),
    ).rejects.toThrow(/ghost/);
    expect((await listMonitors(store.db, box)).some((m) => m.name === "chan")).toBe(false);
  });

  it("links channels by name", async () => {
    await store.db
      .insertInto("channels")
      .values({
        name: "ops",
        type: "webhook",
        settings: JSON.stringify({ url: "http://x" }),
        is_default: false,
        enabled: true,
        reminder_interval_s: null,
        updated_at: new Date(),
      })
      .execute();
    const m = await createMonitor(
      store.db,
      box,
      normalizeMonitor({ name: "with-chan", type: "group", channels: ["ops"] }),
    );
    expect(m.channels).toEqual(["ops"]);
  });

  it("generates and keeps push tokens", async () => {
    const m = await createMonitor(store.db, box, normalizeMonitor({ name: "cron", type: "push" }));
    expect(m.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const again = await updateMonitor(
      store.db,
      box,
      m.id,
      normalizeMonitor({ name: "cron", type: "push", interval: 120 }),
    );
    expect(again.token).toBe(m.token);
    expect((await findMonitorByPushToken(store.db, box, m.token!))?.id).toBe(m.id);
  });

  it("encrypts credentials at rest", async () => {
    const m = await createMonitor(
      store.db,
      box,
      normalizeMonitor({
        name: "secret-http",
        type: "http",
        url: "https://example.com/",
        auth: { type: "basic", username: "u", password: "s3cr3t-pass" },
        headers: { Authorization: "Bearer very-secret-header", Accept: "text/plain" },
      }),
    );
    expect(m.auth).toEqual({ type: "basic", username: "u", password: "s3cr3t-pass" });
    expect(m.headers.Authorization).toBe("Bearer very-secret-header");
    const raw = JSON.stringify(await store.db.selectFrom("monitors").selectAll().where("id", "=", m.id).execute());
    expect(raw).not.toContain("s3cr3t-pass");
    expect(raw).not.toContain("very-secret-header");
    expect(raw).toContain("text/plain");
  });

  it("stores monitor state", async () => {
    const m = await createMonitor(store.db, box, normalizeMonitor({ name: "stateful", type: "group" }));
    const now = new Date().toISOString();
    await saveMonitorStates(store.db, [
      {
        monitorId: m.id,
        status: "DOWN",
        health: "DOWN",
        since: now,
        failures: 3,
        successes: 0,
        lastCheck: null,
        votes: [],
        lastPushAt: null,
        downSince: now,
        noData: false,
      },
    ]);
    await saveMonitorStates(store.db, [
      {
        monitorId: m.id,
        status: "UP",
        health: "UP",
        since: now,
        failures: 0,
        successes: 1,
        lastCheck: null,
        votes: [],
        lastPushAt: null,
        downSince: null,
        noData: false,
      },
    ]);
    const s = (await getMonitorStates(store.db, [m.id])).get(m.id);
    expect(s).toMatchObject({ status: "UP", failures: 0, successes: 1, downSince: null });
    // A state for a monitor deleted meanwhile is dropped, not an error.
    await saveMonitorStates(store.db, [{ ...s!, monitorId: 999_999 }]);
  });

  it("records nodes", async () => {
    const now = new Date();
    await touchNode(store.db, { id: "p1", name: "Probe 1", region: "eu", version: "1.0.0", role: "probe" }, now);
    await touchNode(
      store.db,
      { id: "p1", name: "Probe One", region: "eu", version: "1.0.1", role: "probe" },
      new Date(now.getTime() + 1000),
    );
    const nodes = await listNodes(store.db, new Date(now.getTime() + 2 * 60_000));
    expect(nodes).toEqual([
      expect.objectContaining({ id: "p1", name: "Probe One", version: "1.0.1", status: "stale" }),
    ]);
  });

  it("keeps the fencing epoch monotonic", async () => {
    const start = await getClusterTerm(store.db);
    const bumped = await bumpEpoch(store.db, "follower");
    expect(bumped.epoch).toBe(start.epoch + 1);
    await adoptEpoch(store.db, 2, "leader");
    expect((await getClusterTerm(store.db)).epoch).toBe(Math.max(bumped.epoch, 2));
    const adopted = await adoptEpoch(store.db, bumped.epoch + 5, "follower");
    expect(adopted).toEqual({ epoch: bumped.epoch + 5, holder: "follower" });
    expect((await bumpEpoch(store.db, "leader", 100)).epoch).toBe(101);
  });
});

describe("sqlite on disk", () => {
  it("keeps data across reopen, in a file only its owner can read", async () => {
    const { mkdtempSync, rmSync, statSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = mkdtempSync(join(tmpdir(), "uptop-sqlite-"));
    const dsn = join(dir, "data", "uptop.db");
    const box = new SecretBox(null);
    try {
      const a = await openAndMigrate({ type: "sqlite", dsn });
      await createMonitor(a.db, box, normalizeMonitor({ name: "persisted", type: "group" }));
      for (const f of [dsn, `${dsn}-wal`, `${dsn}-shm`]) expect(statSync(f).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, "data")).mode & 0o777).toBe(0o700);
      await a.close();
      const b = await openAndMigrate({ type: "sqlite", dsn });
      expect((await listMonitors(b.db, box)).map((m) => m.name)).toEqual(["persisted"]);
      await b.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
