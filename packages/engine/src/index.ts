export { Engine, type EngineOptions, type IncomingResult } from "./engine.js";
export { EngineMetrics, type MetricsSource } from "./metrics.js";
export { WriteQueue, type WriteQueueOptions, type WriteQueueStats, type StateChangeWrite } from "./write-queue.js";
export { dedupeKey, channelsFor, enqueueAlert, type PlannedAlert, type Suppression } from "./outbox-plan.js";
export { incidentKey, planAlert } from "./alerts.js";
export { HistoryJobs, type HistoryJobsOptions, type HistoryRunReport } from "./history-jobs.js";
export { Dispatcher, retryDelayMs, type DispatcherOptions } from "./dispatcher.js";
