import { ValidationError } from "@uptop/core";
import {
  CHANNEL_TYPES,
  REDACTED,
  redactSettings,
  secretFieldsOf,
  validateChannelSettings,
  type ChannelType,
} from "../src/index.js";

/** One complete, valid settings object per provider, every secret set. */
const VALID: Record<ChannelType, Record<string, unknown>> = {
  discord: { webhookUrl: "https://discord.com/api/webhooks/1/tok-abc" },
  slack: { webhookUrl: "https://hooks.slack.com/services/T0/B0/xyz" },
  email: {
    host: "smtp.example.com",
    user: "alerts",
    password: "pw-123456",
    from: "uptop <alerts@example.com>",
    to: ["ops@example.com"],
  },
  ntfy: { topic: "uptop-alerts", token: "tk_abcdef" },
  webhook: { url: "https://hooks.example.com/uptop", secret: "s3cret-hmac", headers: { Authorization: "Bearer xyz" } },
  telegram: { botToken: "123456:ABC-def_ghi", chatId: -100123 },
  pagerduty: { routingKey: "R0UT1NGKEY" },
  pushover: { userKey: "u-key-123", appToken: "a-token-456" },
  gotify: { serverUrl: "https://gotify.example.com", appToken: "AbCdEf123" },
  opsgenie: { apiKey: "genie-key-1" },
};

/** Secrets that cannot share one object with the table above (ntfy: token or user/password). */
const ALSO: Array<[ChannelType, Record<string, unknown>]> = [
  ["ntfy", { topic: "uptop-alerts", user: "bob", password: "pw-abcdef" }],
];

function issueFields(type: string, settings: unknown): string[] {
  try {
    validateChannelSettings(type, settings);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).issues.map((i) => i.field);
  }
  throw new Error("expected a ValidationError");
}

const without = (type: ChannelType, field: string) => {
  const { [field]: _dropped, ...rest } = VALID[type];
  return rest;
};

describe("validateChannelSettings", () => {
  it.each(CHANNEL_TYPES)("accepts a complete %s channel", (type) => {
    expect(() => validateChannelSettings(type, VALID[type])).not.toThrow();
  });

  it.each<[ChannelType, string]>([
    ["discord", "webhookUrl"],
    ["slack", "webhookUrl"],
    ["email", "host"],
    ["email", "from"],
    ["email", "to"],
    ["ntfy", "topic"],
    ["webhook", "url"],
    ["telegram", "botToken"],
    ["telegram", "chatId"],
    ["pagerduty", "routingKey"],
    ["pushover", "userKey"],
    ["pushover", "appToken"],
    ["gotify", "serverUrl"],
    ["gotify", "appToken"],
    ["opsgenie", "apiKey"],
  ])("%s without %s names settings.<field>", (type, field) => {
    expect(issueFields(type, without(type, field))).toEqual([`settings.${field}`]);
  });

  it("words a missing field as required", () => {
    try {
      validateChannelSettings("pagerduty", {});
      throw new Error("expected a ValidationError");
    } catch (err) {
      expect((err as ValidationError).issues).toEqual([{ field: "settings.routingKey", message: "is required" }]);
      expect((err as ValidationError).message).toBe("settings.routingKey: is required");
    }
  });

  it.each(CHANNEL_TYPES)("rejects an unknown field on a %s channel", (type) => {
    expect(issueFields(type, { ...VALID[type], webhookUrlTypo: "x" })).toEqual(["settings.webhookUrlTypo"]);
  });

  it.each<[ChannelType, Record<string, unknown>, string]>([
    ["discord", { webhookUrl: "ftp://discord.com/x" }, "settings.webhookUrl"],
    ["ntfy", { topic: "has spaces" }, "settings.topic"],
    ["ntfy", { topic: "t", priority: 9 }, "settings.priority"],
    ["ntfy", { topic: "t", user: "bob" }, "settings.password"],
    ["email", { ...VALID.email, to: ["not-an-address"] }, "settings.to.0"],
    ["email", { ...VALID.email, port: 70_000 }, "settings.port"],
    ["telegram", { botToken: "nope", chatId: 1 }, "settings.botToken"],
    ["pagerduty", { routingKey: "k", severity: "apocalyptic" }, "settings.severity"],
    ["webhook", { url: "https://x.example", headers: { "X-Bad": "a\r\nInjected: 1" } }, "settings.headers.X-Bad"],
    ["opsgenie", { apiKey: "k", apiUrl: "not a url" }, "settings.apiUrl"],
  ])("%s rejects %j at %s", (type, settings, field) => {
    expect(issueFields(type, settings)).toContain(field);
  });

  it("rejects an unknown channel type naming the type field", () => {
    expect(issueFields("carrier-pigeon", {})).toEqual(["type"]);
  });

  it("fills in documented defaults", () => {
    expect(validateChannelSettings("ntfy", { topic: "a" })).toMatchObject({ serverUrl: "https://ntfy.sh" });
    expect(validateChannelSettings("telegram", { botToken: "1:a", chatId: 5 })).toMatchObject({
      apiUrl: "https://api.telegram.org",
      chatId: "5",
      parseMode: "HTML",
    });
    expect(validateChannelSettings("pagerduty", { routingKey: "k" })).toMatchObject({
      eventsUrl: "https://events.pagerduty.com/v2/enqueue",
      severity: "critical",
    });
    expect(validateChannelSettings("pushover", { userKey: "u", appToken: "a" })).toMatchObject({
      apiUrl: "https://api.pushover.net/1/messages.json",
    });
    expect(validateChannelSettings("opsgenie", { apiKey: "k" })).toMatchObject({ apiUrl: "https://api.opsgenie.com" });
  });

  it("accepts a comma-separated recipient list as several recipients", () => {
    const s = validateChannelSettings("email", { ...VALID.email, to: "a@example.com, b@example.com" });
    expect(s.to).toEqual(["a@example.com", "b@example.com"]);
  });
});

describe("redactSettings", () => {
  it.each([...CHANNEL_TYPES.map((t): [ChannelType, Record<string, unknown>] => [t, VALID[t]]), ...ALSO])(
    "hides every secret field of a %s channel (%j)",
    (type, settings) => {
      const redacted = redactSettings(type, settings);
      const text = JSON.stringify(redacted);
      for (const field of secretFieldsOf(type)) {
        const value = settings[field];
        if (value === undefined) continue;
        expect(redacted[field]).toBe(REDACTED);
        for (const secret of typeof value === "string" ? [value] : Object.values(value as object))
          expect(text).not.toContain(secret);
      }
    },
  );

  it("leaves absent secrets absent and other fields untouched", () => {
    expect(redactSettings("ntfy", { topic: "alerts", serverUrl: "https://ntfy.sh" })).toEqual({
      topic: "alerts",
      serverUrl: "https://ntfy.sh",
    });
  });

  it("covers every secret this table sets", () => {
    // Guards the table above: a provider gaining a secret field must gain a value here too.
    for (const type of CHANNEL_TYPES) {
      const tables = [VALID[type], ...ALSO.filter(([t]) => t === type).map(([, s]) => s)];
      const set = secretFieldsOf(type).filter((f) => tables.some((s) => s[f] !== undefined));
      expect({ type, set }).toEqual({ type, set: [...secretFieldsOf(type)] });
    }
  });
});
