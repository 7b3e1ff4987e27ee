import { ClusterRequestError, MAX_RESULTS_PER_BATCH, type ClusterClient } from "@uptop/cluster-protocol";
import type { Logger } from "@uptop/core";
import type { ResultBuffer } from "./buffer.js";
import type { ProbeMetrics } from "./metrics.js";
import type { ProbeState } from "./probe-state.js";

export interface ResultSenderOptions {
  client: ClusterClient;
  buffer: ResultBuffer;
  state: ProbeState;
  metrics: ProbeMetrics;
  logger: Logger;
  /** The leader no longer knows this node (401/404): register again. */
  onUnknownNode(): void;
  batchSize?: number;
  flushIntervalMs?: number;
}

/**
 * Posts buffered results in batches (every 2 s, or as soon as a batch fills), oldest first. A
 * failed post leaves the batch in the buffer, so results checked during an outage are replayed
 * in order when the leader is back.
 */
export class ResultSender {
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private readonly batchSize: number;

  constructor(private readonly options: ResultSenderOptions) {
    this.batchSize = Math.min(options.batchSize ?? 200, MAX_RESULTS_PER_BATCH);
  }

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.options.flushIntervalMs ?? 2000);
  }

  /** Called after each new result: a full batch goes out without waiting for the timer. */
  notify(): void {
    this.options.metrics.bufferDepth.set(this.options.buffer.size);
    if (this.options.buffer.size >= this.batchSize && !this.options.state.postFailing) void this.flush();
  }

  /** One flush at a time; callers share the one in progress. */
  flush(): Promise<void> {
    this.flushing ??= this.flushAll().finally(() => (this.flushing = null));
    return this.flushing;
  }

  /** Stops the timer and posts what it can before `deadline` (ms since epoch). */
  async drain(deadline: number): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    while (this.options.buffer.size > 0 && Date.now() < deadline) {
      const before = this.options.buffer.size;
      const left = deadline - Date.now();
      await Promise.race([this.flush(), new Promise((r) => setTimeout(r, Math.max(0, left)).unref())]);
      if (this.options.buffer.size >= before) break;
    }
  }

  private async flushAll(): Promise<void> {
    const { buffer, client, state, metrics, logger } = this.options;
    while (buffer.size > 0) {
      const batch = buffer.peek(this.batchSize);
      try {
        const res = await client.postResults(batch.items);
        buffer.ack(batch.throughSeq);
        const wasDown = state.postFailing;
        state.postFailing = false;
        state.leaderReachable = true;
        state.leaderUrl = client.currentPeer;
        state.epoch = Math.max(state.epoch, res.epoch);
        state.lastPostAt = new Date().toISOString();
        if (wasDown) logger.info("leader reachable, posting results", { backlog: buffer.size + batch.items.length });
      } catch (err) {
        if (err instanceof ClusterRequestError && (err.status === 401 || err.status === 404)) {
          logger.warn("leader does not know this node, registering again", { status: err.status });
          this.options.onUnknownNode();
        } else if (
          err instanceof ClusterRequestError &&
          (err.status === 400 || err.status === 413 || err.status === 422)
        ) {
          // The leader will never take this batch; holding it would block everything behind it.
          logger.error("leader refused a results batch, dropping it", {
            status: err.status,
            count: batch.items.length,
            error: err.message,
          });
          buffer.ack(batch.throughSeq);
          metrics.dropped.inc(batch.items.length);
          continue;
        } else {
          if (!state.postFailing)
            logger.warn("cannot post results, buffering", { error: err instanceof Error ? err.message : String(err) });
          state.postFailing = true;
        }
        break;
      } finally {
        metrics.bufferDepth.set(buffer.size);
      }
    }
  }
}
