import type { Config, Logger } from "@uptop/core";
import { SecretBox } from "@uptop/core";
import { openAndMigrate, getClusterTerm, type Store } from "@uptop/store";
import { createApp, healthRouter, monitorsRouter, startServer, type NodeRuntime } from "@uptop/api";
import { ensureApiToken } from "./api-token.js";

export interface RunningLeader {
  port: number;
  store: Store;
  apiToken: string;
  stop(): Promise<void>;
}

/** Opens the database, applies migrations and serves the API. */
export async function startLeader(config: Config, logger: Logger): Promise<RunningLeader> {
  const box = new SecretBox(config.security.encryptionKey);
  if (!box.enabled) logger.warn("UPTOP_ENCRYPTION_KEY is not set: channel secrets and monitor credentials are stored in clear");
  const store = await openAndMigrate({ type: config.db.type, dsn: config.db.dsn, poolMax: config.db.poolMax });
  logger.info("database ready", { type: config.db.type });
  const apiToken = ensureApiToken(config.apiToken, config.dataDir, logger);

  let epoch = (await getClusterTerm(store.db)).epoch;
  let stopping = false;
  const node: NodeRuntime = {
    role: "leader",
    nodeId: config.cluster.nodeId,
    state: () => "active",
    epoch: () => epoch,
    healthDetails: () => (stopping ? { unavailable: true } : {}),
  };

  const app = createApp({
    config,
    logger,
    apiToken,
    routers: {
      open: [healthRouter(node)],
      admin: [monitorsRouter({ db: store.db, box })],
    },
  });
  const server = await startServer(app, config);
  logger.info("leader listening", { host: config.http.host, port: server.port, nodeId: config.cluster.nodeId, epoch });

  return {
    port: server.port,
    store,
    apiToken,
    async stop() {
      stopping = true;
      await server.close();
      await store.close();
      epoch = 0;
    },
  };
}
