import { SecretBox, VERSION, type Config, type Logger } from "@uptop/core";
import { WEB_ROOT, webBuilt } from "@uptop/web";
import { ClusterClient } from "@uptop/cluster-protocol";
import type { DatabaseLockedError, Store } from "@uptop/store";
import {
  EpochHolder,
  ServingNode,
  checkEncryptionKey,
  ensureApiToken,
  openLockedStore,
  restrictDataFiles,
  witnessRouter,
} from "@uptop/serving-node";
import { FailoverController } from "./failover.js";
import { Witnesses } from "./witnesses.js";

export interface RunningFollower {
  port: number;
  store: Store;
  node: ServingNode;
  failover: FailoverController;
  stop(): Promise<void>;
}

/** Start-up warnings: the cluster is only as safe as its secret and transport. */
function warnAboutSecurity(config: Config, logger: Logger): void {
  if (!config.cluster.secret)
    logger.warn("UPTOP_CLUSTER_SECRET is not set: the leader will refuse this follower and cluster routes answer 401");
  for (const url of config.cluster.peerUrls) {
    if (!url.startsWith("https://"))
      logger.warn("peer URL is not https: the cluster secret travels in clear (the config mirror itself is sealed)", {
        peer: url,
      });
  }
}

export interface StartOptions {
  /**
   * Ends the process at once: this node must not act another moment (another node took its
   * database while its connection was down). Without it the follower stops watching and acting.
   */
  fail?: (err: Error) => void;
}

/**
 * Takes its own database for this follower alone — a follower on its leader's database is refused
 * with DatabaseLockedError naming the leader — then stands by, watching the leader.
 */
export async function startFollower(
  config: Config,
  logger: Logger,
  options: StartOptions = {},
): Promise<RunningFollower> {
  warnAboutSecurity(config, logger);
  const box = new SecretBox(config.security.encryptionKey);
  if (!box.enabled) logger.warn("UPTOP_ENCRYPTION_KEY is not set: mirrored secrets are stored in clear");
  let stopActing = () => {};
  const lockLost = (err: DatabaseLockedError) => {
    if (options.fail) return options.fail(err);
    logger.error(err.message, { code: err.code });
    stopActing();
  };
  // Files first: a token file no client could match stops the start before the database is touched.
  restrictDataFiles(config, logger);
  const apiToken = ensureApiToken(config.apiToken, config.dataDir, logger);
  const store = await openLockedStore(config, "follower", logger, lockLost);
  await checkEncryptionKey(store, box, logger);
  const epoch = new EpochHolder(store.db, config.cluster.nodeId);
  await epoch.load();

  const client = new ClusterClient({
    peerUrls: [...config.cluster.peerUrls],
    secret: config.cluster.secret ?? "",
    nodeId: config.cluster.nodeId,
    name: config.cluster.nodeName,
    region: config.cluster.region,
    role: "follower",
    version: VERSION,
    healthTimeoutMs: 2000,
    timeoutMs: 5000,
    maxAttempts: 2,
    logger,
  });
  let failover: FailoverController | null = null;
  const witnesses = new Witnesses();
  const node = new ServingNode({
    config,
    logger,
    store,
    box,
    apiToken,
    role: "follower",
    epoch,
    // Loaded when the first SSH session starts: a node without SSH never loads React and Ink.
    dashboard: async () => (await import("@uptop/tui")).runDashboard,
    webRoot: webBuilt() ? WEB_ROOT : null,
    extraRouters: {
      cluster: [
        witnessRouter({ secret: config.cluster.secret, onReport: (report) => witnesses.record(report, Date.now()) }),
      ],
    },
    healthDetails: () => (failover ? { leader: failover.view(), witnesses: witnesses.view(Date.now()) } : {}),
  });
  failover = new FailoverController({ config, logger, client, node, db: store.db, box, epoch, witnesses });
  const watching = failover;
  stopActing = () => void watching.stop().then(() => node.deactivate("database taken by another node"));
  const port = await node.listen();
  await failover.start();
  logger.info("follower standing by", {
    port,
    leader: config.cluster.peerUrls[0],
    epoch: epoch.get(),
    pollMs: config.cluster.failoverPollMs,
    threshold: config.cluster.failoverThreshold,
  });

  return {
    port,
    store,
    node,
    failover,
    async stop() {
      await failover!.stop();
      await node.stop();
      await store.close();
    },
  };
}
