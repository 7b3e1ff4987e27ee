import { setTimeout as delay } from "node:timers/promises";
import { backoffDelayMs, ClusterRequestError, type AssignedMonitor, type ClusterClient } from "@uptop/cluster-protocol";
import type { Logger } from "@uptop/core";
import type { ProbeMetrics } from "./metrics.js";
import type { ProbeState } from "./probe-state.js";

export interface AssignmentSyncOptions {
  client: ClusterClient;
  state: ProbeState;
  metrics: ProbeMetrics;
  logger: Logger;
  syncIntervalMs: number;
  apply(monitors: readonly AssignedMonitor[]): { added: number; changed: number; removed: number };
  /** Longest wait between registration attempts. */
  maxBackoffMs?: number;
}

/**
 * Registers with the leader (retrying with backoff until it answers, so a probe started before
 * its leader joins once the leader is up) and then pulls assignments every sync interval,
 * sending the last ETag so an unchanged set costs a bodiless 304.
 */
export class AssignmentSync {
  private readonly abort = new AbortController();
  private etag: string | undefined;
  private loop: Promise<void> | null = null;
  private needsRegister = true;
  private syncIntervalMs: number;

  constructor(private readonly options: AssignmentSyncOptions) {
    this.syncIntervalMs = options.syncIntervalMs;
  }

  start(): void {
    this.loop = this.run().catch((err: unknown) => {
      if (!this.abort.signal.aborted) this.options.logger.error("assignment sync stopped", { error: err });
    });
  }

  /** The leader forgot this node: register again before the next sync. */
  reregister(): void {
    this.needsRegister = true;
    this.options.state.registered = false;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.abort.signal.aborted) {
      if (this.needsRegister) await this.registerUntilDone();
      if (this.abort.signal.aborted) return;
      await this.syncOnce();
      await this.sleep(this.syncIntervalMs);
    }
  }

  private async registerUntilDone(): Promise<void> {
    const { client, state, logger } = this.options;
    for (let attempt = 0; !this.abort.signal.aborted; attempt++) {
      try {
        const res = await client.register();
        this.needsRegister = false;
        this.etag = undefined;
        state.registered = true;
        state.leaderReachable = true;
        state.leaderUrl = client.currentPeer;
        state.epoch = res.epoch;
        if (res.syncIntervalMs) this.syncIntervalMs = res.syncIntervalMs;
        logger.info("registered with leader", {
          leader: res.leaderId,
          url: client.currentPeer,
          epoch: res.epoch,
          attempts: attempt + 1,
        });
        return;
      } catch (err) {
        state.leaderReachable = false;
        const wait = backoffDelayMs(attempt, 1000, this.options.maxBackoffMs ?? 30_000);
        logger.warn("registration failed, retrying", {
          attempt: attempt + 1,
          retryInMs: wait,
          error: err instanceof Error ? err.message : String(err),
        });
        await this.sleep(wait);
      }
    }
  }

  private async syncOnce(): Promise<void> {
    const { client, state, metrics, logger } = this.options;
    try {
      const res = await client.assignments(this.etag);
      state.leaderReachable = true;
      state.leaderUrl = client.currentPeer;
      state.lastSyncAt = new Date().toISOString();
      metrics.lastSync.set(Date.now() / 1000);
      if (res.notModified) return;
      this.etag = res.etag;
      state.epoch = Math.max(state.epoch, res.body.epoch);
      const change = this.options.apply(res.body.monitors);
      state.monitors = res.body.monitors.length;
      if (change.added || change.changed || change.removed)
        logger.info("assignments updated", { ...change, etag: res.etag });
    } catch (err) {
      if (err instanceof ClusterRequestError && (err.status === 401 || err.status === 404)) {
        logger.warn("leader does not know this node, registering again", { status: err.status });
        this.reregister();
        return;
      }
      state.leaderReachable = false;
      // Keep checking the monitors we have: an outage of the leader must not blind the probe.
      logger.warn("assignment sync failed, keeping current assignments", {
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }

  private async sleep(ms: number): Promise<void> {
    try {
      await delay(ms, undefined, { signal: this.abort.signal });
    } catch {
      // Aborted by stop().
    }
  }
}
