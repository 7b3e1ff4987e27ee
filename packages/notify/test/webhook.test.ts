import { createHmac } from "node:crypto";
import { absorbsRepeats, CHANNEL_TYPES, sendNotification } from "../src/index.js";
import { startFakeApi, type FakeApi } from "./fake-api.js";
import { downMessage, testMessage, upMessage } from "./messages.js";
import { settingsFor } from "./settings-for.js";

const ctx = { timeoutMs: 5000, allowPrivateTargets: true };
let api: FakeApi;

beforeAll(async () => {
  api = await startFakeApi({ status: 200, body: "received", contentType: "text/plain" });
});
afterAll(() => api.close());
beforeEach(() => {
  api.requests.length = 0;
});

describe("webhook", () => {
  it("posts exactly the documented JSON for DOWN with custom headers and an HMAC signature", async () => {
    const result = await sendNotification("webhook", downMessage, settingsFor("webhook", api.url), ctx);
    expect(result.response).toBe("HTTP 200 received");
    const req = api.requests[0]!;
    expect(req.path).toBe("/hooks/uptop");
    expect(req.headers["x-team"]).toBe("ops");
    expect(req.headers.authorization).toBe("Bearer WEBHOOK-SECRET");
    expect(req.json).toEqual({
      event: "down",
      monitor: { id: 7, name: "checkout-api", type: "http", url: "https://shop.example.com/health" },
      status: "DOWN",
      previousStatus: "UP",
      reason: downMessage.reason,
      votes: downMessage.votes,
      at: downMessage.at,
      downSince: downMessage.downSince,
      outageDurationS: null,
      epoch: 3,
    });
    const expected = `sha256=${createHmac("sha256", "HMAC-SECRET").update(req.body).digest("hex")}`;
    expect(req.headers["x-uptop-signature"]).toBe(expected);
  });

  it("says up on UP, not alert, with the outage duration in seconds", async () => {
    await sendNotification("webhook", upMessage, settingsFor("webhook", api.url), ctx);
    expect(api.requests[0]!.json).toEqual({
      event: "up",
      monitor: { id: 7, name: "checkout-api", type: "http", url: "https://shop.example.com/health" },
      status: "UP",
      previousStatus: "DOWN",
      reason: upMessage.reason,
      votes: upMessage.votes,
      at: upMessage.at,
      downSince: upMessage.downSince,
      outageDurationS: 303,
      epoch: 3,
    });
  });

  it("lists a DOWN group's broken children", async () => {
    const children = [
      { name: "cart", status: "DOWN" as const },
      { name: "pay", status: "LATE" as const },
    ];
    const group = {
      ...downMessage,
      monitor: { id: 9, name: "shop", type: "group" as const, url: null },
      votes: [],
      children,
    };
    await sendNotification("webhook", group, { url: `${api.url}/g` }, ctx);
    expect(api.requests[0]!.json).toEqual({
      event: "down",
      monitor: { id: 9, name: "shop", type: "group", url: null },
      status: "DOWN",
      previousStatus: "UP",
      reason: downMessage.reason,
      votes: [],
      at: downMessage.at,
      downSince: downMessage.downSince,
      outageDurationS: null,
      epoch: 3,
      children: [
        { name: "cart", status: "DOWN" },
        { name: "pay", status: "LATE" },
      ],
    });
  });

  const nodeEvent = {
    ...testMessage,
    event: "node" as const,
    reason: "node probe-eu (eu-west) is offline: last seen 2025-01-02T03:00:00.000Z",
    incidentKey: "node-probe-eu-1735786800000",
  };
  // biome-ignore format: a table reads best one case per line
  it.each([
    ["a node going offline names the node", { ...nodeEvent, node: { id: "probe-eu", name: "probe-eu", region: "eu-west", status: "offline" } }, { node: { id: "probe-eu", name: "probe-eu", region: "eu-west", status: "offline" } }],
    ["a monitor left without data names the regions no live node covers", { ...nodeEvent, monitor: { id: 7, name: "checkout-api", type: "http" as const, url: "https://shop.example.com/health" }, uncoveredRegions: ["eu-west", "us-east"] }, { uncoveredRegions: ["eu-west", "us-east"] }],
  ])("on a node event, %s", async (_what, message, extra) => {
    await sendNotification("webhook", message, { url: `${api.url}/n` }, ctx);
    expect(api.requests[0]!.json).toEqual({
      event: "node",
      monitor: message.monitor,
      status: null,
      previousStatus: null,
      reason: nodeEvent.reason,
      votes: [],
      at: nodeEvent.at,
      downSince: null,
      outageDurationS: null,
      epoch: 3,
      ...extra,
    });
  });

  it("never sends a monitor URL's credentials, even from a message queued with them", async () => {
    const queued = {
      ...downMessage,
      monitor: { ...downMessage.monitor!, url: "https://svc:url-pa55@shop.example.com/h" },
    };
    await sendNotification("webhook", queued, { url: `${api.url}/c` }, ctx);
    expect(api.requests[0]!.json.monitor.url).toBe("https://shop.example.com/h");
    expect(api.requests[0]!.body).not.toContain("url-pa55");
  });

  it("sends a test with a null monitor", async () => {
    await sendNotification("webhook", testMessage, settingsFor("webhook", api.url), ctx);
    expect(api.requests[0]!.json).toMatchObject({ event: "test", monitor: null, status: null });
  });

  it("sends no signature header without a secret, and honours a renamed header", async () => {
    await sendNotification("webhook", downMessage, { url: `${api.url}/a` }, ctx);
    await sendNotification(
      "webhook",
      downMessage,
      { url: `${api.url}/b`, secret: "k3y-long", signatureHeader: "X-Sig" },
      ctx,
    );
    const [plain, renamed] = api.requests;
    expect(plain!.headers["x-uptop-signature"]).toBeUndefined();
    expect(renamed!.headers["x-sig"]).toMatch(/^sha256=[0-9a-f]{64}$/);
  });

  it("carries the outbox row's dedupe key so a receiver can drop the one possible repeat", async () => {
    await sendNotification("webhook", downMessage, { url: `${api.url}/d` }, { ...ctx, deliveryId: "down:m7-1:c2" });
    await sendNotification("webhook", downMessage, { url: `${api.url}/e` }, ctx);
    expect(api.requests[0]!.headers["x-uptop-delivery"]).toBe("down:m7-1:c2");
    expect(api.requests[1]!.headers["x-uptop-delivery"]).toBeUndefined();
  });
});

describe("which providers absorb a repeated delivery", () => {
  // Decides whether the dispatcher re-sends a delivery whose outcome a crash lost.
  it.each(CHANNEL_TYPES.map((t) => [t, ["pagerduty", "opsgenie", "webhook"].includes(t)] as const))(
    "%s: %s",
    (type, absorbs) => {
      expect(absorbsRepeats(type)).toBe(absorbs);
    },
  );
});
