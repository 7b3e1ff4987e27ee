import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, HttpTarget, until, WebhookReceiver, type Proc } from "@uptop/test-kit";
import { createMonitor, json, startLeaderProcess, type MonitorView } from "./cluster-harness.js";
import { changesOf, post, waitChange } from "./process-helpers.js";

(import.meta as unknown as { jest: { setTimeout(ms: number): void } }).jest.setTimeout(90_000);

/**
 * One string must not stop the alerts. A push message cut at 500 characters through an emoji
 * once left half of it in the alert, the database refused that row, and every write after it
 * (every monitor's state changes and alerts) waited behind it for good.
 */
describe("a push message cut through an emoji, in a real leader process", () => {
  const target = new HttpTarget();
  const hook = new WebhookReceiver();
  const dataDir = mkdtempSync(join(tmpdir(), "uptop-poison-proc-"));
  let leader: Proc | undefined;
  let port = 0;
  let job: MonitorView;
  let web: MonitorView;
  const token = "poison-push-token-0001";
  const push = (query = "") => fetch(`http://127.0.0.1:${port}/api/push/${token}${query}`);

  beforeAll(async () => {
    await target.start();
    await hook.start();
    port = await freePort();
    leader = await startLeaderProcess({
      dsn: join(dataDir, "db"),
      port,
      dataDir,
      extra: { UPTOP_DB_TYPE: "sqlite", UPTOP_LEADER_CHECKS: "true" },
    });
    await post(port, "/api/channels", { name: "hook", type: "webhook", settings: { url: hook.url }, default: true });
    job = await createMonitor(port, { name: "nightly-job", type: "push", token, interval: 60, grace: 60 });
    web = await createMonitor(port, { name: "web", url: target.urlOf("/web"), interval: 5, timeout: 2 });
    await until("the engine to take the push monitor", async () => (await push()).status === 200, 10_000, 100);
    await waitChange(port, job.id, "PENDING", "UP");
    await waitChange(port, web.id, "PENDING", "UP");
  });

  afterAll(async () => {
    await leader?.kill("SIGTERM");
    await hook.stop();
    await target.stop();
  });

  it("stores and delivers the push DOWN with the message cut on a character boundary", async () => {
    const message = `${"a".repeat(499)}${"\u{1F600}".repeat(3)}`;
    expect((await push(`?status=down&msg=${encodeURIComponent(message)}`)).status).toBe(200);
    const down = await waitChange(port, job.id, "UP", "DOWN", 10_000);
    expect(down.reason).toMatch(/push reported down: a{499}$/);
    const delivered = await until(
      "the push DOWN to reach the webhook",
      async () => hook.events("nightly-job", "down")[0],
      15_000,
      100,
    );
    expect(delivered.reason).toBe(down.reason);
  });

  it("then stores and delivers another monitor's DOWN within the usual time", async () => {
    const failedAt = Date.now();
    target.set("/web", "down");
    const down = await waitChange(port, web.id, "UP", "DOWN", 20_000);
    const delivered = await until(
      "the web DOWN to reach the webhook",
      async () => hook.events("web", "down")[0],
      20_000,
      100,
    );
    // One 5 s interval to see the failure, plus a dispatch: well inside 20 s.
    expect(Date.now() - failedAt).toBeLessThan(20_000);
    expect(delivered.downSince).toBe(down.at);
    const health = await json<Record<string, unknown>>(port, "/api/health");
    expect(health).toMatchObject({ status: "ok" });
    expect(health.database).toBeUndefined();
    expect((await changesOf(port, job.id)).map((c) => c.to)).toEqual(["UP", "DOWN"]);
  });
});
