import { z } from "zod";
import { defineProvider } from "../define-provider.js";
import { formatText } from "../format-text.js";
import { jsonPost, sendHttp } from "../http-post.js";
import type { NotificationMessage } from "../message.js";
import { toneOf } from "../event-colour.js";
import { httpUrlWithDefault, intInRange, optionalString, requiredString } from "../settings-fields.js";

export const ntfySettingsSchema = z
  .strictObject({
    serverUrl: httpUrlWithDefault("https://ntfy.sh"),
    topic: requiredString(64).regex(/^[-_A-Za-z0-9]+$/, "may hold only letters, digits, - and _"),
    /** Overrides the priority of alerting messages (down, reminder, cert, node offline). */
    priority: intInRange(1, 5).optional(),
    token: optionalString(1000),
    user: optionalString(200),
    password: optionalString(1000),
  })
  .superRefine((s, ctx) => {
    if (s.user && !s.password)
      ctx.addIssue({ code: "custom", path: ["password"], message: "is required when user is set" });
    if (s.password && !s.user)
      ctx.addIssue({ code: "custom", path: ["user"], message: "is required when password is set" });
    if (s.token && s.user)
      ctx.addIssue({ code: "custom", path: ["token"], message: "use either token or user/password, not both" });
  });
export type NtfySettings = z.infer<typeof ntfySettingsSchema>;

const TAGS = { bad: ["rotating_light"], good: ["white_check_mark"], warn: ["warning"], info: ["bell"] } as const;

/** ntfy priorities: 5 wakes the phone, 3 is an ordinary notification. */
function priorityOf(message: NotificationMessage, override: number | undefined): number {
  const tone = toneOf(message);
  if (tone === "good" || tone === "info") return 3;
  if (override !== undefined) return override;
  return message.event === "down" ? 5 : 4;
}

export const ntfyProvider = defineProvider<NtfySettings>({
  type: "ntfy",
  settingsSchema: ntfySettingsSchema,
  secretFields: ["token", "password"],
  async deliver(message, settings, ctx) {
    const { title, body } = formatText(message);
    // JSON publishing at the server root keeps UTF-8 titles intact (headers are Latin-1).
    const payload = {
      topic: settings.topic,
      title,
      message: body,
      priority: priorityOf(message, settings.priority),
      tags: [...TAGS[toneOf(message)]],
      ...(message.monitor?.url && /^https?:/.test(message.monitor.url) ? { click: message.monitor.url } : {}),
    };
    const headers: Record<string, string> = settings.token ? { Authorization: `Bearer ${settings.token}` } : {};
    const basicAuth =
      settings.user && settings.password ? { username: settings.user, password: settings.password } : undefined;
    return sendHttp(
      "ntfy",
      jsonPost(settings.serverUrl, payload, { headers, ...(basicAuth ? { basicAuth } : {}) }),
      ctx,
    );
  },
});
