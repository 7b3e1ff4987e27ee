import { configuredSeeds, seedUsers } from "@uptop/api";
import { WEB_ROOT, webBuilt } from "@uptop/web";
import { SecretBox, type Config, type Logger } from "@uptop/core";
import { listNodes, type DatabaseLockedError, type Store } from "@uptop/store";
import {
  EpochHolder,
  ReplicationFeed,
  ServingNode,
  checkEncryptionKey,
  clusterRouter,
  ensureApiToken,
  openLockedStore,
  restrictDataFiles,
} from "@uptop/serving-node";

export interface RunningLeader {
  port: number;
  store: Store;
  node: ServingNode;
  apiToken: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Aborted when the process is told to stop while starting: stop waiting, do not activate. */
  signal?: AbortSignal;
  /**
   * Ends the process at once: this node must not act another moment (another node took its
   * database while its connection was down). Without it the engine is stopped and the API stays.
   */
  fail?: (err: Error) => void;
}

/**
 * Takes the database for this node alone (or throws DatabaseLockedError naming the node that has
 * it), applies migrations, serves the API and runs the engine. Once `signal` is aborted, it stops
 * waiting and does not activate; the caller stops what it returns.
 */
export async function startLeader(config: Config, logger: Logger, options: StartOptions = {}): Promise<RunningLeader> {
  const { signal } = options;
  const box = new SecretBox(config.security.encryptionKey);
  if (!box.enabled)
    logger.warn("UPTOP_ENCRYPTION_KEY is not set: channel secrets and monitor credentials are stored in clear");
  let stopActing = () => {};
  const lockLost = (err: DatabaseLockedError) => {
    if (options.fail) return options.fail(err);
    logger.error(err.message, { code: err.code });
    stopActing();
  };
  // Files first: a token file no client could match stops the start before the database is touched.
  restrictDataFiles(config, logger);
  const apiToken = ensureApiToken(config.apiToken, config.dataDir, logger);
  // A bad UPTOP_ADMIN_KEY or UPTOP_KEYS line stops the start here too, before the database is touched.
  const seeds = configuredSeeds(config.users);
  const store = await openLockedStore(config, "leader", logger, lockLost);
  logger.info("database ready", { type: config.db.type });
  await checkEncryptionKey(store, box, logger);
  const seeded = await seedUsers(store.db, seeds, logger);
  if (seeded.usersCreated || seeded.keysAdded) logger.info("users seeded", { ...seeded });
  const epoch = new EpochHolder(store.db, config.cluster.nodeId);
  await epoch.load();

  if (!config.cluster.secret)
    logger.warn("UPTOP_CLUSTER_SECRET is not set: cluster routes answer 401, so no follower or probe can join");
  // The secret header of every probe and follower call crosses the network in clear
  // unless this node serves HTTPS (or sits behind a proxy that does).
  else if (!config.http.tlsCert)
    logger.warn(
      "cluster routes are served over plain HTTP: the cluster secret travels in clear unless a TLS proxy fronts this node (set UPTOP_TLS_CERT and UPTOP_TLS_KEY)",
    );

  // A follower may have led while we were away. Until it hands back (or the wait runs out) we
  // serve health — so it sees us and stands down — but neither check nor alert: our verdicts
  // are stale, and alerting from them would repeat what the follower already sent.
  const knownFollower = (await listNodes(store.db, new Date())).some((n) => n.role === "follower");
  let awaitingHandback = knownFollower && config.cluster.secret !== null;
  let handbackArrived: () => void = () => {};
  // With a follower known, an alert waits (briefly) for the follower to hold it before it is sent.
  const feed = new ReplicationFeed({ followerKnown: () => knownFollower });
  const handback = new Promise<void>((resolve) => (handbackArrived = resolve));

  const node: ServingNode = new ServingNode({
    config,
    logger,
    store,
    box,
    apiToken,
    role: "leader",
    epoch,
    // Loaded when the first SSH session starts: a node without SSH never loads React and Ink.
    dashboard: async () => (await import("@uptop/tui")).runDashboard,
    webRoot: webBuilt() ? WEB_ROOT : null,
    healthDetails: () => (awaitingHandback ? { awaitingHandback: true } : {}),
    replication: feed,
    extraRouters: {
      cluster: [
        clusterRouter({
          db: store.db,
          box,
          secret: config.cluster.secret,
          epoch,
          logger,
          feed,
          onHandback: async () => {
            await node.engine?.reloadStates();
            handbackArrived();
          },
        }),
      ],
    },
  });
  stopActing = () => void node.deactivate("database taken by another node");
  const port = await node.listen();
  if (awaitingHandback) {
    const waitMs = config.cluster.failoverPollMs * 2 + 5000;
    logger.info("waiting for the follower's hand-back before checking", { waitMs });
    const aborted = new Promise<"aborted">((r) => {
      if (signal?.aborted) r("aborted");
      signal?.addEventListener("abort", () => r("aborted"), { once: true });
    });
    const outcome = await Promise.race([
      handback.then(() => "handback" as const),
      new Promise<"timeout">((r) => setTimeout(() => r("timeout"), waitMs).unref()),
      aborted,
    ]);
    if (outcome === "timeout")
      logger.warn("no hand-back from the follower; starting on our own history", { waitedMs: waitMs });
    awaitingHandback = false;
  }
  const running: RunningLeader = {
    port,
    store,
    node,
    apiToken,
    async stop() {
      await node.stop();
      await store.close();
    },
  };
  if (signal?.aborted) return running;
  await node.activate("leader start");
  logger.info("leader listening", { host: config.http.host, port, nodeId: config.cluster.nodeId, epoch: epoch.get() });
  return running;
}
