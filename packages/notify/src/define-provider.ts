import { urlHasCredentials, withoutCredentials } from "@uptop/core";
import { DeliveryError } from "./delivery-error.js";
import type { NotificationMessage } from "./message.js";
import type { Provider, ProviderResult, SendContext } from "./provider.js";
import { scrubSecrets, secretValues } from "./scrub-secrets.js";
import type { z } from "zod";

export interface ProviderDefinition<S> {
  type: string;
  settingsSchema: z.ZodType<S>;
  secretFields: readonly string[];
  /** See `Provider.absorbsRepeats`; false unless the receiver de-duplicates on our key. */
  absorbsRepeats?: boolean;
  deliver(message: NotificationMessage, settings: S, ctx: SendContext): Promise<ProviderResult>;
}

/** A message whose monitor URL carries credentials (one queued before they were stripped) without them. */
function withoutMonitorCredentials(message: NotificationMessage): NotificationMessage {
  const url = message.monitor?.url;
  if (!url || !urlHasCredentials(url)) return message;
  return { ...message, monitor: { ...message.monitor!, url: withoutCredentials(url) } };
}

/**
 * Builds a provider whose send can never leak a secret: whatever the delivery throws or
 * answers passes through one scrubber keyed on the provider's secret fields, and the message it
 * words never carries a monitor URL's credentials. Anything that is not already a DeliveryError
 * (a socket error deep in a library) becomes a retryable one.
 */
export function defineProvider<S>(def: ProviderDefinition<S>): Provider<S> {
  return {
    type: def.type,
    settingsSchema: def.settingsSchema,
    secretFields: def.secretFields,
    absorbsRepeats: def.absorbsRepeats ?? false,
    async send(message, settings, ctx) {
      const secrets = secretValues(settings as Record<string, unknown>, def.secretFields);
      try {
        const result = await def.deliver(withoutMonitorCredentials(message), settings, ctx);
        return { response: scrubSecrets(result.response, secrets) };
      } catch (err) {
        if (err instanceof DeliveryError) {
          throw new DeliveryError(scrubSecrets(err.message, secrets), {
            retryable: err.retryable,
            ...(err.status !== undefined ? { status: err.status } : {}),
            ...(err.response !== undefined ? { response: scrubSecrets(err.response, secrets) } : {}),
          });
        }
        const text = err instanceof Error ? err.message : String(err);
        throw new DeliveryError(`${def.type}: ${scrubSecrets(text, secrets)}`, { retryable: true });
      }
    },
  };
}
