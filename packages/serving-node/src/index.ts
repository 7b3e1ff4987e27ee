export { ServingNode, type ServingNodeOptions } from "./serving-node.js";
export { EpochHolder } from "./epoch.js";
export { API_TOKEN_FILE, ensureApiToken } from "./api-token.js";
export { restrictDataFiles } from "./data-permissions.js";
export { clusterRouter, type ClusterRoutesDeps } from "./cluster-routes.js";
export { checkEncryptionKey } from "./encryption-key.js";
export { ReplicationFeed } from "@uptop/engine";
export { openLockedStore } from "./locked-store.js";
export { legacyPgliteFolder, refuseLeftoverPglite } from "./leftover-pglite.js";
export { witnessRouter, type WitnessRoutesDeps } from "./witness-routes.js";
export { SshServer, type SshServerOptions, DEFAULT_SSH_MAX_CONNECTIONS } from "./ssh/ssh-server.js";
export { ensureHostKey, keyFingerprint, SSH_HOST_KEY_FILE } from "./ssh/host-key.js";
export { generateEd25519Key } from "./ssh/openssh-key.js";
export {
  dashboardHooks,
  dashboardSession,
  localApiUrl,
  type LoadDashboard,
  type RunDashboard,
  type SessionTokenIssuer,
} from "./ssh/dashboard-session.js";
export type {
  Authenticate,
  OfferedKey,
  RunningSession,
  SessionStart,
  SshHooks,
  SshUser,
  StartSession,
  TerminalOutput,
} from "./ssh/types.js";
