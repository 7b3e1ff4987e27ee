import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, SecretBox } from "@uptop/core";
import { openAndMigrate, type Store } from "@uptop/store";
import { ADMIN_TOKEN, apiClient, HttpTarget, quietLogger, until, type ApiClient } from "@uptop/test-kit";
import { EpochHolder, ServingNode } from "../src/index.js";

/**
 * A Kuma backup imported over the real route into a node whose engine runs: the imported
 * monitors must behave as they did in Kuma, checked against a loopback service.
 */
let store: Store;
let node: ServingNode;
let api: ApiClient;
let url: string;
const target = new HttpTarget();

interface MonitorView {
  id: number;
  name: string;
  status: string;
  headers: Record<string, string>;
  channels: string[];
}
interface ChannelView {
  name: string;
  default: boolean;
}

async function json<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await api(path, init);
  if (!res.ok) throw new Error(`${init.method ?? "GET"} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

const kumaMonitor = (m: Record<string, unknown>) => ({
  // What every monitor of a Kuma 1.23 export carries besides its own settings.
  description: null,
  weight: 2000,
  active: true,
  upsideDown: false,
  ignoreTls: false,
  maxredirects: 10,
  accepted_statuscodes: ["200-299"],
  dns_resolve_type: "A",
  dns_resolve_server: "1.1.1.1",
  proxyId: null,
  notificationIDList: {},
  tags: [],
  authMethod: null,
  httpBodyEncoding: "json",
  headers: null,
  body: null,
  interval: 20,
  retryInterval: 20,
  maxretries: 0,
  timeout: 5,
  parent: null,
  ...m,
});

const backup = () => ({
  version: "1.23.16",
  notificationList: [
    {
      id: 1,
      name: "Team Slack",
      active: true,
      isDefault: true,
      userId: 1,
      config: JSON.stringify({
        name: "Team Slack",
        type: "slack",
        isDefault: true,
        slackwebhookURL: "https://hooks.slack.com/services/T0/B0/X",
      }),
    },
  ],
  monitorList: [
    kumaMonitor({
      id: 1,
      name: "Orders API",
      type: "http",
      method: "POST",
      url: target.urlOf("/orders"),
      body: '{\n  "ping": true,\n  "items": [1, 2]\n}',
      httpBodyEncoding: "json",
      notificationIDList: { "1": true },
    }),
    kumaMonitor({
      id: 2,
      name: "SOAP endpoint",
      type: "http",
      method: "POST",
      url: target.urlOf("/soap"),
      body: "<ping>1</ping>",
      httpBodyEncoding: "xml",
    }),
    kumaMonitor({
      id: 3,
      name: "Vendor JSON API",
      type: "http",
      method: "POST",
      url: target.urlOf("/vendor"),
      headers: JSON.stringify({ "content-type": "application/json; charset=utf-8" }),
      body: '{"a":1}',
      httpBodyEncoding: "json",
    }),
    kumaMonitor({ id: 4, name: "Nightly cron", type: "push", pushToken: "Qz3kV8wLp2", interval: 60 }),
  ],
});

beforeAll(async () => {
  await target.start();
  target.set("/orders", "json");
  target.set("/vendor", "json");
  store = await openAndMigrate({ type: "sqlite", dsn: ":memory:" });
  const config = loadConfig({
    UPTOP_DB_DSN: ":memory:",
    UPTOP_CLUSTER_SECRET: "kuma-import-test-cluster-secret",
    UPTOP_DATA_DIR: mkdtempSync(join(tmpdir(), "uptop-kuma-")),
    UPTOP_HTTP_HOST: "127.0.0.1",
    UPTOP_HTTP_PORT: "0",
    UPTOP_API_TOKEN: ADMIN_TOKEN,
    UPTOP_LOG_LEVEL: "error",
    // The monitored service listens on loopback.
    UPTOP_ALLOW_PRIVATE_TARGETS: "true",
  });
  const epoch = new EpochHolder(store.db, "leader-1");
  await epoch.load();
  node = new ServingNode({
    config,
    logger: quietLogger(),
    store,
    box: new SecretBox(null),
    apiToken: ADMIN_TOKEN,
    role: "leader",
    epoch,
  });
  const port = await node.listen();
  await node.activate("test");
  url = `http://127.0.0.1:${port}`;
  api = apiClient(url);
  await json("/api/import/kuma", { method: "POST", body: JSON.stringify(backup()) });
}, 60_000);

afterAll(async () => {
  await node?.stop();
  await store?.close();
  await target.stop();
});

const monitorNamed = async (name: string) =>
  (await json<MonitorView[]>("/api/monitors")).find((m) => m.name === name) as MonitorView;
const upWithin = (name: string) =>
  until(`${name} to be UP`, async () => (await monitorNamed(name)).status === "UP" || undefined, 15_000, 100);

describe("a Kuma import keeps how each monitor behaved", () => {
  it("sends a JSON body as Kuma did: compact JSON as application/json, so the POST check is UP", async () => {
    await upWithin("Orders API");
    const sent = target.requests.find((r) => r.path === "/orders");
    expect(sent).toMatchObject({
      method: "POST",
      contentType: "application/json",
      body: '{"ping":true,"items":[1,2]}',
    });
  });

  it("sends an XML body as written with Kuma's text/xml content type", async () => {
    await upWithin("SOAP endpoint");
    const sent = target.requests.find((r) => r.path === "/soap");
    expect(sent).toMatchObject({ method: "POST", contentType: "text/xml; charset=utf-8", body: "<ping>1</ping>" });
  });

  it("keeps the monitor's own Content-Type header over the encoding's", async () => {
    await upWithin("Vendor JSON API");
    expect(target.requests.find((r) => r.path === "/vendor")?.contentType).toBe("application/json; charset=utf-8");
    expect((await monitorNamed("Vendor JSON API")).headers).toEqual({
      "content-type": "application/json; charset=utf-8",
    });
  });

  it("takes pushes to Kuma's 10-character token on the real push route, and the job goes UP", async () => {
    const res = await fetch(`${url}/api/push/Qz3kV8wLp2`, { method: "POST" });
    expect(res.status).toBe(200);
    await upWithin("Nightly cron");
  });

  it("links a Kuma 'Default enabled' notification to the monitors Kuma linked it to, not to every monitor", async () => {
    const channels = await json<ChannelView[]>("/api/channels");
    expect(channels.find((c) => c.name === "Team Slack")?.default).toBe(false);
    expect((await monitorNamed("Orders API")).channels).toEqual(["Team Slack"]);
    expect((await monitorNamed("SOAP endpoint")).channels).toEqual([]);
    expect((await monitorNamed("Nightly cron")).channels).toEqual([]);
  });
});
