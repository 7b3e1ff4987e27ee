import type { KumaNotification } from "./kuma-backup.js";

export type KumaSettings = Record<string, unknown>;

/**
 * Kuma's settings of one notification type → uptop's channel type and settings. `note` is told
 * about each Kuma setting whose meaning changes on the way, or that uptop cannot hold.
 */
interface ChannelMapping {
  type: string;
  /** Every Kuma setting of the type the mapping reads (maps, or notes as changed). */
  reads: readonly string[];
  settings(k: KumaSettings, note: (message: string) => void): Record<string, unknown>;
}

/** Settings of every Kuma notification that say nothing about how it is sent. */
const INERT = new Set(["id", "name", "type", "isDefault", "applyExisting", "active", "userId"]);

/** Kuma keeps a form's every field, empty or not; empty ones say nothing. */
function isUnset(v: unknown): boolean {
  return v === null || v === undefined || v === "" || v === false;
}

/**
 * The Kuma settings of a notification that its mapping does not read: each one named, so a
 * setting uptop cannot hold (or a newer Kuma's) is never dropped unseen. Values are not shown:
 * they may be secrets.
 */
export function unreadSettings(mapping: ChannelMapping, k: KumaSettings): string[] {
  return Object.entries(k)
    .filter(([key, v]) => !INERT.has(key) && !mapping.reads.includes(key) && !isUnset(v))
    .map(([key]) => `Kuma's ${key} is not imported: uptop's ${mapping.type} channel has no such setting`);
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined);
const num = (v: unknown): number | undefined => {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && /^-?\d+$/.test(v.trim())) return Number(v);
  return undefined;
};
const bool = (v: unknown): boolean | undefined => (typeof v === "boolean" ? v : undefined);

/** Drops unset fields so the provider's defaults apply. */
function defined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

function jsonObject(text: unknown): Record<string, string> | undefined {
  if (typeof text !== "string" || text.trim() === "") return undefined;
  const parsed: unknown = JSON.parse(text);
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("is not a JSON object");
  return Object.fromEntries(Object.entries(parsed as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
}

const PAGERDUTY_SEVERITIES = new Set(["critical", "error", "warning", "info"]);

/** Keys are Kuma's `type` values, lower-cased (Kuma writes "PagerDuty", "Opsgenie"). */
export const KUMA_CHANNELS: Readonly<Record<string, ChannelMapping>> = {
  discord: {
    type: "discord",
    reads: ["discordWebhookUrl", "discordUsername", "discordPrefixMessage"],
    settings: (k, note) => {
      const prefix = str(k.discordPrefixMessage);
      if (prefix) {
        const pings = /@(here|everyone)\b|<@[!&]?\d+>/.test(prefix) ? ": nobody is pinged" : "";
        note(
          `its message prefix ${JSON.stringify(prefix)} is not imported; uptop's Discord messages have none${pings}`,
        );
      }
      return defined({ webhookUrl: str(k.discordWebhookUrl), username: str(k.discordUsername) });
    },
  },
  slack: {
    type: "slack",
    reads: ["slackwebhookURL", "slackchannel", "slackusername", "slackiconemo"],
    settings: (k) =>
      defined({
        webhookUrl: str(k.slackwebhookURL),
        channel: str(k.slackchannel),
        username: str(k.slackusername),
        iconEmoji: str(k.slackiconemo),
      }),
  },
  webhook: {
    type: "webhook",
    reads: ["webhookURL", "webhookContentType", "webhookCustomBody", "webhookAdditionalHeaders"],
    settings: (k, note) => {
      // uptop always posts its own documented JSON body; Kuma could also post form data or a template.
      if (k.webhookContentType === "form-data")
        note("Kuma posted form data; uptop posts its JSON body (application/json)");
      if (k.webhookContentType === "custom" || str(k.webhookCustomBody))
        note("its custom body template is not imported; uptop posts its own JSON body");
      return defined({ url: str(k.webhookURL), headers: jsonObject(k.webhookAdditionalHeaders) });
    },
  },
  telegram: {
    type: "telegram",
    reads: [
      "telegramBotToken",
      "telegramChatID",
      "telegramSendSilently",
      "telegramMessageThreadID",
      "telegramProtectContent",
    ],
    settings: (k, note) => {
      if (k.telegramProtectContent === true)
        note("Kuma protected its messages from forwarding and saving; uptop's Telegram messages are not protected");
      return defined({
        botToken: str(k.telegramBotToken),
        chatId: str(k.telegramChatID) ?? num(k.telegramChatID),
        disableNotification: bool(k.telegramSendSilently),
        messageThreadId: num(k.telegramMessageThreadID),
      });
    },
  },
  smtp: {
    type: "email",
    reads: [
      ...["smtpHost", "smtpPort", "smtpSecure", "smtpIgnoreTLSError", "smtpUsername", "smtpPassword"],
      ...["smtpFrom", "smtpTo", "smtpCC", "smtpBCC", "customSubject", "customBody"],
    ],
    settings: (k, note) => {
      const subject = str(k.customSubject);
      if (subject)
        note(`its subject template ${JSON.stringify(subject)} is not imported; uptop's subject is the alert's title`);
      if (str(k.customBody)) note("its body template is not imported; uptop sends its own message");
      const cc = str(k.smtpCC);
      if (cc) note(`its CC recipients (${cc}) are sent the alerts as To recipients: uptop has no CC`);
      // Adding BCC recipients to To would show their addresses to everyone else on the list.
      if (str(k.smtpBCC))
        note(
          `its BCC recipients (${str(k.smtpBCC)}) are not imported: uptop has no BCC; add them to to: if they may be seen`,
        );
      return defined({
        host: str(k.smtpHost),
        port: num(k.smtpPort),
        secure: bool(k.smtpSecure),
        ignoreTls: bool(k.smtpIgnoreTLSError),
        user: str(k.smtpUsername),
        password: str(k.smtpPassword),
        from: str(k.smtpFrom),
        to: [str(k.smtpTo), cc].filter(Boolean).join(", ") || undefined,
      });
    },
  },
  ntfy: {
    type: "ntfy",
    reads: [
      ...["ntfyserverurl", "ntfytopic", "ntfyPriority", "ntfyAuthenticationMethod"],
      ...["ntfyusername", "ntfypassword", "ntfyaccesstoken"],
    ],
    settings: (k) =>
      defined({
        serverUrl: str(k.ntfyserverurl),
        topic: str(k.ntfytopic),
        priority: num(k.ntfyPriority),
        ...(k.ntfyAuthenticationMethod === "usernamePassword" || (!k.ntfyAuthenticationMethod && str(k.ntfyusername))
          ? { user: str(k.ntfyusername), password: str(k.ntfypassword) }
          : {}),
        ...(k.ntfyAuthenticationMethod === "accessToken" ? { token: str(k.ntfyaccesstoken) } : {}),
      }),
  },
  pushover: {
    type: "pushover",
    reads: [
      ...["pushoveruserkey", "pushoverapptoken", "pushoverpriority", "pushoversounds", "pushoverdevice"],
      ...["pushovertitle", "pushoverttl"],
    ],
    settings: (k, note) => {
      const title = str(k.pushovertitle);
      if (title)
        note(`its title ${JSON.stringify(title)} is not imported; uptop's Pushover title is the alert's title`);
      const ttl = num(k.pushoverttl);
      if (ttl) note(`its time to live (${ttl} s) is not imported; uptop's Pushover messages do not expire`);
      return defined({
        userKey: str(k.pushoveruserkey),
        appToken: str(k.pushoverapptoken),
        priority: num(k.pushoverpriority),
        sound: str(k.pushoversounds),
        device: str(k.pushoverdevice),
      });
    },
  },
  gotify: {
    type: "gotify",
    reads: ["gotifyserverurl", "gotifyapplicationToken", "gotifyPriority"],
    settings: (k) =>
      defined({
        serverUrl: str(k.gotifyserverurl),
        appToken: str(k.gotifyapplicationToken),
        priority: num(k.gotifyPriority),
      }),
  },
  pagerduty: {
    type: "pagerduty",
    reads: ["pagerdutyIntegrationKey", "pagerdutyIntegrationUrl", "pagerdutyPriority", "pagerdutyAutoResolve"],
    settings: (k, note) => {
      const severity = str(k.pagerdutyPriority);
      // uptop resolves the incident when the monitor recovers; Kuma could acknowledge it or leave it.
      const onRecovery = str(k.pagerdutyAutoResolve);
      if (onRecovery === "acknowledge") note("Kuma acknowledged the PagerDuty incident on recovery; uptop resolves it");
      else if (onRecovery !== "resolve") note("Kuma left the PagerDuty incident open on recovery; uptop resolves it");
      return defined({
        routingKey: str(k.pagerdutyIntegrationKey),
        eventsUrl: str(k.pagerdutyIntegrationUrl),
        severity: severity && PAGERDUTY_SEVERITIES.has(severity) ? severity : undefined,
      });
    },
  },
  opsgenie: {
    type: "opsgenie",
    reads: ["opsgenieApiKey", "opsgenieRegion", "opsgeniePriority"],
    settings: (k) => {
      const p = num(k.opsgeniePriority);
      return defined({
        apiKey: str(k.opsgenieApiKey),
        apiUrl: k.opsgenieRegion === "eu" ? "https://api.eu.opsgenie.com" : undefined,
        priority: p !== undefined && p >= 1 && p <= 5 ? `P${p}` : undefined,
      });
    },
  },
};

/** The notification's provider settings: Kuma keeps them as a JSON string in `config`. */
export function kumaSettings(n: KumaNotification): KumaSettings {
  if (n.config === null || n.config === undefined) return {};
  if (typeof n.config !== "string") return n.config;
  const parsed: unknown = JSON.parse(n.config);
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
    throw new Error("config is not a JSON object");
  return parsed as KumaSettings;
}
