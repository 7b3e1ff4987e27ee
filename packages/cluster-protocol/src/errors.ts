import { UptopError } from "@uptop/core";

/** A peer answered with a 4xx: retrying or failing over would get the same answer. */
export class ClusterRequestError extends UptopError {
  readonly status: number;
  readonly url: string;
  constructor(status: number, code: string, message: string, url: string, details?: unknown) {
    super(code, `${url} answered ${status}: ${message}`, status, details);
    this.status = status;
    this.url = url;
  }
}

/** No peer could be reached (network errors, timeouts, 5xx, a standby follower) after retries. */
export class ClusterUnavailableError extends UptopError {
  readonly attempts: ReadonlyArray<{ url: string; reason: string }>;
  constructor(path: string, attempts: ReadonlyArray<{ url: string; reason: string }>) {
    const last = attempts[attempts.length - 1];
    super(
      "CLUSTER_UNAVAILABLE",
      `no peer answered ${path} after ${attempts.length} attempt(s)${last ? `; last: ${last.url}: ${last.reason}` : ""}`,
      503,
    );
    this.attempts = attempts;
  }
}

/** A peer's answer did not match the protocol schema. */
export class ClusterResponseError extends UptopError {
  constructor(url: string, problem: string) {
    super("CLUSTER_BAD_RESPONSE", `${url}: ${problem}`, 502);
  }
}

/** A sealed payload that does not open with this secret (wrong secret, or tampered with). */
export class SealError extends UptopError {
  constructor(message: string) {
    super("SEAL", message, 400);
  }
}
