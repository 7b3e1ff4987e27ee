import { z } from "zod";
import { defineProvider } from "../define-provider.js";
import { toneHex, toneOf } from "../event-colour.js";
import { formatText } from "../format-text.js";
import { jsonPost, sendHttp } from "../http-post.js";
import { httpUrl, optionalString } from "../settings-fields.js";

export const slackSettingsSchema = z.strictObject({
  /** An incoming-webhook URL; its path is the credential. */
  webhookUrl: httpUrl(),
  channel: optionalString(200),
  username: optionalString(80),
  iconEmoji: optionalString(100),
});
export type SlackSettings = z.infer<typeof slackSettingsSchema>;

/** Slack's mrkdwn treats these three as control characters. */
function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export const slackProvider = defineProvider<SlackSettings>({
  type: "slack",
  settingsSchema: slackSettingsSchema,
  secretFields: ["webhookUrl"],
  async deliver(message, settings, ctx) {
    const { title, body } = formatText(message);
    const payload = {
      // `text` is what notifications and screen readers show.
      text: title,
      ...(settings.channel ? { channel: settings.channel } : {}),
      ...(settings.username ? { username: settings.username } : {}),
      ...(settings.iconEmoji ? { icon_emoji: settings.iconEmoji } : {}),
      attachments: [
        {
          color: toneHex(toneOf(message)),
          blocks: [
            {
              type: "section",
              text: { type: "mrkdwn", text: `*${escapeMrkdwn(title)}*\n${escapeMrkdwn(body)}`.slice(0, 3000) },
            },
          ],
        },
      ],
    };
    return sendHttp("slack", jsonPost(settings.webhookUrl, payload), ctx);
  },
});
