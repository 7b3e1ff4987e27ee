export {
  BACKENDS,
  createTempDatabase,
  type Backend,
  type TempDatabase,
  type TempDatabaseOptions,
} from "./temp-database.js";
export { planPrivatePostgres, PrivatePostgres, type PostgresPlan } from "./private-postgres.js";
export { closeServer, freePort, listenOnLoopback, LoopbackServer } from "./loopback-server.js";
export { HttpTarget, type TargetMode, type TargetRequest } from "./http-target.js";
export { CountingListener } from "./counting-listener.js";
export { WebhookReceiver, type ReceivedRequest, type WebhookBody } from "./webhook-receiver.js";
export { TcpProxy } from "./tcp-proxy.js";
export { sleep, StopWaiting, until } from "./poll-until.js";
export { Proc, runNode, spawnNode, type Env, type NodeRun } from "./node-process.js";
export { ADMIN_TOKEN, apiClient, type ApiClient, type ApiInit } from "./api-client.js";
export { quietLogger } from "./quiet-logger.js";
export { promtoolLint } from "./promtool-lint.js";
export { chromiumPath } from "./chromium-path.js";
export { sshKey } from "./ssh-key.js";
