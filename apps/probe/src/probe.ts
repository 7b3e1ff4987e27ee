import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ClusterClient } from "@uptop/cluster-protocol";
import { VERSION, type Config, type Logger } from "@uptop/core";
import { ResultBuffer } from "./buffer.js";
import { createCheckRunner, type RunMonitor } from "./check-runner.js";
import { createHealthApp } from "./health-server.js";
import { ProbeMetrics } from "./metrics.js";
import { LeaderWitness } from "./leader-witness.js";
import { initialState } from "./probe-state.js";
import { ScheduledChecks } from "./scheduled-checks.js";
import { ResultSender } from "./sender.js";
import { AssignmentSync } from "./sync.js";

export interface ProbeOptions {
  config: Config;
  logger: Logger;
  /** Replaces the real checks (tests). */
  runMonitor?: RunMonitor;
  bufferLimit?: number;
}

/** How long SIGTERM waits for buffered results to reach the leader. */
const DRAIN_MS = 5000;

/** One probe process: sync, scheduled checks, buffered sending and its health port. */
export class Probe {
  private server: Server | null = null;
  private readonly buffer: ResultBuffer;
  private readonly sync: AssignmentSync;
  private readonly checks: ScheduledChecks;
  private readonly sender: ResultSender;
  private readonly witness: LeaderWitness;

  constructor(private readonly options: ProbeOptions) {
    const { config, logger } = options;
    const c = config.cluster;
    const state = initialState();
    const metrics = new ProbeMetrics(c.nodeId, c.region);
    this.buffer = new ResultBuffer(options.bufferLimit);
    const client = new ClusterClient({
      peerUrls: c.peerUrls,
      secret: c.secret,
      nodeId: c.nodeId,
      name: c.nodeName,
      region: c.region,
      role: "probe",
      version: VERSION,
      logger,
      onAnswer: (url) => this.witness.noteAnswer(url),
    });
    this.witness = new LeaderWitness({
      client,
      nodeId: c.nodeId,
      region: c.region,
      leaderUrl: c.peerUrls[0]!,
      followerUrls: c.peerUrls.slice(1),
      logger,
    });
    this.sync = new AssignmentSync({
      client,
      state,
      metrics,
      logger,
      syncIntervalMs: c.probeSyncIntervalMs,
      apply: (monitors) => this.checks.apply(monitors),
    });
    this.sender = new ResultSender({
      client,
      buffer: this.buffer,
      state,
      metrics,
      logger,
      onUnknownNode: () => this.sync.reregister(),
    });
    let droppedSeen = 0;
    this.checks = new ScheduledChecks({
      concurrency: c.probeConcurrency,
      runMonitor:
        options.runMonitor ??
        createCheckRunner({
          allowPrivateTargets: config.security.allowPrivateTargets,
          insecureSkipVerify: config.security.insecureSkipVerify,
          userAgent: `uptop-probe/${VERSION}`,
        }),
      onResult: (result) => {
        this.buffer.push(result);
        if (this.buffer.dropped > droppedSeen) {
          metrics.dropped.inc(this.buffer.dropped - droppedSeen);
          droppedSeen = this.buffer.dropped;
        }
        this.sender.notify();
      },
      metrics,
      logger,
    });
    metrics.schedulerLagNow = () => this.checks.stats().lagMs;
    const app = createHealthApp({
      nodeId: c.nodeId,
      region: c.region,
      state,
      buffer: this.buffer,
      metrics,
      scheduler: () => this.checks.stats(),
      witness: () => this.witness.view(),
    });
    this.listen = () =>
      new Promise((resolve, reject) => {
        const server = app.listen(config.http.port, config.http.host, () => resolve(server));
        server.once("error", reject);
      });
  }

  private readonly listen: () => Promise<Server>;

  /** Starts the health port, registration/sync, the scheduler, the sender and the witness. Returns the bound port. */
  async start(): Promise<number> {
    this.server = await this.listen();
    this.server.requestTimeout = 10_000;
    this.checks.start();
    this.sync.start();
    this.sender.start();
    this.witness.start();
    return (this.server.address() as AddressInfo).port;
  }

  /** Stops taking work, waits for running checks, flushes what it can within a few seconds. */
  async stop(): Promise<void> {
    const deadline = Date.now() + DRAIN_MS;
    await this.witness.stop();
    await this.sync.stop();
    await this.checks.stop();
    await this.sender.drain(deadline);
    const left = this.buffer.size;
    if (left > 0) this.options.logger.warn("results not delivered at shutdown", { count: left });
    await new Promise<void>((resolve) => {
      if (!this.server) return resolve();
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}
