import type { CheckOptions, CheckResult, CheckSpec } from "@uptop/checks";
import type { AggregationStrategy, LiveEventSink, Logger, SecretBox } from "@uptop/core";
import type { Db } from "@uptop/store";
import type { EngineMetrics } from "./metrics.js";
import type { AlertReplication } from "./replication-feed.js";
import type { WriteQueueOptions } from "./write-queue.js";

export interface EngineOptions {
  db: Db;
  box: SecretBox;
  logger: Logger;
  metrics: EngineMetrics;
  node: { id: string; name: string; region: string; role: "leader" | "follower"; version: string };
  strategy: AggregationStrategy;
  /** Whether this node checks monitors itself (one vote). */
  localChecks: boolean;
  /**
   * Check every monitor whose latest vote is older than its interval right away instead of at
   * its next slot: a follower taking over must not leave a 60 s monitor unchecked for another
   * minute. (A leader's ordinary start keeps to the grid.)
   */
  checkOverdueOnStart?: boolean;
  checkOptions: CheckOptions;
  /** The fencing epoch this node acts under. */
  epoch: () => number;
  now?: () => number;
  runCheck?: (spec: CheckSpec, options: CheckOptions) => Promise<CheckResult>;
  concurrency?: number;
  refreshMs?: number;
  tickMs?: number;
  /** How long after a slot's timeout a round waits for late votes before it is decided. */
  settleMs?: number;
  /** The leader's change feed: every committed verdict, transition and alert is appended to it. */
  replication?: AlertReplication;
  /**
   * The live event stream: every committed transition (`status`), every check result taken
   * (`check`, this node's own and probes' votes) and node status changes (`node`).
   */
  events?: LiveEventSink;
  /** `onBatch` sees every batch written (kind and rows), for benchmarks and diagnostics. */
  writeQueue?: Partial<Pick<WriteQueueOptions, "flushMs" | "maxResults" | "batchSize" | "onBatch">>;
}
