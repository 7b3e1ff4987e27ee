import type { Logger } from "@uptop/core";

/**
 * The life of a serving process: start, then on SIGTERM/SIGINT stop taking work, flush, close and
 * exit 0 — or exit 1 if that takes longer than the 10 s SPEC §1 promises, whatever hangs.
 */
export async function runService(logger: Logger, start: () => Promise<{ stop(): Promise<void> }>): Promise<void> {
  process.on("unhandledRejection", (err) => logger.error("unhandled rejection", { error: err }));
  let service: { stop(): Promise<void> };
  try {
    service = await start();
  } catch (err) {
    logger.error("start-up failed", { error: err });
    process.exit(1);
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info("shutting down", { signal });
    setTimeout(() => {
      logger.error("shutdown took longer than 10 s, exiting");
      process.exit(1);
    }, 10_000).unref();
    service.stop().then(
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
}
