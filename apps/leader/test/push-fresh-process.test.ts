import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ADMIN_TOKEN, freePort, type Proc } from "@uptop/test-kit";
import { createMonitor, startLeaderProcess } from "./cluster-harness.js";
import { engineStatus, monitorOf, waitChange } from "./process-helpers.js";

(import.meta as unknown as { jest: { setTimeout(ms: number): void } }).jest.setTimeout(90_000);

/**
 * The engine loads monitors a moment after the API stored them; a push sent as soon as the
 * create (or import, or token change) answered must still find its monitor, never "unknown
 * push token".
 */
describe("a push to a monitor created a moment ago", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "uptop-push-fresh-"));
  let leader: Proc | undefined;
  let port = 0;

  const push = (token: string) => fetch(`http://127.0.0.1:${port}/api/push/${token}`, { method: "POST" });
  const send = (method: string, path: string, body: unknown) =>
    fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    port = await freePort();
    leader = await startLeaderProcess({
      dsn: join(dataDir, "uptop.db"),
      port,
      dataDir,
      extra: { UPTOP_DB_TYPE: "sqlite" },
    });
  });

  afterAll(async () => {
    await leader?.kill("SIGTERM");
  });

  it("answers 200 to a push sent right after each create, many times in a row, and the monitors go UP", async () => {
    const created: Array<{ id: number; name: string }> = [];
    for (let i = 0; i < 25; i++) {
      const token = `fresh-push-token-${String(i).padStart(4, "0")}`;
      const m = await createMonitor(port, { type: "push", name: `fresh-${i}`, token, interval: 60 });
      const res = await push(token);
      expect({ i, status: res.status, body: await res.json() }).toEqual({ i, status: 200, body: { ok: true } });
      created.push(m);
    }
    for (const m of created) await waitChange(port, m.id, "PENDING", "UP");
    expect((await monitorOf(port, created[0]!.id)).status).toBe("UP");
  });

  it("answers 200 at once to the new token after a token change, and to a Kuma import's 10-character token", async () => {
    const m = await createMonitor(port, {
      type: "push",
      name: "renamed-token",
      token: "old-token-for-renaming",
      interval: 60,
    });
    const put = await send("PUT", `/api/monitors/${m.id}`, {
      type: "push",
      name: "renamed-token",
      token: "new-token-for-renaming",
      interval: 60,
    });
    expect(put.status).toBe(200);
    expect((await push("new-token-for-renaming")).status).toBe(200);

    const imported = await send("POST", "/api/import/kuma", {
      version: "1.23.16",
      notificationList: [],
      monitorList: [{ id: 1, name: "kuma-cron", type: "push", pushToken: "Kx7pQ2mN9a", interval: 60, active: true }],
    });
    expect(imported.status).toBe(200);
    const res = await push("Kx7pQ2mN9a");
    expect(res.status).toBe(200);
    expect(await engineStatus(port, "kuma-cron")).toBe("UP");
  });

  it("still answers 404 at once to a token no monitor has", async () => {
    expect((await push("no-monitor-has-this-token")).status).toBe(404);
  });
});
