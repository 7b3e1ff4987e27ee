import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, sleep, until, type Proc } from "@uptop/test-kit";
import { createMonitor, startLeaderProcess, type MonitorView } from "./cluster-harness.js";
import { changesOf, engineStatus, monitorOf, waitChange, type StateChangeView } from "./process-helpers.js";

(import.meta as unknown as { jest: { setTimeout(ms: number): void } }).jest.setTimeout(90_000);

type Created = MonitorView & { createdAt: string };

/** Push monitors of a real leader process (SQLite), pushed to over HTTP like a cron job would. */
describe("push monitors over HTTP", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "uptop-push-proc-"));
  const dsn = join(dataDir, "uptop.db");
  let leader: Proc | undefined;
  let port = 0;
  const token = {
    late: "push-late-token-000001",
    down: "push-down-token-000002",
    never: "push-never-token-00003",
    kept: "push-kept-token-000004",
  };
  const m = {} as Record<keyof typeof token, Created>;
  let keeper: NodeJS.Timeout | undefined;

  const start = () => startLeaderProcess({ dsn, port, dataDir, extra: { UPTOP_DB_TYPE: "sqlite" } });
  const push = (path: string, init: RequestInit = {}) => fetch(`http://127.0.0.1:${port}${path}`, init);
  const newPush = (create: Record<string, unknown>) =>
    createMonitor(port, { type: "push", ...create }) as Promise<Created>;
  const after = (changes: StateChangeView[], ms: number) => changes.filter((c) => Date.parse(c.at) >= ms);

  beforeAll(async () => {
    port = await freePort();
    leader = await start();
    m.late = await newPush({ name: "push-late", token: token.late, interval: 5, grace: 3 });
    m.down = await newPush({ name: "push-down", token: token.down, interval: 60, grace: 60 });
    m.never = await newPush({ name: "push-never", token: token.never, interval: 5, grace: 2 });
    m.kept = await newPush({ name: "push-kept", token: token.kept, interval: 10, grace: 2 });
    // Held by the engine before the timing tests start (a first push would wait for its reload).
    for (const mon of Object.values(m))
      await until(
        `the engine to hold ${mon.name}`,
        async () => (await engineStatus(port, mon.name)) !== null,
        10_000,
        100,
      );
    // push-kept is fed like a healthy cron job until the restart test.
    const feed = () => void push(`/api/push/${token.kept}`).catch(() => {});
    feed();
    keeper = setInterval(feed, 2_000);
  });

  afterAll(async () => {
    if (keeper) clearInterval(keeper);
    await leader?.kill("SIGTERM");
  });

  it("takes GET and POST on /api/push/:token and answers 404 to an unknown token", async () => {
    const pushedAt = Date.now();
    expect((await push(`/api/push/${token.late}`)).status).toBe(200);
    const up = await waitChange(port, m.late.id, "PENDING", "UP");
    expect(Date.parse(up.at)).toBeGreaterThanOrEqual(pushedAt - 1000);
    expect((await push(`/api/push/${token.down}`, { method: "POST" })).status).toBe(200);
    await waitChange(port, m.down.id, "PENDING", "UP");
    expect((await push("/api/push/no-such-token-000000000")).status).toBe(404);
    expect((await push("/api/push", { headers: { authorization: "Bearer no-such-token-000000000" } })).status).toBe(
      404,
    );
  });

  it("takes ?status=down&msg= in the Bearer form as DOWN with the message", async () => {
    const res = await push(`/api/push?status=down&msg=${encodeURIComponent("disk full on /var")}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token.down}` },
    });
    expect(res.status).toBe(200);
    const down = await waitChange(port, m.down.id, "UP", "DOWN");
    expect(down.reason).toContain("push reported down: disk full on /var");
    expect((await monitorOf(port, m.down.id)).lastCheck?.error?.message).toBe("disk full on /var");
    expect((await push("/api/push", { headers: { authorization: `Bearer ${token.down}` } })).status).toBe(200);
    await waitChange(port, m.down.id, "DOWN", "UP");
  });

  it("turns LATE after the interval, then DOWN after interval + grace, and UP on the next push", async () => {
    const pushedAt = Date.parse((await changesOf(port, m.late.id)).find((c) => c.to === "UP")!.at);
    const late = await waitChange(port, m.late.id, "UP", "LATE");
    const down = await waitChange(port, m.late.id, "LATE", "DOWN");
    // The UP change is stamped a moment after the push it records.
    expect(Date.parse(late.at) - pushedAt).toBeGreaterThanOrEqual(4_900);
    expect(Date.parse(down.at) - pushedAt).toBeGreaterThanOrEqual(7_900);
    expect(down.reason).toContain("no push for ");
    expect((await push(`/api/push/${token.late}`, { method: "POST" })).status).toBe(200);
    await waitChange(port, m.late.id, "DOWN", "UP");
    expect((await changesOf(port, m.late.id)).map((c) => `${c.from}→${c.to}`)).toEqual([
      "PENDING→UP",
      "UP→LATE",
      "LATE→DOWN",
      "DOWN→UP",
    ]);
  });

  it("turns a monitor never pushed DOWN after interval + grace from its creation", async () => {
    const down = await until(
      "push-never to go DOWN",
      async () => (await changesOf(port, m.never.id)).find((c) => c.to === "DOWN"),
      30_000,
      250,
    );
    expect(down.reason).toContain("no push received since the monitor was created");
    expect(Date.parse(down.at) - Date.parse(m.never.createdAt)).toBeGreaterThanOrEqual(7_000);
  });

  it("keeps the last push across a restart: no false DOWN, and LATE never before interval after it", async () => {
    // Old enough that a deadline counted from its creation would have passed long ago.
    await until(
      "push-kept to be older than interval + grace",
      async () => Date.now() > Date.parse(m.kept.createdAt) + 13_000,
      30_000,
      250,
    );
    clearInterval(keeper);
    keeper = undefined;
    const pushStart = Date.now();
    expect((await push(`/api/push/${token.kept}`)).status).toBe(200);
    expect((await monitorOf(port, m.kept.id)).status).toBe("UP");
    expect(await leader!.kill("SIGTERM")).toBe(0);
    await sleep(3_000);
    const restartedAt = Date.now();
    leader = await start();

    const late = await waitChange(port, m.kept.id, "UP", "LATE", 30_000);
    const down = await waitChange(port, m.kept.id, "LATE", "DOWN", 30_000);
    const since = after(await changesOf(port, m.kept.id), restartedAt);
    expect(since.map((c) => `${c.from}→${c.to}`)).toEqual(["UP→LATE", "LATE→DOWN"]);
    expect(Date.parse(late.at) - pushStart).toBeGreaterThanOrEqual(10_000);
    expect(Date.parse(down.at) - pushStart).toBeGreaterThanOrEqual(12_000);
    // The stored push is what the reason counts from: a lost one would read "never pushed".
    expect(down.reason).toContain("no push for ");
    expect(down.reason).not.toContain("no push received since the monitor was created");
  });
});
