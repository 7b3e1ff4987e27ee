import type { Logger } from "@uptop/core";

export interface Service {
  stop(): Promise<void>;
}

/**
 * The life of a serving process: start, then on SIGTERM/SIGINT stop taking work, flush, close and
 * exit 0 — or exit 1 if that takes longer than the 10 s a stop may take, whatever hangs.
 *
 * The signal handlers are installed before `start` runs, so a signal during start-up (while the
 * leader waits for a follower's hand-back, say) stops the process the same way: `start`'s signal
 * is aborted, what it had started is stopped once it returns, and the process exits 0.
 */
export async function runService(logger: Logger, start: (signal: AbortSignal) => Promise<Service>): Promise<void> {
  process.on("unhandledRejection", (err) => logger.error("unhandled rejection", { error: err }));
  const aborter = new AbortController();
  let service: Service | null = null;
  let stopping = false;

  const stop = (s: Service) =>
    s.stop().then(
      () => {
        logger.info("stopped");
        process.exit(0);
      },
      (err: unknown) => {
        logger.error("shutdown failed", { error: err });
        process.exit(1);
      },
    );
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info("shutting down", { signal, ...(service ? {} : { during: "start-up" }) });
    setTimeout(() => {
      logger.error("shutdown took longer than 10 s, exiting");
      process.exit(1);
    }, 10_000).unref();
    aborter.abort();
    if (service) void stop(service);
    // Otherwise start is still running: it is stopped as soon as it returns.
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));

  try {
    service = await start(aborter.signal);
  } catch (err) {
    if (stopping) {
      logger.info("stopped during start-up", { error: err });
      process.exit(0);
    }
    logger.error("start-up failed", { error: err });
    process.exit(1);
  }
  if (stopping) void stop(service);
}
