export {
  NOTIFICATION_EVENTS,
  type NotificationEvent,
  type NotificationMessage,
  type NotificationMonitor,
} from "./message.js";
export type { Provider, ProviderResult, SendContext } from "./provider.js";
export { DeliveryError, type DeliveryErrorOptions } from "./delivery-error.js";
export { formatText, type FormattedText } from "./format-text.js";
export { REDACTED } from "./scrub-secrets.js";
export {
  CHANNEL_TYPES,
  PROVIDERS,
  isChannelType,
  validateChannelSettings,
  redactSettings,
  secretFieldsOf,
  absorbsRepeats,
  REPEAT_ABSORBING_TYPES,
  sendNotification,
  type ChannelType,
} from "./registry.js";
export { webhookPayload, signBody, type WebhookSettings } from "./providers/webhook.js";
export type { DiscordSettings } from "./providers/discord.js";
export type { SlackSettings } from "./providers/slack.js";
export type { EmailSettings } from "./providers/email.js";
export type { NtfySettings } from "./providers/ntfy.js";
export type { TelegramSettings } from "./providers/telegram.js";
export type { PagerdutySettings } from "./providers/pagerduty.js";
export type { PushoverSettings } from "./providers/pushover.js";
export type { GotifySettings } from "./providers/gotify.js";
export type { OpsgenieSettings } from "./providers/opsgenie.js";
