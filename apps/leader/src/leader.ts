import { SecretBox, type Config, type Logger } from "@uptop/core";
import { openAndMigrate, type Store } from "@uptop/store";
import { EpochHolder, ServingNode, ensureApiToken } from "@uptop/node";

export interface RunningLeader {
  port: number;
  store: Store;
  node: ServingNode;
  apiToken: string;
  stop(): Promise<void>;
}

/** Opens the database, applies migrations, serves the API and runs the engine. */
export async function startLeader(config: Config, logger: Logger): Promise<RunningLeader> {
  const box = new SecretBox(config.security.encryptionKey);
  if (!box.enabled) logger.warn("UPTOP_ENCRYPTION_KEY is not set: channel secrets and monitor credentials are stored in clear");
  const store = await openAndMigrate({ type: config.db.type, dsn: config.db.dsn, poolMax: config.db.poolMax });
  logger.info("database ready", { type: config.db.type });
  const apiToken = ensureApiToken(config.apiToken, config.dataDir, logger);
  const epoch = new EpochHolder(store.db, config.cluster.nodeId);
  await epoch.load();

  const node = new ServingNode({ config, logger, store, box, apiToken, role: "leader", epoch });
  await node.activate("leader start");
  const port = await node.listen();
  logger.info("leader listening", { host: config.http.host, port, nodeId: config.cluster.nodeId, epoch: epoch.get() });

  return {
    port,
    store,
    node,
    apiToken,
    async stop() {
      await node.stop();
      await store.close();
    },
  };
}
