import { formatText, type NotificationMessage } from "../src/index.js";
import { downMessage, reminderMessage, testMessage, upMessage } from "./messages.js";

const group: NotificationMessage = {
  ...downMessage,
  monitor: { id: 9, name: "shop", type: "group", url: null },
  reason: "DOWN: 2 of 3 children down",
  children: [
    { name: "checkout-api", status: "DOWN" },
    { name: "search", status: "DOWN" },
  ],
};

const node = (status: string): NotificationMessage => ({
  ...testMessage,
  event: "node",
  reason: "no heartbeat for 90s",
  node: { id: "n1", name: "probe-eu", region: "eu-west", status },
  uncoveredRegions: ["eu-west"],
});

const cert = (daysLeft: number): NotificationMessage => ({
  ...downMessage,
  event: "cert",
  status: "UP",
  reason: "certificate expires soon",
  cert: { validTo: "2025-01-09T00:00:00.000Z", daysLeft },
});

describe("formatText", () => {
  it.each<[string, NotificationMessage, string]>([
    ["down", downMessage, "🔴 checkout-api is DOWN"],
    ["up with the outage duration", upMessage, "✅ checkout-api is UP after 5m 3s"],
    ["up without a known duration", { ...upMessage, outageDurationS: null }, "✅ checkout-api is UP"],
    [
      "up closing an incident because the monitor was paused",
      { ...upMessage, status: "PAUSED" as const },
      "⏸️ checkout-api was paused while DOWN: incident closed after 5m 3s",
    ],
    [
      "up closing an incident because the monitor was deleted",
      { ...upMessage, status: null },
      "🗑️ checkout-api was deleted while DOWN: incident closed after 5m 3s",
    ],
    ["reminder with time since down", reminderMessage, "🔴 checkout-api is still DOWN (for 1h 2m)"],
    ["cert expiring in days", cert(7), "⚠️ TLS certificate of checkout-api expires in 7 days"],
    ["cert expiring tomorrow", cert(1), "⚠️ TLS certificate of checkout-api expires in 1 day"],
    ["cert expiring today", cert(0), "⚠️ TLS certificate of checkout-api expires today"],
    ["cert already expired", cert(-2), "⚠️ TLS certificate of checkout-api expired 2 days ago"],
    ["node offline", node("offline"), "🔴 Node probe-eu (eu-west) is offline"],
    ["node back online", node("online"), "✅ Node probe-eu (eu-west) is online"],
    ["test", testMessage, "🔔 Test notification from uptop"],
  ])("words the title of %s", (_name, message, title) => {
    expect(formatText(message).title).toBe(title);
  });

  it("puts the evidence and the URL in the body of a DOWN", () => {
    const { body } = formatText(downMessage);
    expect(body).toContain("DOWN: 2 of 3 probes — eu-west: TIMEOUT, us-east: HTTP_STATUS 503");
    expect(body).toContain("URL: https://shop.example.com/health");
    expect(body).toContain("Down since: 2025-01-02T03:04:05.000Z");
  });

  it("lists every broken child of a DOWN group in one body", () => {
    const { title, body } = formatText(group);
    expect(title).toBe("🔴 shop is DOWN");
    expect(body).toContain("- checkout-api: DOWN\n- search: DOWN");
  });

  it("names regions left without a probe when a node goes offline", () => {
    expect(formatText(node("offline")).body).toContain("No probe covers: eu-west");
  });

  it("says plainly that a test is a test notification from uptop", () => {
    expect(formatText(testMessage).body).toMatch(/test notification from uptop/);
  });
});
