import type { LookupFn } from "@uptop/ssrf-guard";
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
   * The outbox row's dedupe key. Providers that can carry it (webhook: `X-Uptop-Delivery`) let
   * the receiver drop a repeat, which is what makes re-sending an interrupted delivery safe.
   */
  deliveryId?: string;
  /**
   * Let the send reach a receiver on a loopback, private or link-local address (a self-hosted
   * ntfy or Gotify, a LAN webhook). Default false: the SSRF guard refuses them. The serving node
   * passes UPTOP_ALLOW_PRIVATE_TARGETS, the same switch checks obey.
   */
  allowPrivateTargets?: boolean;
  /** Replaces the system resolver for receiver host names (tests, custom resolution). */
  lookup?: LookupFn;
}

export interface Provider<S> {
  type: string;
  /** Strict: unknown fields are rejected, defaults are filled in. */
  settingsSchema: z.ZodType<S>;
  /** Settings that are redacted on the way out and scrubbed from every error. */
  secretFields: readonly string[];
  /**
   * True when the receiving end folds a repeat of one delivery into the first (PagerDuty's
   * `dedup_key`, Opsgenie's alias, a webhook's `X-Uptop-Delivery`). Only such a provider gets a
   * send again whose outcome was lost in a crash; for the rest a repeat is a second message.
   */
  absorbsRepeats: boolean;
  send(message: NotificationMessage, settings: S, ctx: SendContext): Promise<ProviderResult>;
}
