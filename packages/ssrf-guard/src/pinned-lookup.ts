import type { LookupFunction } from "node:net";
import type { ResolvedAddress } from "./types.js";

/**
 * A socket `lookup` that answers every query with the address the SSRF guard vetted, so the
 * connection cannot go anywhere else even if the name would resolve differently now.
 */
export function pinnedLookup(target: ResolvedAddress): LookupFunction {
  return (_hostname, options, callback) => {
    if (options && (options as { all?: boolean }).all) {
      (callback as unknown as (err: null, addresses: ResolvedAddress[]) => void)(null, [target]);
    } else {
      callback(null, target.address, target.family);
    }
  };
}
