import { readFileSync } from "node:fs";
import { importKumaBackup, normalizeDocument } from "../src/index.js";

const backup: unknown = JSON.parse(readFileSync(new URL("./fixtures/kuma-backup.json", import.meta.url), "utf8"));
const result = importKumaBackup(backup);
const monitor = (name: string) => result.document.monitors.find((m) => m.name === name);
const channel = (name: string) => result.document.channels.find((c) => c.name === name);

describe("importKumaBackup: notifications", () => {
  // biome-ignore format: a table reads best one case per line
  it.each([
    ["Ops Discord", { name: "Ops Discord", type: "discord", settings: { webhookUrl: "https://discord.com/api/webhooks/123/abcDEF", username: "kuma-bot" } }],
    ["Ops Slack", { name: "Ops Slack", type: "slack", settings: { webhookUrl: "https://hooks.slack.com/services/T000/B000/XXXX", channel: "#ops", username: "kuma", iconEmoji: ":robot_face:" } }],
    ["Hook", { name: "Hook", type: "webhook", settings: { url: "https://hooks.example.com/kuma", headers: { "X-Api-Key": "hook-secret" } } }],
    ["Telegram", { name: "Telegram", type: "telegram", settings: { botToken: "123456:ABC-def_ghi", chatId: "-100200300", disableNotification: true, messageThreadId: 42 } }],
    ["Mail", { name: "Mail", type: "email", settings: { host: "smtp.example.com", port: 465, secure: true, ignoreTls: false, user: "alerts", password: "mail-pass", from: "Kuma <alerts@example.com>", to: "ops@example.com, oncall@example.com, lead@example.com" } }],
    ["Form hook", { name: "Form hook", type: "webhook", settings: { url: "https://forms.example.com/kuma" } }],
    ["ntfy", { name: "ntfy", type: "ntfy", settings: { serverUrl: "https://ntfy.example.com", topic: "uptime-alerts", priority: 5, token: "tk_ntfy_token" } }],
    ["Pushover", { name: "Pushover", type: "pushover", enabled: false, settings: { userKey: "u-key-123", appToken: "a-token-456", priority: 2, sound: "siren", device: "phone" } }],
    ["Gotify", { name: "Gotify", type: "gotify", settings: { serverUrl: "https://gotify.example.com", appToken: "AbCdEf123", priority: 7 } }],
    ["PagerDuty", { name: "PagerDuty", type: "pagerduty", settings: { routingKey: "pd-routing-key", eventsUrl: "https://events.pagerduty.com/v2/enqueue", severity: "error" } }],
    ["Opsgenie", { name: "Opsgenie", type: "opsgenie", settings: { apiKey: "og-api-key", apiUrl: "https://api.eu.opsgenie.com", priority: "P2" } }],
  ])("maps %s with its real settings", (name, expected) => {
    expect(channel(name)).toEqual(expected);
  });

  it("keeps a Kuma 'Default enabled' notification to the monitors it was linked to, and says why", () => {
    expect(channel("Ops Slack")?.default).toBeUndefined();
    const linked = result.document.monitors.filter((m) => (m.channels as string[] | undefined)?.includes("Ops Slack"));
    expect(linked.map((m) => m.name)).toEqual(["Storefront keyword"]);
    expect(result.notes).toContain(
      'notification "Ops Slack": Kuma pre-selected it for new monitors ("Default enabled"); it alerts the 1 monitor ' +
        "Kuma linked it to, not every monitor (uptop's default: true would alert them all, so it is not set)",
    );
  });

  it("skips unsupported notification types with a reason", () => {
    expect(result.skipped).toContainEqual({
      kind: "notification",
      name: "Matrix",
      type: "matrix",
      reason: 'notification type "matrix" is not supported',
    });
  });

  // Types are matched lower-cased, so these are the inherited keys a backup could name.
  it.each([["__proto__"], ["constructor"]])(
    "skips a notification type named like an object's inherited key, %s, as unsupported",
    (type) => {
      const { skipped } = importKumaBackup({
        notificationList: [{ id: 1, name: "odd", config: JSON.stringify({ type }) }],
      });
      expect(skipped).toEqual([
        { kind: "notification", name: "odd", type, reason: `notification type "${type}" is not supported` },
      ]);
    },
  );
});

describe("importKumaBackup: settings uptop holds differently, noted in the report", () => {
  // biome-ignore format: a table reads best one case per line
  it.each([
    ["a webhook's custom body", 'notification "Hook": its custom body template is not imported; uptop posts its own JSON body'],
    ["a form-data webhook", 'notification "Form hook": Kuma posted form data; uptop posts its JSON body (application/json)'],
    ["e-mail CC", 'notification "Mail": its CC recipients (lead@example.com) are sent the alerts as To recipients: uptop has no CC'],
    ["e-mail BCC", 'notification "Mail": its BCC recipients (audit@example.com) are not imported: uptop has no BCC; add them to to: if they may be seen'],
    ["a monitor's resend interval", 'monitor "Gateway ping": Kuma re-sent DOWN notifications every 10 checks (about 600 s); uptop sets reminders per channel, so set reminderInterval on its channels'],
  ])("notes %s", (_name, note) => {
    expect(result.notes).toContain(note);
  });

  const expiry = (ignoreTls: boolean) =>
    importKumaBackup({
      monitorList: [
        { id: 1, name: "e", type: "http", url: "https://e.example.com/", expiryNotification: true, ignoreTls },
      ],
    });
  it("notes certificate-expiry reminders, which uptop sends at its own number of days", () => {
    const r = expiry(false);
    expect(r.document.monitors[0]?.certExpiryDays).toBeUndefined();
    expect(r.notes).toContain(
      'monitor "e": Kuma\'s certificate-expiry reminder days are a server-wide setting; uptop warns once, when fewer than 14 days are left (certExpiryDays)',
    );
  });

  it("keeps certificate warnings off where Kuma ignored TLS errors (it never warned then)", () => {
    const r = expiry(true);
    expect(r.document.monitors[0]?.certExpiryDays).toBe(0);
    expect(r.notes).toEqual([]);
  });

  it("notes nothing for settings that map exactly", () => {
    expect(result.notes.filter((n) => /"(PagerDuty|MX record|Orders JSON)"/.test(n))).toEqual([]);
  });

  const pagerduty = (autoResolve: string | undefined) =>
    importKumaBackup({
      notificationList: [
        {
          id: 1,
          name: "pd",
          config: JSON.stringify({
            type: "PagerDuty",
            pagerdutyIntegrationKey: "k",
            ...(autoResolve === undefined ? {} : { pagerdutyAutoResolve: autoResolve }),
          }),
        },
      ],
    }).notes;
  it.each([
    ["resolve", []],
    ["acknowledge", ['notification "pd": Kuma acknowledged the PagerDuty incident on recovery; uptop resolves it']],
    ["0", ['notification "pd": Kuma left the PagerDuty incident open on recovery; uptop resolves it']],
    [undefined, ['notification "pd": Kuma left the PagerDuty incident open on recovery; uptop resolves it']],
  ])("notes a PagerDuty auto-resolve of %s unless it is resolve", (value, notes) => {
    expect(pagerduty(value)).toEqual(notes);
  });

  const dns = (server: string, port: number) =>
    importKumaBackup({
      monitorList: [{ id: 1, name: "d", type: "dns", hostname: "example.com", dns_resolve_server: server, port }],
    }).document.monitors[0]?.resolver;
  it.each([
    ["1.1.1.1", 53, "1.1.1.1"],
    ["1.1.1.1", 5353, "1.1.1.1:5353"],
    ["2001:db8::1", 5353, "[2001:db8::1]:5353"],
    ["dns.example.com", 8053, "dns.example.com:8053"],
  ])("keeps a DNS resolver's port: %s port %d", (server, port, resolver) => {
    expect(dns(server, port)).toBe(resolver);
  });
});

describe("importKumaBackup: monitors", () => {
  // biome-ignore format: a table reads best one case per line
  it.each([
    ["Shop", { name: "Shop", type: "group", interval: 60, timeout: 48 }],
    [
      "Checkout API",
      {
        name: "Checkout API", type: "http", parent: "Shop", description: "Checkout health", url: "https://shop.example.com/api/health", method: "POST",
        interval: 30, retryInterval: 20, retries: 3, timeout: 24, ignoreTls: true, maxRedirects: 5, acceptedCodes: "200-299,301",
        headers: { "Content-Type": "application/json", "X-Env": "prod", Authorization: "Bearer abc" }, body: '{"ping":true}', auth: { type: "basic", username: "shop", password: "s3cret" }, certExpiryDays: 0,
        channels: ["Ops Discord", "Hook"],
      },
    ],
    // Kuma's expiryNotification is off for these: no certificate warnings here either.
    ["Storefront keyword", { name: "Storefront keyword", type: "http", parent: "Shop", url: "https://shop.example.com/", method: "GET", keyword: "Add to cart", interval: 60, timeout: 48, maxRedirects: 10, acceptedCodes: "200-299", certExpiryDays: 0, channels: ["Ops Slack"] }],
    ["Maintenance banner absent", { name: "Maintenance banner absent", type: "http", url: "https://shop.example.com/", method: "GET", keywordAbsent: "Down for maintenance", interval: 60, timeout: 48, maxRedirects: 10, acceptedCodes: "200-299", certExpiryDays: 0 }],
    ["Orders JSON", { name: "Orders JSON", type: "http", url: "https://shop.example.com/api/status", method: "GET", jsonAssertion: { path: "$.status", equals: "ok" }, interval: 60, timeout: 48, maxRedirects: 10, acceptedCodes: "200-299", certExpiryDays: 0 }],
    ["Postgres port", { name: "Postgres port", type: "tcp", hostname: "db.example.com", port: 5432, interval: 120, retryInterval: 60, timeout: 10, paused: true }],
    ["Gateway ping", { name: "Gateway ping", type: "ping", hostname: "gw.example.com", retries: 2, interval: 60, timeout: 48 }],
    ["MX record", { name: "MX record", type: "dns", hostname: "example.com", recordType: "MX", resolver: "9.9.9.9:5353", interval: 60, timeout: 48 }],
    ["Nightly backup", { name: "Nightly backup", type: "push", token: "kuma0123456789abcdefPUSHtoken32", interval: 86400, retryInterval: 60, channels: ["PagerDuty"] }],
  ])("maps %s field by field", (name, expected) => {
    expect(monitor(name)).toEqual(expected);
  });

  it.each([
    ["Docker web", "docker", 'monitor type "docker" is not supported'],
    ["Steam", "steam", 'monitor type "steam" is not supported'],
    ["Upside down", "http", "upside-down mode is not supported"],
    ["Complex JSON", "json-query", 'JSON query "$sum(items.price) > 10" is a JSONata expression, not a plain path'],
  ])("skips %s (%s) with a reason", (name, type, reason) => {
    expect(result.skipped).toContainEqual({ kind: "monitor", name, type, reason });
  });

  it("renames a duplicate name instead of dropping it", () => {
    expect(monitor("Checkout API (kuma 14)")?.url).toBe("https://shop-eu.example.com/api/health");
    expect(result.notes.some((n) => n.includes("Checkout API (kuma 14)"))).toBe(true);
  });

  it("counts what it imported and produces a valid document", () => {
    expect(result.imported).toEqual({ monitors: 10, channels: 11 });
    expect(normalizeDocument(result.document).state.monitors).toHaveLength(10);
  });

  it("reads links from monitorNotificationList too", () => {
    const r = importKumaBackup({
      notificationList: [
        {
          id: 5,
          name: "hook",
          active: true,
          isDefault: false,
          config: JSON.stringify({ type: "webhook", webhookURL: "https://h.example.com/x" }),
        },
      ],
      monitorList: [{ id: 1, name: "a", type: "port", hostname: "a.example.com", port: 22 }],
      monitorNotificationList: [{ monitor_id: 1, notification_id: 5 }],
    });
    expect(r.document.monitors[0]?.channels).toEqual(["hook"]);
  });

  it("refuses a file that is not a Kuma backup", () => {
    expect(() => importKumaBackup({ monitorList: "nope" })).toThrow(/monitorList/);
  });
});

describe("importKumaBackup: nothing dropped silently", () => {
  const notification = (id: number, name: string, config: Record<string, unknown>) => ({
    id,
    name,
    active: true,
    isDefault: false,
    config: JSON.stringify({ name, ...config }),
  });
  const r = importKumaBackup({
    version: "1.23.16",
    notificationList: [
      notification(1, "Matrix room", { type: "matrix", homeserverUrl: "https://m.example.com" }),
      notification(2, "Discord", {
        type: "discord",
        discordWebhookUrl: "https://discord.com/api/webhooks/1/x",
        discordPrefixMessage: "@here",
      }),
      notification(3, "Telegram", {
        type: "telegram",
        telegramBotToken: "1:abc",
        telegramChatID: "42",
        telegramProtectContent: true,
      }),
      notification(4, "Mail", {
        type: "smtp",
        smtpHost: "smtp.example.com",
        smtpFrom: "kuma@example.com",
        smtpTo: "ops@example.com",
        customSubject: "[{{STATUS}}] {{NAME}}",
        smtpDkimPrivateKey: "-----BEGIN PRIVATE KEY-----",
      }),
      notification(5, "Pushover", {
        type: "pushover",
        pushoveruserkey: "u",
        pushoverapptoken: "a",
        pushovertitle: "Kuma says",
        pushoverttl: 3600,
      }),
      notification(6, "Signal", { type: "signal", signalURL: "http://signal.example.com" }),
    ],
    monitorList: [
      {
        id: 1,
        name: "Only Matrix",
        type: "port",
        hostname: "db.example.com",
        port: 5432,
        notificationIDList: { "1": true, "6": true },
      },
      {
        id: 2,
        name: "Matrix and Discord",
        type: "port",
        hostname: "db.example.com",
        port: 5433,
        notificationIDList: { "1": true, "2": true },
      },
      {
        id: 3,
        name: "Proxied",
        type: "http",
        url: "https://internal.example.com/",
        proxyId: 2,
        tags: [
          { id: 1, monitor_id: 3, tag_id: 1, name: "env", value: "prod", color: "#ff0000" },
          { id: 2, monitor_id: 3, tag_id: 2, name: "team", value: "", color: "#00ff00" },
        ],
      },
      { id: 4, name: "Big ping", type: "ping", hostname: "gw.example.com", packetSize: 1200 },
      { id: 5, name: "Future field", type: "port", hostname: "h.example.com", port: 22, cacheBust: true },
      { id: 6, name: "Bad JSON body", type: "http", url: "https://x.example.com/", method: "POST", body: "{nope" },
      {
        id: 7,
        name: "Form body",
        type: "http",
        url: "https://x.example.com/f",
        method: "POST",
        body: "a=1&b=2",
        httpBodyEncoding: "form",
      },
    ],
  });
  const notesOf = (name: string) =>
    r.notes.filter((n) => n.startsWith(`monitor "${name}"`) || n.startsWith(`notification "${name}"`));

  it("reports a monitor whose only notifications were not imported as alerting nobody", () => {
    expect(notesOf("Only Matrix")).toEqual([
      'monitor "Only Matrix" alerts nobody: its only Kuma notifications, "Matrix room" (matrix), "Signal" (signal), were not imported',
    ]);
    expect(notesOf("Matrix and Discord")).toEqual([
      'monitor "Matrix and Discord" does not alert through "Matrix room" (matrix): not imported',
    ]);
  });

  // biome-ignore format: a table reads best one case per line
  it.each([
    ["Discord @here", "Discord", `notification "Discord": its message prefix "@here" is not imported; uptop's Discord messages have none: nobody is pinged`],
    ["Telegram protect content", "Telegram", `notification "Telegram": Kuma protected its messages from forwarding and saving; uptop's Telegram messages are not protected`],
    ["an e-mail subject", "Mail", `notification "Mail": its subject template "[{{STATUS}}] {{NAME}}" is not imported; uptop's subject is the alert's title`],
    ["a setting without an equivalent, by name only", "Mail", `notification "Mail": Kuma's smtpDkimPrivateKey is not imported: uptop's email channel has no such setting`],
    ["a Pushover title", "Pushover", `notification "Pushover": its title "Kuma says" is not imported; uptop's Pushover title is the alert's title`],
    ["a Pushover TTL", "Pushover", `notification "Pushover": its time to live (3600 s) is not imported; uptop's Pushover messages do not expire`],
    ["tags", "Proxied", 'monitor "Proxied": its Kuma tags (env:prod, team) are not imported: uptop has no tags'],
    ["an HTTP proxy", "Proxied", 'monitor "Proxied": Kuma sent its requests through an HTTP proxy (Kuma proxy id 2), which is not imported: uptop connects directly'],
    ["a ping packet size", "Big ping", `monitor "Big ping": Kuma's packetSize 1200 is not imported: uptop pings with the system's default packet size`],
    ["a setting this importer does not know", "Future field", `monitor "Future field": Kuma's cacheBust is not imported: this importer does not know that setting (a newer Kuma's?)`],
  ])("reports %s", (_what, name, note) => {
    expect(notesOf(name)).toContain(note);
  });

  it("never shows the value of a setting it cannot hold: it may be a secret", () => {
    expect(r.notes.join("\n")).not.toContain("BEGIN PRIVATE KEY");
  });

  it("skips a JSON body Kuma could not send, and sends a form body as form data", () => {
    expect(r.skipped).toContainEqual({
      kind: "monitor",
      name: "Bad JSON body",
      type: "http",
      reason: "its JSON body is not valid JSON: Kuma refused to send it, so the monitor was always DOWN",
    });
    expect(r.document.monitors.find((m) => m.name === "Form body")).toMatchObject({
      body: "a=1&b=2",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
  });

  it("keeps a 10-character Kuma push token", () => {
    const doc = importKumaBackup({ monitorList: [{ id: 1, name: "cron", type: "push", pushToken: "Qz3kV8wLp2" }] });
    expect(normalizeDocument(doc.document).state.monitors[0]?.token).toBe("Qz3kV8wLp2");
  });
});
