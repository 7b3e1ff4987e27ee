import { z } from "zod";
import { defineProvider } from "../define-provider.js";
import { TONE_RGB, toneOf } from "../event-colour.js";
import { formatText } from "../format-text.js";
import { jsonPost, sendHttp } from "../http-post.js";
import { httpUrl, optionalString } from "../settings-fields.js";

export const discordSettingsSchema = z.strictObject({
  /** The whole webhook URL is the credential: its path holds the token. */
  webhookUrl: httpUrl(),
  username: optionalString(80),
  avatarUrl: httpUrl().optional(),
});
export type DiscordSettings = z.infer<typeof discordSettingsSchema>;

export const discordProvider = defineProvider<DiscordSettings>({
  type: "discord",
  settingsSchema: discordSettingsSchema,
  secretFields: ["webhookUrl"],
  async deliver(message, settings, ctx) {
    const { title, body } = formatText(message);
    const payload = {
      ...(settings.username ? { username: settings.username } : {}),
      ...(settings.avatarUrl ? { avatar_url: settings.avatarUrl } : {}),
      // Mentions in monitor names or reasons must not ping @everyone.
      allowed_mentions: { parse: [] },
      embeds: [
        {
          title: title.slice(0, 256),
          description: body.slice(0, 4096),
          color: TONE_RGB[toneOf(message)],
          timestamp: message.at,
          ...(message.monitor?.url && URL.canParse(message.monitor.url) ? { url: message.monitor.url } : {}),
          footer: { text: "uptop" },
        },
      ],
    };
    return sendHttp("discord", jsonPost(settings.webhookUrl, payload), ctx);
  },
});
