import type { ChannelType } from "../src/index.js";

export const DISCORD_PATH = "/api/webhooks/123/tok-DISCORD-SECRET";
export const SLACK_PATH = "/services/T000/B000/SLACK-SECRET";
export const TELEGRAM_TOKEN = "123456:TELEGRAM-SECRET_abc";

/** Settings for each HTTP provider with its base URL pointed at a fake API. */
export function settingsFor(type: Exclude<ChannelType, "email">, base: string): Record<string, unknown> {
  switch (type) {
    case "discord":
      return { webhookUrl: base + DISCORD_PATH, username: "uptop" };
    case "slack":
      return { webhookUrl: base + SLACK_PATH };
    case "ntfy":
      return { serverUrl: base, topic: "uptop-alerts", token: "tk_NTFY-SECRET" };
    case "webhook":
      return {
        url: `${base}/hooks/uptop`,
        secret: "HMAC-SECRET",
        headers: { "X-Team": "ops", Authorization: "Bearer WEBHOOK-SECRET" },
      };
    case "telegram":
      return { botToken: TELEGRAM_TOKEN, chatId: "-100200300", apiUrl: base };
    case "pagerduty":
      return { routingKey: "PD-ROUTING-SECRET", eventsUrl: `${base}/v2/enqueue`, severity: "error" };
    case "pushover":
      return { userKey: "PUSHOVER-USER-SECRET", appToken: "PUSHOVER-APP-SECRET", apiUrl: `${base}/1/messages.json` };
    case "gotify":
      return { serverUrl: `${base}/gotify/`, appToken: "GOTIFY-SECRET" };
    case "opsgenie":
      return { apiKey: "OPSGENIE-SECRET", apiUrl: base };
  }
}

export const HTTP_TYPES = [
  "discord",
  "slack",
  "ntfy",
  "webhook",
  "telegram",
  "pagerduty",
  "pushover",
  "gotify",
  "opsgenie",
] as const;
