import { sendNotification } from "../src/index.js";
import { startFakeApi, type FakeApi } from "./fake-api.js";
import { downMessage, reminderMessage, testMessage, upMessage } from "./messages.js";
import { settingsFor } from "./settings-for.js";

const ctx = { timeoutMs: 5000, allowPrivateTargets: true };
let api: FakeApi;

beforeAll(async () => {
  api = await startFakeApi();
});
afterAll(() => api.close());
beforeEach(() => {
  api.requests.length = 0;
  api.answer({ status: 200, body: '{"id":1}' });
});

const only = () => {
  expect(api.requests).toHaveLength(1);
  return api.requests[0]!;
};

describe("ntfy", () => {
  it("publishes DOWN as JSON at the server root with top priority and a bearer token", async () => {
    await sendNotification("ntfy", downMessage, settingsFor("ntfy", api.url), ctx);
    const req = only();
    expect(req.path).toBe("/");
    expect(req.headers.authorization).toBe("Bearer tk_NTFY-SECRET");
    expect(req.json).toEqual({
      topic: "uptop-alerts",
      title: "🔴 checkout-api is DOWN",
      message: expect.stringContaining("DOWN: 2 of 3 probes"),
      priority: 5,
      tags: ["rotating_light"],
      click: "https://shop.example.com/health",
    });
  });

  it("sends UP and test at default priority and reminders at high", async () => {
    for (const m of [upMessage, testMessage, reminderMessage])
      await sendNotification("ntfy", m, settingsFor("ntfy", api.url), ctx);
    const bodies = api.requests.map((r) => r.json as { title: string; priority: number });
    expect(bodies.map((b) => [b.title, b.priority])).toEqual([
      ["✅ checkout-api is UP after 5m 3s", 3],
      ["🔔 Test notification from uptop", 3],
      ["🔴 checkout-api is still DOWN (for 1h 2m)", 4],
    ]);
  });

  it("uses basic auth when user and password are set", async () => {
    const settings = { serverUrl: `${api.url}/ntfy`, topic: "alerts", user: "bob", password: "pw-ntfy" };
    await sendNotification("ntfy", downMessage, settings, ctx);
    const req = only();
    expect(req.path).toBe("/ntfy");
    expect(req.headers.authorization).toBe(`Basic ${Buffer.from("bob:pw-ntfy").toString("base64")}`);
  });
});

describe("pushover", () => {
  it("posts token, user, title and the configured priority for DOWN", async () => {
    await sendNotification(
      "pushover",
      downMessage,
      { ...settingsFor("pushover", api.url), priority: 2, sound: "siren" },
      ctx,
    );
    const req = only();
    expect(req.path).toBe("/1/messages.json");
    expect(req.json).toEqual({
      token: "PUSHOVER-APP-SECRET",
      user: "PUSHOVER-USER-SECRET",
      title: "🔴 checkout-api is DOWN",
      message: expect.stringContaining("DOWN: 2 of 3 probes"),
      priority: 2,
      // Emergency priority is refused by Pushover without retry and expire.
      retry: 60,
      expire: 3600,
      timestamp: Date.parse(downMessage.at) / 1000,
      url: "https://shop.example.com/health",
      sound: "siren",
    });
  });

  it("sends UP and test at normal priority", async () => {
    await sendNotification("pushover", upMessage, settingsFor("pushover", api.url), ctx);
    await sendNotification("pushover", testMessage, settingsFor("pushover", api.url), ctx);
    const bodies = api.requests.map((r) => r.json as { title: string; priority: number });
    expect(bodies).toMatchObject([
      { title: "✅ checkout-api is UP after 5m 3s", priority: 0 },
      { title: "🔔 Test notification from uptop", priority: 0 },
    ]);
  });
});

describe("gotify", () => {
  it("posts to <server>/message with the app token in X-Gotify-Key", async () => {
    await sendNotification("gotify", downMessage, settingsFor("gotify", api.url), ctx);
    const req = only();
    expect(req.path).toBe("/gotify/message");
    expect(req.headers["x-gotify-key"]).toBe("GOTIFY-SECRET");
    expect(req.json).toEqual({
      title: "🔴 checkout-api is DOWN",
      message: expect.stringContaining("DOWN: 2 of 3 probes"),
      priority: 8,
      extras: { "client::display": { contentType: "text/plain" } },
    });
  });

  it("sends UP and test at a quiet priority", async () => {
    await sendNotification("gotify", upMessage, settingsFor("gotify", api.url), ctx);
    await sendNotification("gotify", testMessage, settingsFor("gotify", api.url), ctx);
    expect(api.requests.map((r) => r.json)).toMatchObject([
      { title: "✅ checkout-api is UP after 5m 3s", priority: 4 },
      { title: "🔔 Test notification from uptop", priority: 4 },
    ]);
  });
});
