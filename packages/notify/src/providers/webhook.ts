import { createHmac } from "node:crypto";
import { z } from "zod";
import { defineProvider } from "../define-provider.js";
import { sendHttp } from "../http-post.js";
import type { NotificationMessage } from "../message.js";
import { headerMap, httpUrl, optionalString } from "../settings-fields.js";

export const webhookSettingsSchema = z.strictObject({
  url: httpUrl(),
  headers: headerMap().optional(),
  /** When set, the body is signed with HMAC-SHA256 so the receiver can verify it came from us. */
  secret: optionalString(1000),
  signatureHeader: z
    .string()
    .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "is not a valid header name")
    .default("X-Uptop-Signature"),
});
export type WebhookSettings = z.infer<typeof webhookSettingsSchema>;

/** The documented webhook body. Its keys are a public contract: add, never rename. */
export function webhookPayload(message: NotificationMessage) {
  return {
    event: message.event,
    monitor: message.monitor
      ? { id: message.monitor.id, name: message.monitor.name, type: message.monitor.type, url: message.monitor.url }
      : null,
    status: message.status,
    previousStatus: message.previousStatus,
    reason: message.reason,
    votes: message.votes,
    at: message.at,
    downSince: message.downSince,
    /** Seconds the outage lasted, on `up`; null otherwise. */
    outageDurationS: message.outageDurationS,
    epoch: message.epoch,
    // A group's alert names the children behind it (one alert instead of one per child).
    ...(message.children ? { children: message.children } : {}),
    // `node` events: the node that went offline or came back, or the regions a monitor lost.
    ...(message.node ? { node: message.node } : {}),
    ...(message.uncoveredRegions ? { uncoveredRegions: message.uncoveredRegions } : {}),
  };
}

/** `sha256=<hex>` over the exact body bytes, the form GitHub and most receivers expect. */
export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

export const webhookProvider = defineProvider<WebhookSettings>({
  type: "webhook",
  settingsSchema: webhookSettingsSchema,
  // Custom headers usually carry the receiver's credentials.
  secretFields: ["secret", "headers"],
  // Every delivery carries its dedupe key in X-Uptop-Delivery, and the documented contract is
  // that a receiver drops a key it has seen (docs/security.md).
  absorbsRepeats: true,
  async deliver(message, settings, ctx) {
    const body = JSON.stringify(webhookPayload(message));
    const headers: Record<string, string> = { ...settings.headers };
    if (ctx.deliveryId) headers["X-Uptop-Delivery"] = ctx.deliveryId;
    if (settings.secret) headers[settings.signatureHeader] = signBody(body, settings.secret);
    return sendHttp("webhook", { url: settings.url, body, contentType: "application/json", headers }, ctx);
  },
});
