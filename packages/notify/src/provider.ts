import type { z } from "zod";
import type { NotificationMessage } from "./message.js";

/** What the provider answered, short enough to store with each delivery attempt. */
export interface ProviderResult {
  /** e.g. `HTTP 200 {"ok":true}` or an SMTP reply such as `250 OK id=…`. */
  response: string;
}

export interface SendContext {
  /** Deadline for the whole send; the dispatcher passes 10 000. */
  timeoutMs: number;
  signal?: AbortSignal;
  /**
   * The outbox row's dedupe key. A crash between a provider's answer and the row being marked
   * sent can repeat one delivery; providers that can carry it (webhook: `X-Uptop-Delivery`) let
   * the receiver drop the repeat, so the window is closed end to end.
   */
  deliveryId?: string;
}

export interface Provider<S> {
  type: string;
  /** Strict: unknown fields are rejected, defaults are filled in. */
  settingsSchema: z.ZodType<S>;
  /** Settings that are redacted on the way out and scrubbed from every error. */
  secretFields: readonly string[];
  send(message: NotificationMessage, settings: S, ctx: SendContext): Promise<ProviderResult>;
}
