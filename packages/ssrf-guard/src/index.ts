export { isBlockedAddress, ipLiteral } from "./blocked-address.js";
export { vetTarget, defaultLookup, type VetOptions, type VetResult, type VetFailure } from "./vet-target.js";
export { pinnedLookup } from "./pinned-lookup.js";
export type { LookupFn, ResolvedAddress } from "./types.js";
