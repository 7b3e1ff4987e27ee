export { ServingNode, type ServingNodeOptions } from "./serving-node.js";
export { EpochHolder } from "./epoch.js";
export { API_TOKEN_FILE, ensureApiToken } from "./api-token.js";
export { restrictDataFiles } from "./data-permissions.js";
export { clusterRouter, type ClusterRoutesDeps } from "./cluster-routes.js";
export { checkEncryptionKey } from "./encryption-key.js";
export { ReplicationFeed } from "@uptop/engine";
export { openLockedStore } from "./locked-store.js";
export { witnessRouter, type WitnessRoutesDeps } from "./witness-routes.js";
