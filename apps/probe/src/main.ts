import { createLogger, loadConfigOrExit } from "@uptop/core";
import { Probe } from "./probe.js";

const config = loadConfigOrExit(process.env, { expectedMode: "probe" });
const c = config.cluster;
const logger = createLogger({ level: config.logLevel, defaultMeta: { node: c.nodeId, role: "probe" } });

if (!c.secret)
  logger.warn("UPTOP_CLUSTER_SECRET is not set: the leader will refuse this probe (cluster routes fail closed)");
for (const url of c.peerUrls) {
  if (!url.startsWith("https://"))
    logger.warn("peer URL is not https: the cluster secret travels in clear text", { url });
}

const probe = new Probe({ config, logger });
const port = await probe.start();
logger.info("probe started", {
  port,
  peers: c.peerUrls,
  region: c.region,
  concurrency: c.probeConcurrency,
  syncIntervalMs: c.probeSyncIntervalMs,
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info("shutting down", { signal });
  // A hung flush must not keep an orchestrator waiting past its own kill deadline.
  setTimeout(() => process.exit(0), 9000).unref();
  try {
    await probe.stop();
  } catch (err) {
    logger.error("shutdown failed", { error: err });
  }
  logger.info("stopped");
  logger.on("finish", () => process.exit(0));
  logger.end();
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
