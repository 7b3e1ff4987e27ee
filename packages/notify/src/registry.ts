import { ValidationError, zodIssues } from "@uptop/core";
import { DeliveryError } from "./delivery-error.js";
import type { NotificationMessage } from "./message.js";
import type { Provider, ProviderResult, SendContext } from "./provider.js";
import { discordProvider } from "./providers/discord.js";
import { emailProvider } from "./providers/email.js";
import { gotifyProvider } from "./providers/gotify.js";
import { ntfyProvider } from "./providers/ntfy.js";
import { opsgenieProvider } from "./providers/opsgenie.js";
import { pagerdutyProvider } from "./providers/pagerduty.js";
import { pushoverProvider } from "./providers/pushover.js";
import { slackProvider } from "./providers/slack.js";
import { telegramProvider } from "./providers/telegram.js";
import { webhookProvider } from "./providers/webhook.js";
import { REDACTED } from "./scrub-secrets.js";

export const CHANNEL_TYPES = [
  "discord",
  "slack",
  "email",
  "ntfy",
  "webhook",
  "telegram",
  "pagerduty",
  "pushover",
  "gotify",
  "opsgenie",
] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

export const PROVIDERS: Record<ChannelType, Provider<unknown>> = {
  discord: discordProvider,
  slack: slackProvider,
  email: emailProvider,
  ntfy: ntfyProvider,
  webhook: webhookProvider,
  telegram: telegramProvider,
  pagerduty: pagerdutyProvider,
  pushover: pushoverProvider,
  gotify: gotifyProvider,
  opsgenie: opsgenieProvider,
} as Record<ChannelType, Provider<unknown>>;

export function isChannelType(type: string): type is ChannelType {
  return (CHANNEL_TYPES as readonly string[]).includes(type);
}

/**
 * Checks a channel's settings and returns them with defaults filled in. Throws ValidationError
 * whose issues name each field as `settings.<field>`; unknown fields are errors, never dropped.
 */
export function validateChannelSettings(type: string, settings: unknown): Record<string, unknown> {
  if (!isChannelType(type)) {
    throw new ValidationError(`type: must be one of ${CHANNEL_TYPES.join(", ")}`, [
      { field: "type", message: `must be one of ${CHANNEL_TYPES.join(", ")}` },
    ]);
  }
  const parsed = PROVIDERS[type].settingsSchema.safeParse(settings ?? {});
  if (!parsed.success) {
    const issues = zodIssues(parsed.error, "settings.").map((i) =>
      i.field === "settings." ? { ...i, field: "settings" } : i,
    );
    const first = issues[0];
    const summary = first ? `${first.field}: ${first.message}` : "invalid settings";
    throw new ValidationError(issues.length > 1 ? `${summary} (and ${issues.length - 1} more)` : summary, issues);
  }
  return parsed.data as Record<string, unknown>;
}

/** The settings as the API may show them: every secret that is set becomes "********". */
export function redactSettings(type: ChannelType, settings: Record<string, unknown>): Record<string, unknown> {
  const out = { ...settings };
  for (const field of PROVIDERS[type].secretFields) {
    const value = out[field];
    if (value !== undefined && value !== null && value !== "") out[field] = REDACTED;
  }
  return out;
}

/**
 * Whether a delivery to this channel type may be sent again when a crash lost its outcome: only
 * when the receiver de-duplicates on our key, so the repeat cannot reach a person twice.
 */
export function absorbsRepeats(type: ChannelType): boolean {
  return PROVIDERS[type].absorbsRepeats;
}

/**
 * The channel types whose receiver folds a repeated delivery into the first: the only ones a send
 * of unknown outcome (its sender stopped mid-call) may be made again to.
 */
export const REPEAT_ABSORBING_TYPES: readonly ChannelType[] = CHANNEL_TYPES.filter((t) => absorbsRepeats(t));

/** The settings that `redactSettings` hides for a channel type. */
export function secretFieldsOf(type: ChannelType): readonly string[] {
  return PROVIDERS[type].secretFields;
}

/**
 * Validates the (decrypted) settings and sends one message. Settings that no longer validate
 * fail as a non-retryable DeliveryError: retrying cannot repair a channel's configuration.
 */
export async function sendNotification(
  type: ChannelType,
  message: NotificationMessage,
  settings: Record<string, unknown>,
  ctx: SendContext,
): Promise<ProviderResult> {
  let valid: Record<string, unknown>;
  try {
    valid = validateChannelSettings(type, settings);
  } catch (err) {
    if (err instanceof ValidationError)
      throw new DeliveryError(`${type}: invalid channel settings: ${err.message}`, { retryable: false });
    throw err;
  }
  return PROVIDERS[type].send(message, valid, ctx);
}
