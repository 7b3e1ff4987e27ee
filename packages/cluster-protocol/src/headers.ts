/**
 * Bumped whenever a cluster message changes incompatibly. Both sides send it on every call, so
 * a half-upgraded cluster fails loudly (409 naming both versions) instead of misreading data.
 */
export const PROTOCOL_VERSION = 1;

export const PROTOCOL_HEADER = "X-Uptop-Protocol";
/** The header probes and followers send the cluster secret in; `SECRET_HEADER_ALT` is accepted too. */
export const SECRET_HEADER = "X-Upkeep-Secret";
export const SECRET_HEADER_ALT = "X-Uptop-Secret";
/** Which node is asking, on calls without a body (assignments). */
export const NODE_HEADER = "X-Uptop-Node";
