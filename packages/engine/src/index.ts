export { Engine } from "./engine.js";
export type { EngineOptions } from "./engine-options.js";
export type { MonitorSnapshot } from "./monitor-runtime.js";
export { EngineMetrics, type MetricsSource } from "./metrics.js";
export { WriteQueue, type WriteQueueOptions, type WriteQueueStats, type StateChangeWrite } from "./write-queue.js";
export { enqueueAlert } from "./outbox-writer.js";
export { planAlert, planNodeAlert, type PlannedAlert } from "./alert-messages.js";
export { HistoryJobs, type HistoryJobsOptions, type HistoryRunReport } from "./history-jobs.js";
export { Dispatcher, retryDelayMs, type DispatcherOptions } from "./dispatcher.js";
export {
  ReplicationFeed,
  type AlertReplication,
  type FeedRead,
  type FeedStats,
  type ReplicationFeedOptions,
} from "./replication-feed.js";
