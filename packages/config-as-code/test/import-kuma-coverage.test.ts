import { readFileSync } from "node:fs";
import { importKumaBackup, normalizeDocument } from "../src/index.js";

/**
 * An Uptime Kuma 1.23 backup in its own export format (Settings → Backup → Export: version,
 * notificationList, monitorList as Kuma's toJSON writes them) with every monitor type and every
 * notification provider 1.23 has. Walked field by field: nothing may be lost without a word.
 */
type Row = Record<string, unknown>;
const backup = JSON.parse(readFileSync(new URL("./fixtures/kuma-1.23-backup.json", import.meta.url), "utf8")) as {
  notificationList: Row[];
  monitorList: Row[];
};
const result = importKumaBackup(backup);
const monitors = result.document.monitors;

const KUMA_1_23_MONITOR_TYPES = [
  "http",
  "port",
  "ping",
  "keyword",
  "json-query",
  "grpc-keyword",
  "dns",
  "docker",
  "real-browser",
  "push",
  "steam",
  "gamedig",
  "mqtt",
  "kafka-producer",
  "sqlserver",
  "postgres",
  "mysql",
  "mongodb",
  "radius",
  "redis",
  "group",
  "tailscale-ping",
];
// biome-ignore format: one provider name (Kuma's `type`) a word
const KUMA_1_23_NOTIFICATION_TYPES = [
  "alerta", "AlertNow", "AliyunSMS", "apprise", "Bark", "clicksendsms", "DingDing", "discord", "Feishu", "FreeMobile",
  "GoogleChat", "gorush", "gotify", "GrafanaOncall", "HomeAssistant", "Kook", "line", "LineNotify", "lunasea", "matrix",
  "mattermost", "nostr", "ntfy", "octopush", "OneBot", "Opsgenie", "PagerDuty", "PagerTree", "promosms", "pushbullet",
  "PushDeer", "pushover", "pushy", "rocket.chat", "ServerChan", "serwersms", "signal", "SMSManager", "slack", "SMSEagle",
  "smtp", "squadcast", "stackfield", "teams", "PushByTechulus", "telegram", "twilio", "Splunk", "webhook", "WeCom",
  "GoAlert", "ZohoCliq",
];

const configOf = (n: Row): Row => JSON.parse(String(n.config)) as Row;
const skippedAs = (kind: string, name: unknown) => result.skipped.find((s) => s.kind === kind && s.name === name);
const notesAbout = (kind: string, name: unknown) => result.notes.filter((n) => n.startsWith(`${kind} "${name}"`));
const isSet = (v: unknown) =>
  v !== null &&
  v !== undefined &&
  v !== "" &&
  v !== false &&
  !(Array.isArray(v) && v.length === 0) &&
  !(typeof v === "object" && !Array.isArray(v) && Object.keys(v as object).length === 0);

describe("a Kuma 1.23 backup with every monitor and notification type", () => {
  it("holds every monitor type and every notification type Kuma 1.23 has", () => {
    expect(new Set(backup.monitorList.map((m) => m.type))).toEqual(new Set(KUMA_1_23_MONITOR_TYPES));
    expect(new Set(backup.notificationList.map((n) => configOf(n).type))).toEqual(
      new Set(KUMA_1_23_NOTIFICATION_TYPES),
    );
  });

  it("imports or names with a reason every monitor", () => {
    const lost = backup.monitorList.filter((k) => {
      if (monitors.some((m) => m.name === k.name)) return false;
      return !skippedAs("monitor", k.name)?.reason;
    });
    expect(lost.map((k) => k.name)).toEqual([]);
    expect(result.imported.monitors + result.skipped.filter((s) => s.kind === "monitor").length).toBe(
      backup.monitorList.length,
    );
  });

  it("imports or names with a reason every notification", () => {
    const lost = backup.notificationList.filter((n) => {
      if (result.document.channels.some((c) => c.name === n.name)) return false;
      return !skippedAs("notification", n.name)?.reason;
    });
    expect(lost.map((n) => n.name)).toEqual([]);
  });

  it("produces a document uptop takes as it is", () => {
    expect(normalizeDocument(result.document).state.monitors).toHaveLength(monitors.length);
  });
});

/**
 * For each Kuma field that changes how a monitor of an imported type is checked or alerts: how
 * to see it carried over (`mapped`), or the words of the report that must name it.
 */
type Check = { mapped: (k: Row, m: Row) => boolean } | { reported: RegExp };
const http = (k: Row) => k.type === "http" || k.type === "keyword" || k.type === "json-query";
const FIELDS: Record<string, Check & { types?: (k: Row) => boolean }> = {
  name: { mapped: (k, m) => m.name === k.name },
  description: { mapped: (k, m) => m.description === k.description },
  active: { mapped: (k, m) => (k.active === false) === (m.paused === true) },
  parent: { mapped: (_k, m) => typeof m.parent === "string" },
  interval: { mapped: (k, m) => m.interval === k.interval },
  retryInterval: { mapped: (k, m) => (m.retryInterval ?? m.interval) === k.retryInterval },
  maxretries: { mapped: (k, m) => (m.retries ?? 0) === k.maxretries },
  timeout: { mapped: (k, m) => m.timeout === k.timeout },
  resendInterval: { reported: /re-sent DOWN notifications every/ },
  notificationIDList: { mapped: (_k, m) => Array.isArray(m.channels) && m.channels.length > 0 },
  tags: { reported: /Kuma tags .* are not imported/ },
  url: { types: http, mapped: (k, m) => m.url === k.url },
  method: { types: http, mapped: (k, m) => (m.method ?? "GET") === String(k.method).toUpperCase() },
  headers: {
    types: http,
    mapped: (k, m) =>
      Object.entries(JSON.parse(String(k.headers)) as Row).every(([h, v]) => (m.headers as Row)[h] === v),
  },
  body: {
    types: http,
    // Kuma parses a JSON body and sends it again as compact JSON; others go as written.
    mapped: (k, m) => m.body === (k.httpBodyEncoding === "json" ? JSON.stringify(JSON.parse(String(k.body))) : k.body),
  },
  httpBodyEncoding: {
    types: (k) => http(k) && isSet(k.body),
    mapped: (_k, m) => typeof (m.headers as Row | undefined)?.["Content-Type"] === "string",
  },
  authMethod: { types: http, mapped: (k, m) => (m.auth as Row | undefined)?.type === k.authMethod },
  basic_auth_user: { types: http, mapped: (k, m) => (m.auth as Row | undefined)?.username === k.basic_auth_user },
  basic_auth_pass: { types: http, mapped: (k, m) => (m.auth as Row | undefined)?.password === k.basic_auth_pass },
  ignoreTls: { types: http, mapped: (_k, m) => m.ignoreTls === true },
  maxredirects: { types: http, mapped: (k, m) => m.maxRedirects === k.maxredirects },
  accepted_statuscodes: {
    types: http,
    mapped: (k, m) => m.acceptedCodes === (k.accepted_statuscodes as string[]).join(","),
  },
  expiryNotification: { types: http, reported: /certificate-expiry reminder days/ },
  proxyId: { types: http, reported: /through an HTTP proxy/ },
  keyword: { types: (k) => k.type === "keyword", mapped: (k, m) => (m.keyword ?? m.keywordAbsent) === k.keyword },
  invertKeyword: { types: (k) => k.type === "keyword", mapped: (k, m) => m.keywordAbsent === k.keyword },
  jsonPath: {
    types: (k) => k.type === "json-query",
    mapped: (k, m) => (m.jsonAssertion as Row).path === `$.${k.jsonPath}`,
  },
  expectedValue: {
    types: (k) => k.type === "json-query",
    mapped: (k, m) => (m.jsonAssertion as Row).equals === k.expectedValue,
  },
  hostname: {
    types: (k) => ["port", "ping", "dns"].includes(String(k.type)),
    mapped: (k, m) => m.hostname === k.hostname,
  },
  port: {
    types: (k) => k.type === "port" || k.type === "dns",
    mapped: (k, m) => m.port === k.port || String(m.resolver).endsWith(`:${k.port}`),
  },
  packetSize: { types: (k) => k.type === "ping", reported: /packetSize/ },
  dns_resolve_type: { types: (k) => k.type === "dns", mapped: (k, m) => m.recordType === k.dns_resolve_type },
  dns_resolve_server: {
    types: (k) => k.type === "dns",
    mapped: (k, m) => String(m.resolver).startsWith(String(k.dns_resolve_server)),
  },
  pushToken: { types: (k) => k.type === "push", mapped: (k, m) => m.token === k.pushToken },
};
/** Kuma's defaults: a field at its default changes nothing. */
const DEFAULTS: Row = {
  packetSize: 56,
  maxredirects: 10,
  timeout: 48,
  interval: 60,
  retryInterval: 60,
  resendInterval: 0,
  maxretries: 0,
};

describe("every field of an imported Kuma monitor that changes behaviour", () => {
  const imported = backup.monitorList.filter((k) => monitors.some((m) => m.name === k.name));

  it("covers every imported type", () => {
    expect(new Set(imported.map((k) => k.type))).toEqual(
      new Set(["group", "http", "keyword", "json-query", "port", "ping", "dns", "push"]),
    );
  });

  it.each(imported.map((k) => [k.name, k] as const))("%s: is mapped or reported", (_name, k) => {
    const m = monitors.find((x) => x.name === k.name)!;
    const notes = notesAbout("monitor", k.name);
    const missing: string[] = [];
    for (const [field, check] of Object.entries(FIELDS)) {
      const value = k[field];
      if (!isSet(value) || value === DEFAULTS[field] || (check.types && !check.types(k))) continue;
      if (field === "notificationIDList" && notes.some((n) => /alerts nobody/.test(n))) continue;
      const ok = "mapped" in check ? check.mapped(k, m) : notes.some((n) => check.reported.test(n));
      if (!ok) missing.push(field);
    }
    expect(missing).toEqual([]);
  });

  it("reports the monitor whose only notification was not imported as alerting nobody", () => {
    expect(notesAbout("monitor", "Nightly backup")).toContain(
      'monitor "Nightly backup" alerts nobody: its only Kuma notifications, "matrix alerts" (matrix), were not imported',
    );
  });
});

/** Kuma setting → the uptop setting it becomes, or the words of the report that must name it. */
const NOTIFICATION_FIELDS: Record<string, string | RegExp> = {
  discordWebhookUrl: "webhookUrl",
  discordUsername: "username",
  discordPrefixMessage: /message prefix "@here" is not imported.*nobody is pinged/,
  slackwebhookURL: "webhookUrl",
  slackchannel: "channel",
  slackusername: "username",
  slackiconemo: "iconEmoji",
  slackchannelnotify: /slackchannelnotify is not imported/,
  webhookURL: "url",
  webhookContentType: /./,
  webhookAdditionalHeaders: "headers",
  telegramBotToken: "botToken",
  telegramChatID: "chatId",
  telegramSendSilently: "disableNotification",
  telegramProtectContent: /protected its messages/,
  telegramMessageThreadID: "messageThreadId",
  smtpHost: "host",
  smtpPort: "port",
  smtpSecure: "secure",
  smtpUsername: "user",
  smtpPassword: "password",
  smtpFrom: "from",
  smtpTo: "to",
  smtpCC: /CC recipients/,
  smtpBCC: /BCC recipients/,
  customSubject: /subject template/,
  customBody: /body template/,
  smtpDkimDomain: /smtpDkimDomain is not imported/,
  smtpDkimKeySelector: /smtpDkimKeySelector is not imported/,
  smtpDkimPrivateKey: /smtpDkimPrivateKey is not imported/,
  ntfyserverurl: "serverUrl",
  ntfytopic: "topic",
  ntfyPriority: "priority",
  ntfyAuthenticationMethod: "token",
  ntfyaccesstoken: "token",
  ntfyIcon: /ntfyIcon is not imported/,
  pushoveruserkey: "userKey",
  pushoverapptoken: "appToken",
  pushoversounds: "sound",
  pushoverpriority: "priority",
  pushovertitle: /its title "Kuma" is not imported/,
  pushoverdevice: "device",
  pushoverttl: /time to live \(3600 s\)/,
  gotifyserverurl: "serverUrl",
  gotifyapplicationToken: "appToken",
  gotifyPriority: "priority",
  pagerdutyIntegrationKey: "routingKey",
  pagerdutyIntegrationUrl: "eventsUrl",
  pagerdutyPriority: "severity",
  pagerdutyAutoResolve: /./,
  opsgenieApiKey: "apiKey",
  opsgenieRegion: "apiUrl",
  opsgeniePriority: "priority",
};
const INERT_NOTIFICATION_FIELDS = new Set(["name", "type", "isDefault", "applyExisting"]);

describe("every setting of an imported Kuma notification", () => {
  const imported = backup.notificationList.filter((n) => result.document.channels.some((c) => c.name === n.name));

  it("covers every provider uptop has", () => {
    expect(imported.map((n) => configOf(n).type)).toEqual([
      "discord",
      "slack",
      "webhook",
      "telegram",
      "smtp",
      "ntfy",
      "pushover",
      "gotify",
      "PagerDuty",
      "Opsgenie",
    ]);
  });

  it.each(imported.map((n) => [n.name, n] as const))("%s: is mapped or reported", (name, n) => {
    const channel = result.document.channels.find((c) => c.name === name)!;
    const settings = channel.settings as Row;
    const notes = notesAbout("notification", name);
    const missing = Object.entries(configOf(n))
      .filter(([field, v]) => !INERT_NOTIFICATION_FIELDS.has(field) && isSet(v))
      .filter(([field]) => {
        const to = NOTIFICATION_FIELDS[field];
        if (to === undefined) return true;
        if (typeof to === "string") return settings[to] === undefined;
        // A setting mapped by meaning (a region, a recovery action) passes when it maps silently.
        return to.source !== "." && !notes.some((note) => to.test(note));
      })
      .map(([field]) => field);
    expect(missing).toEqual([]);
  });

  it("never sets uptop's alert-every-monitor flag from Kuma's 'Default enabled'", () => {
    expect(result.document.channels.filter((c) => c.default !== undefined)).toEqual([]);
    expect(notesAbout("notification", "Ops Slack")).toContain(
      'notification "Ops Slack": Kuma pre-selected it for new monitors ("Default enabled"); it alerts the 2 monitors ' +
        "Kuma linked it to, not every monitor (uptop's default: true would alert them all, so it is not set)",
    );
  });
});
