import { UptopError } from "@uptop/core";

export interface DeliveryErrorOptions {
  retryable: boolean;
  /** HTTP status, or the SMTP reply code for email. */
  status?: number;
  /** The provider's answer, truncated and scrubbed of secrets. */
  response?: string;
}

/**
 * A notification the provider did not accept. `retryable` tells the dispatcher whether another
 * attempt can succeed: a 5xx, 408, 429, a timeout or a network failure can; any other 4xx means
 * the settings or the payload are wrong and repeating it would only spam the provider.
 */
export class DeliveryError extends UptopError {
  readonly retryable: boolean;
  readonly status?: number;
  readonly response?: string;

  constructor(message: string, options: DeliveryErrorOptions) {
    super("DELIVERY", message, 502, {
      retryable: options.retryable,
      ...(options.status !== undefined ? { status: options.status } : {}),
    });
    this.retryable = options.retryable;
    if (options.status !== undefined) this.status = options.status;
    if (options.response !== undefined) this.response = options.response;
  }
}

/** Whether an HTTP status is worth another attempt. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}
