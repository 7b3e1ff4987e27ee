/**
 * The settings each channel type takes, as the notify providers' schemas define them: what the
 * channel form shows. The API validates; this only decides which inputs to draw and how to send
 * their text (a number, a yes/no, a list, header lines).
 */
export type SettingKind = "text" | "url" | "secret" | "number" | "bool" | "list" | "headers" | "select";

export interface SettingField {
  key: string;
  label: string;
  kind: SettingKind;
  required?: boolean;
  hint?: string;
  options?: readonly string[];
}

const f = (key: string, label: string, kind: SettingKind, extra: Partial<SettingField> = {}): SettingField => ({
  key,
  label,
  kind,
  ...extra,
});

export const CHANNEL_FIELDS: Record<string, SettingField[]> = {
  webhook: [
    f("url", "Webhook URL", "url", { required: true }),
    f("secret", "Signing secret", "secret", { hint: "Optional: the body is signed with HMAC-SHA256" }),
    f("signatureHeader", "Signature header", "text", { hint: "Default X-Uptop-Signature" }),
    f("headers", "Extra headers", "headers", { hint: "One per line, as Name: value" }),
  ],
  discord: [
    f("webhookUrl", "Discord webhook URL", "secret", { required: true }),
    f("username", "Bot name", "text"),
    f("avatarUrl", "Avatar URL", "url"),
  ],
  slack: [
    f("webhookUrl", "Slack webhook URL", "secret", { required: true }),
    f("channel", "Slack channel", "text"),
    f("username", "Bot name", "text"),
    f("iconEmoji", "Icon emoji", "text"),
  ],
  email: [
    f("host", "SMTP host", "text", { required: true }),
    f("port", "SMTP port", "number", { hint: "Default 465 with implicit TLS, else 587" }),
    f("secure", "Implicit TLS (port 465)", "bool"),
    f("requireTls", "Require STARTTLS", "bool"),
    f("ignoreTls", "Accept unverifiable certificates", "bool"),
    f("user", "SMTP user", "text"),
    f("password", "SMTP password", "secret"),
    f("from", "From", "text", { required: true, hint: "e.g. uptop <alerts@example.com>" }),
    f("to", "To", "list", { required: true, hint: "Addresses, separated by commas" }),
    f("subjectPrefix", "Subject prefix", "text"),
  ],
  ntfy: [
    f("serverUrl", "ntfy server", "url", { hint: "Default https://ntfy.sh" }),
    f("topic", "Topic", "text", { required: true }),
    f("priority", "Priority (1-5)", "number"),
    f("token", "Access token", "secret"),
    f("user", "ntfy user", "text"),
    f("password", "ntfy password", "secret"),
  ],
  gotify: [
    f("serverUrl", "Gotify server", "url", { required: true }),
    f("appToken", "App token", "secret", { required: true }),
    f("priority", "Priority (0-10)", "number", { hint: "Default 8" }),
  ],
  pushover: [
    f("userKey", "User key", "secret", { required: true }),
    f("appToken", "App token", "secret", { required: true }),
    f("apiUrl", "API URL", "url"),
    f("priority", "Priority (-2 to 2)", "number", { hint: "Default 1" }),
    f("sound", "Sound", "text"),
    f("device", "Device", "text"),
  ],
  telegram: [
    f("botToken", "Bot token", "secret", { required: true, hint: "From @BotFather, like 123456:ABC-DEF…" }),
    f("chatId", "Chat id", "text", { required: true, hint: "A numeric id or @channelname" }),
    f("apiUrl", "API URL", "url"),
    f("parseMode", "Parse mode", "select", { options: ["HTML", "none"] }),
    f("disableNotification", "Send silently", "bool"),
    f("messageThreadId", "Topic (thread) id", "number"),
  ],
  pagerduty: [
    f("routingKey", "Routing key", "secret", { required: true }),
    f("eventsUrl", "Events URL", "url"),
    f("severity", "Severity", "select", { options: ["critical", "error", "warning", "info"] }),
  ],
  opsgenie: [
    f("apiKey", "API key", "secret", { required: true }),
    f("apiUrl", "API URL", "url", { hint: "https://api.eu.opsgenie.com for EU accounts" }),
    f("priority", "Priority", "select", { options: ["P1", "P2", "P3", "P4", "P5"] }),
    f("tags", "Tags", "list", { hint: "Separated by commas" }),
  ],
};

export const CHANNEL_TYPE_NAMES = Object.keys(CHANNEL_FIELDS);

/** The stored value as the form's text (or yes/no). */
export function fieldText(field: SettingField, value: unknown): string | boolean {
  if (field.kind === "bool") return value === true;
  if (value === undefined || value === null) return "";
  if (field.kind === "list" && Array.isArray(value)) return value.join(", ");
  if (field.kind === "headers" && typeof value === "object")
    return Object.entries(value as Record<string, string>)
      .map(([k, v]) => `${k}: ${v}`)
      .join("\n");
  return String(value);
}

/** The form's text as the value the API takes; undefined leaves the setting out (its default). */
export function fieldValue(field: SettingField, text: string | boolean): unknown {
  if (field.kind === "bool") return text === true;
  const t = String(text).trim();
  if (t === "") return undefined;
  // The mask of a stored secret goes back as it came: the API keeps the stored value for it.
  if (t === "********") return t;
  switch (field.kind) {
    case "number":
      return Number.isFinite(Number(t)) ? Number(t) : t;
    case "list":
      return t
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
    case "headers": {
      const out: Record<string, string> = {};
      for (const line of t.split("\n")) {
        if (!line.trim()) continue;
        const at = line.indexOf(":");
        out[(at < 0 ? line : line.slice(0, at)).trim()] = at < 0 ? "" : line.slice(at + 1).trim();
      }
      return out;
    }
    default:
      return t;
  }
}
