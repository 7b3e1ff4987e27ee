export { HistoryJobs, type HistoryJobsOptions, type HistoryRunReport } from "./history-jobs.js";
