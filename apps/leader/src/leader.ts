import type { Config, Logger } from "@uptop/core";
import { SecretBox, VERSION } from "@uptop/core";
import { openAndMigrate, getClusterTerm, type Store } from "@uptop/store";
import { createApp, healthRouter, metricsRouter, monitorsRouter, pushRouter, startServer, type NodeRuntime } from "@uptop/api";
import { Engine, EngineMetrics } from "@uptop/engine";
import { ensureApiToken } from "./api-token.js";

export interface RunningLeader {
  port: number;
  store: Store;
  engine: Engine;
  apiToken: string;
  stop(): Promise<void>;
}

/** Opens the database, applies migrations, starts the engine and serves the API. */
export async function startLeader(config: Config, logger: Logger): Promise<RunningLeader> {
  const box = new SecretBox(config.security.encryptionKey);
  if (!box.enabled) logger.warn("UPTOP_ENCRYPTION_KEY is not set: channel secrets and monitor credentials are stored in clear");
  const store = await openAndMigrate({ type: config.db.type, dsn: config.db.dsn, poolMax: config.db.poolMax });
  logger.info("database ready", { type: config.db.type });
  const apiToken = ensureApiToken(config.apiToken, config.dataDir, logger);

  let epoch = (await getClusterTerm(store.db)).epoch;
  let stopping = false;
  const metrics = new EngineMetrics();
  const engine = new Engine({
    db: store.db,
    box,
    logger,
    metrics,
    node: { id: config.cluster.nodeId, name: config.cluster.nodeName, region: config.cluster.region, role: "leader", version: VERSION },
    strategy: config.cluster.aggStrategy,
    localChecks: config.cluster.leaderChecks,
    checkOptions: { allowPrivateTargets: config.security.allowPrivateTargets, insecureSkipVerify: config.security.insecureSkipVerify },
    epoch: () => epoch,
  });
  await engine.start();

  const node: NodeRuntime = {
    role: "leader",
    nodeId: config.cluster.nodeId,
    state: () => "active",
    epoch: () => epoch,
    healthDetails: () => {
      const w = engine.writeStats();
      return {
        ...(stopping ? { unavailable: true } : {}),
        ...(w.failing ? { degraded: true } : {}),
        writeBacklog: w.results + w.critical + w.states,
        droppedResults: w.droppedResults,
        ...(w.lastError ? { database: "unreachable" } : {}),
      };
    },
  };

  const metricsRoutes = metricsRouter(metrics.registry);
  const app = createApp({
    config,
    logger,
    apiToken,
    routers: {
      open: [healthRouter(node), pushRouter({ push: (token, report) => engine.push(token, report) }), ...(config.metricsPublic ? [metricsRoutes] : [])],
      admin: [
        monitorsRouter({ db: store.db, box, onChange: () => engine.notifyChange(), checkNow: async (id) => engine.checkNow(id) }),
        ...(config.metricsPublic ? [] : [metricsRoutes]),
      ],
    },
  });
  const server = await startServer(app, config);
  logger.info("leader listening", { host: config.http.host, port: server.port, nodeId: config.cluster.nodeId, epoch });

  return {
    port: server.port,
    store,
    engine,
    apiToken,
    async stop() {
      stopping = true;
      await server.close();
      await engine.stop();
      await store.close();
    },
  };
}
