import { vetTarget, type ResolvedAddress } from "@uptop/ssrf-guard";
import { DeliveryError } from "./delivery-error.js";
import type { SendContext } from "./provider.js";

/** What a refused delivery tells the operator to change. */
export const PRIVATE_RECEIVER_HINT = "set UPTOP_ALLOW_PRIVATE_TARGETS=true to allow private receivers";

/**
 * Resolves a receiver's host once through the SSRF guard and answers the one address the send
 * may connect to. A private or reserved address fails for good (retrying cannot change where
 * the name points, and a channel URL is text anyone with the API token can type); a name that
 * does not resolve fails as retryable, like any unreachable receiver. `where` labels the error.
 */
export async function vetReceiver(
  where: string,
  host: string,
  ctx: SendContext,
  signal?: AbortSignal,
): Promise<ResolvedAddress> {
  const vetting = vetTarget(host, { allowPrivateTargets: ctx.allowPrivateTargets, lookup: ctx.lookup });
  const vetted = await (signal ? untilAborted(vetting, signal) : vetting);
  if (vetted.ok) return vetted.target;
  if (vetted.error.code === "PRIVATE_TARGET") {
    throw new DeliveryError(`${where} refused: ${vetted.error.message}; ${PRIVATE_RECEIVER_HINT}`, {
      retryable: false,
    });
  }
  throw new DeliveryError(`${where} could not be reached (${vetted.error.message})`, { retryable: true });
}

/** A resolver can hang for longer than the send's deadline; the deadline wins. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
