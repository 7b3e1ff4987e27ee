import { createLogger, loadConfigOrExit } from "@uptop/core";
import { startFollower } from "./follower.js";

const config = loadConfigOrExit(process.env, { expectedMode: "follower" });
const logger = createLogger({ level: config.logLevel, defaultMeta: { node: config.cluster.nodeId, role: "follower" } });

process.on("unhandledRejection", (err) => logger.error("unhandled rejection", { error: err }));

try {
  const follower = await startFollower(config, logger);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info("shutting down", { signal });
    setTimeout(() => {
      logger.error("shutdown took longer than 10 s, exiting");
      process.exit(1);
    }, 10_000).unref();
    follower.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error("shutdown failed", { error: err });
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
} catch (err) {
  logger.error("start-up failed", { error: err });
  process.exit(1);
}
