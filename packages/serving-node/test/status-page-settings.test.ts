import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, SecretBox } from "@uptop/core";
import { openAndMigrate, putStatusPageSettings, type Store } from "@uptop/store";
import { ADMIN_TOKEN, apiClient, quietLogger, type ApiClient } from "@uptop/test-kit";
import { EpochHolder, ServingNode } from "../src/index.js";

interface Running {
  node: ServingNode;
  store: Store;
  api: ApiClient;
}

const running: Running[] = [];

async function startNode(role: "leader" | "follower", env: Record<string, string> = {}): Promise<Running> {
  const config = loadConfig({
    UPTOP_DB_DSN: ":memory:",
    UPTOP_DATA_DIR: mkdtempSync(join(tmpdir(), "uptop-status-settings-")),
    UPTOP_HTTP_HOST: "127.0.0.1",
    UPTOP_HTTP_PORT: "0",
    UPTOP_API_TOKEN: ADMIN_TOKEN,
    UPTOP_LOG_LEVEL: "error",
    ...env,
  });
  const store = await openAndMigrate({ type: "sqlite", dsn: ":memory:" });
  const epoch = new EpochHolder(store.db, `${role}-1`);
  await epoch.load();
  const node = new ServingNode({
    config,
    logger: quietLogger(),
    store,
    box: new SecretBox(null),
    apiToken: ADMIN_TOKEN,
    role,
    epoch,
  });
  const r = { node, store, api: apiClient(`http://127.0.0.1:${await node.listen()}`) };
  running.push(r);
  return r;
}

afterAll(async () => {
  for (const r of running) {
    await r.node.stop();
    await r.store.close();
  }
});

const put = (body: unknown) => ({ method: "PUT", body: JSON.stringify(body) });

describe("status page settings on a serving node", () => {
  it("starts from the environment, and a saved setting wins at once on this node", async () => {
    const leader = await startNode("leader", { UPTOP_STATUS_ENABLED: "true", UPTOP_STATUS_TITLE: "Env title" });
    expect(await (await leader.api("/api/status-page/settings")).json()).toEqual({
      enabled: true,
      title: "Env title",
      description: null,
      monitorIds: null,
    });
    expect((await (await leader.api("/status/json", { token: null })).json()).title).toBe("Env title");
    const saved = { enabled: true, title: "Saved title", description: null, monitorIds: null };
    expect((await leader.api("/api/status-page/settings", put(saved))).status).toBe(200);
    expect((await (await leader.api("/status/json", { token: null })).json()).title).toBe("Saved title");
    await leader.api("/api/status-page/settings", put({ ...saved, enabled: false }));
    expect((await leader.api("/status", { token: null })).status).toBe(404);
  });

  it("serves the page of a node whose environment has it off once settings turn it on", async () => {
    const leader = await startNode("leader");
    expect((await leader.api("/status", { token: null })).status).toBe(404);
    await leader.api(
      "/api/status-page/settings",
      put({ enabled: true, title: "On", description: null, monitorIds: null }),
    );
    const res = await leader.api("/status", { token: null });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toContain("default-src");
    expect(await res.text()).toContain("<h1>On</h1>");
  });

  it("a follower shows the settings it mirrored, and refuses to change them", async () => {
    const follower = await startNode("follower");
    // What a mirror of the leader wrote.
    await putStatusPageSettings(follower.store.db, {
      enabled: true,
      title: "Mirrored",
      description: null,
      monitorIds: null,
    });
    expect((await (await follower.api("/status/json", { token: null })).json()).title).toBe("Mirrored");
    const res = await follower.api(
      "/api/status-page/settings",
      put({ enabled: false, title: "Mine", description: null, monitorIds: null }),
    );
    expect(res.status).toBe(503);
    expect((await res.json()).error.code).toBe("READ_ONLY");
  });
});
