import { sendNotification } from "../src/index.js";
import { startFakeApi, type FakeApi } from "./fake-api.js";
import { INCIDENT, downMessage, reminderMessage, testMessage, upMessage } from "./messages.js";
import { settingsFor } from "./settings-for.js";

const ctx = { timeoutMs: 5000, allowPrivateTargets: true };
let api: FakeApi;

beforeAll(async () => {
  api = await startFakeApi();
});
afterAll(() => api.close());
beforeEach(() => {
  api.requests.length = 0;
});

describe("pagerduty", () => {
  beforeEach(() =>
    api.answer({ status: 202, body: `{"status":"success","message":"Event processed","dedup_key":"${INCIDENT}"}` }),
  );

  it("triggers on DOWN and resolves on UP with the same dedup_key", async () => {
    const settings = settingsFor("pagerduty", api.url);
    const down = await sendNotification("pagerduty", downMessage, settings, ctx);
    await sendNotification("pagerduty", upMessage, settings, ctx);
    expect(down.response).toContain("HTTP 202");
    expect(api.requests.map((r) => r.path)).toEqual(["/v2/enqueue", "/v2/enqueue"]);
    const [trigger, resolve] = api.requests.map((r) => r.json);
    expect(trigger).toEqual({
      routing_key: "PD-ROUTING-SECRET",
      event_action: "trigger",
      dedup_key: INCIDENT,
      client: "uptop",
      payload: {
        summary: "🔴 checkout-api is DOWN",
        source: "https://shop.example.com/health",
        severity: "error",
        timestamp: downMessage.at,
        component: "checkout-api",
        class: "http",
        custom_details: {
          event: "down",
          reason: downMessage.reason,
          details: expect.stringContaining(downMessage.reason),
          votes: downMessage.votes,
        },
      },
    });
    expect(resolve).toEqual({ routing_key: "PD-ROUTING-SECRET", event_action: "resolve", dedup_key: INCIDENT });
  });

  it("re-triggers the same incident for a reminder", async () => {
    await sendNotification("pagerduty", reminderMessage, settingsFor("pagerduty", api.url), ctx);
    expect(api.requests[0]!.json).toMatchObject({ event_action: "trigger", dedup_key: INCIDENT });
  });

  it("sends a test as an info-severity trigger that says it is a test", async () => {
    await sendNotification("pagerduty", testMessage, settingsFor("pagerduty", api.url), ctx);
    expect(api.requests[0]!.json).toMatchObject({
      event_action: "trigger",
      dedup_key: testMessage.incidentKey,
      payload: { summary: "🔔 Test notification from uptop", severity: "info", source: "uptop" },
    });
  });
});

describe("opsgenie", () => {
  beforeEach(() =>
    api.answer({ status: 202, body: '{"result":"Request will be processed","took":0.2,"requestId":"r-1"}' }),
  );

  it("creates an alert with alias = incident key on DOWN and closes it by alias on UP", async () => {
    const settings = { ...settingsFor("opsgenie", api.url), tags: ["uptop", "prod"] };
    await sendNotification("opsgenie", downMessage, settings, ctx);
    await sendNotification("opsgenie", upMessage, settings, ctx);
    const [create, close] = api.requests;
    expect(create!.path).toBe("/v2/alerts");
    expect(create!.headers.authorization).toBe("GenieKey OPSGENIE-SECRET");
    expect(create!.json).toEqual({
      message: "🔴 checkout-api is DOWN",
      alias: INCIDENT,
      description: expect.stringContaining(downMessage.reason),
      priority: "P1",
      source: "uptop",
      tags: ["uptop", "prod"],
      details: { event: "down", monitor: "checkout-api", monitorType: "http", url: "https://shop.example.com/health" },
    });
    expect(close!.path).toBe(`/v2/alerts/${encodeURIComponent(INCIDENT)}/close?identifierType=alias`);
    expect(close!.headers.authorization).toBe("GenieKey OPSGENIE-SECRET");
    expect(close!.json).toEqual({
      source: "uptop",
      note: expect.stringContaining("✅ checkout-api is UP after 5m 3s"),
    });
  });

  it("sends a test as a low-priority alert that says it is a test", async () => {
    await sendNotification("opsgenie", testMessage, settingsFor("opsgenie", api.url), ctx);
    expect(api.requests[0]!.json).toMatchObject({
      message: "🔔 Test notification from uptop",
      priority: "P5",
      alias: testMessage.incidentKey,
    });
  });
});
