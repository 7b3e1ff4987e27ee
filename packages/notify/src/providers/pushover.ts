import { z } from "zod";
import { defineProvider } from "../define-provider.js";
import { toneOf } from "../event-colour.js";
import { formatText } from "../format-text.js";
import { jsonPost, sendHttp } from "../http-post.js";
import type { NotificationMessage } from "../message.js";
import { httpUrlWithDefault, intInRange, optionalString, requiredString } from "../settings-fields.js";

export const pushoverSettingsSchema = z.strictObject({
  userKey: requiredString(100),
  appToken: requiredString(100),
  apiUrl: httpUrlWithDefault("https://api.pushover.net/1/messages.json"),
  /** Priority of alerting messages; recoveries and tests are always sent at 0. */
  priority: intInRange(-2, 2).default(1),
  sound: optionalString(100),
  device: optionalString(100),
});
export type PushoverSettings = z.infer<typeof pushoverSettingsSchema>;

/** Emergency (2) messages repeat until acknowledged; Pushover requires these two then. */
const EMERGENCY_RETRY_S = 60;
const EMERGENCY_EXPIRE_S = 3600;

function priorityOf(message: NotificationMessage, configured: number): number {
  const tone = toneOf(message);
  return tone === "good" || tone === "info" ? 0 : configured;
}

export const pushoverProvider = defineProvider<PushoverSettings>({
  type: "pushover",
  settingsSchema: pushoverSettingsSchema,
  secretFields: ["userKey", "appToken"],
  async deliver(message, settings, ctx) {
    const { title, body } = formatText(message);
    const priority = priorityOf(message, settings.priority);
    const payload = {
      token: settings.appToken,
      user: settings.userKey,
      title: title.slice(0, 250),
      message: body.slice(0, 1024),
      priority,
      timestamp: Math.floor(Date.parse(message.at) / 1000),
      ...(priority === 2 ? { retry: EMERGENCY_RETRY_S, expire: EMERGENCY_EXPIRE_S } : {}),
      ...(message.monitor?.url && /^https?:/.test(message.monitor.url)
        ? { url: message.monitor.url.slice(0, 512) }
        : {}),
      ...(settings.sound ? { sound: settings.sound } : {}),
      ...(settings.device ? { device: settings.device } : {}),
    };
    return sendHttp("pushover", jsonPost(settings.apiUrl, payload), ctx);
  },
});
