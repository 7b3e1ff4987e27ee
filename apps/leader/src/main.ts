import { createLogger, loadConfigOrExit } from "@uptop/core";
import { startLeader } from "./leader.js";

const config = loadConfigOrExit(process.env, { expectedMode: "leader" });
const logger = createLogger({ level: config.logLevel, defaultMeta: { node: config.cluster.nodeId, role: "leader" } });

process.on("unhandledRejection", (err) => logger.error("unhandled rejection", { error: err }));

try {
  const leader = await startLeader(config, logger);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info("shutting down", { signal });
    // The hard deadline keeps the promise of SPEC §1: exit within 10 s whatever hangs.
    setTimeout(() => {
      logger.error("shutdown took longer than 10 s, exiting");
      process.exit(1);
    }, 10_000).unref();
    leader.stop().then(
      () => {
        logger.info("stopped");
        process.exit(0);
      },
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
