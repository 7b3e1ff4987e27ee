import { z } from "zod";
import { defineProvider } from "../define-provider.js";
import { toneOf } from "../event-colour.js";
import { formatText } from "../format-text.js";
import { joinUrl, jsonPost, sendHttp } from "../http-post.js";
import type { NotificationMessage } from "../message.js";
import { httpUrl, intInRange, requiredString } from "../settings-fields.js";

export const gotifySettingsSchema = z.strictObject({
  /** Gotify is always self-hosted, so there is no default server. */
  serverUrl: httpUrl(),
  appToken: requiredString(200),
  /** Priority of alerting messages; recoveries and tests use 4 (shown, no sound on most clients). */
  priority: intInRange(0, 10).default(8),
});
export type GotifySettings = z.infer<typeof gotifySettingsSchema>;

function priorityOf(message: NotificationMessage, configured: number): number {
  const tone = toneOf(message);
  return tone === "good" || tone === "info" ? 4 : configured;
}

export const gotifyProvider = defineProvider<GotifySettings>({
  type: "gotify",
  settingsSchema: gotifySettingsSchema,
  secretFields: ["appToken"],
  async deliver(message, settings, ctx) {
    const { title, body } = formatText(message);
    const payload = {
      title,
      message: body,
      priority: priorityOf(message, settings.priority),
      extras: { "client::display": { contentType: "text/plain" } },
    };
    // The header keeps the token out of URLs that proxies log.
    const post = jsonPost(joinUrl(settings.serverUrl, "message"), payload, {
      headers: { "X-Gotify-Key": settings.appToken },
    });
    return sendHttp("gotify", post, ctx);
  },
});
