import type { Logger } from "@uptop/core";
import { ConfigError, RefusedToRunError } from "../domain/errors.js";

export interface Service {
  stop(): Promise<void>;
}

/** Ends the process at once: a node that can no longer act safely must not flush or finish anything. */
export type FailService = (err: unknown) => void;

/**
 * The life of a serving process: start, then on SIGTERM/SIGINT stop taking work, flush, close and
 * exit 0 — or exit 1 if that takes longer than the 10 s a stop may take, whatever hangs.
 *
 * The signal handlers are installed before `start` runs, so a signal during start-up (while the
 * leader waits for a follower's hand-back, say) stops the process the same way: `start`'s signal
 * is aborted, what it had started is stopped once it returns, and the process exits 0.
 *
 * A start that throws, or a running service that calls `fail`, exits 2 for a RefusedToRunError or
 * a ConfigError (its message, one line, says why and what to do) and 1 for anything else.
 */
export async function runService(
  logger: Logger,
  start: (signal: AbortSignal, fail: FailService) => Promise<Service>,
): Promise<void> {
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
  const fail: FailService = (err) => {
    if (err instanceof RefusedToRunError) {
      logger.error(err.message, { code: err.code, ...(err.details === undefined ? {} : { details: err.details }) });
      process.exit(err.exitCode);
    }
    // Configuration read at start (a keys file, say) is refused the way the environment is: one line, exit 2.
    if (err instanceof ConfigError) {
      logger.error(err.message, { code: err.code, variable: err.variable });
      process.exit(2);
    }
    logger.error(service ? "fatal error, exiting" : "start-up failed", { error: err });
    process.exit(1);
  };

  try {
    service = await start(aborter.signal, fail);
  } catch (err) {
    if (stopping) {
      logger.info("stopped during start-up", { error: err });
      process.exit(0);
    }
    fail(err);
    return;
  }
  if (stopping) void stop(service);
}
