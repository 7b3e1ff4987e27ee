import { z } from "zod";
import { defineProvider } from "../define-provider.js";
import { formatText } from "../format-text.js";
import { joinUrl, jsonPost, sendHttp } from "../http-post.js";
import { httpUrlWithDefault } from "../settings-fields.js";

export const telegramSettingsSchema = z.strictObject({
  botToken: z
    .string({ error: (i) => (i.input === undefined ? "is required" : "must be a string") })
    .trim()
    .regex(/^\d+:[A-Za-z0-9_-]+$/, "must look like 123456:ABC-DEF… (from @BotFather)"),
  /** A numeric chat id (negative for groups) or @channelname. */
  chatId: z
    .union(
      [
        z
          .string()
          .trim()
          .regex(/^(-?\d+|@[A-Za-z0-9_]{4,})$/, "must be a numeric id or @channelname"),
        z.number().int(),
      ],
      {
        error: (i) => (i.input === undefined ? "is required" : "must be a numeric id or @channelname"),
      },
    )
    .transform(String),
  apiUrl: httpUrlWithDefault("https://api.telegram.org"),
  parseMode: z.enum(["HTML", "none"]).default("HTML"),
  disableNotification: z.boolean().default(false),
  messageThreadId: z.number().int().optional(),
});
export type TelegramSettings = z.infer<typeof telegramSettingsSchema>;

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Telegram refuses messages over 4096 characters. */
const MAX_TEXT = 4096;

export const telegramProvider = defineProvider<TelegramSettings>({
  type: "telegram",
  settingsSchema: telegramSettingsSchema,
  // The token sits in the request path (/bot<token>/sendMessage); the scrubber hides it.
  secretFields: ["botToken"],
  async deliver(message, settings, ctx) {
    const { title, body } = formatText(message);
    const html = settings.parseMode === "HTML";
    const text = html ? `<b>${escapeHtml(title)}</b>\n${escapeHtml(body)}` : `${title}\n${body}`;
    const payload = {
      chat_id: settings.chatId,
      text: text.slice(0, MAX_TEXT),
      ...(html ? { parse_mode: "HTML" } : {}),
      disable_web_page_preview: true,
      disable_notification: settings.disableNotification,
      ...(settings.messageThreadId !== undefined ? { message_thread_id: settings.messageThreadId } : {}),
    };
    const url = joinUrl(settings.apiUrl, `bot${settings.botToken}/sendMessage`);
    return sendHttp("telegram", jsonPost(url, payload), ctx);
  },
});
