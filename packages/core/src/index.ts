export * from "./types.js";
export * from "./errors.js";
export { parseDuration, formatDuration } from "./duration.js";
export { loadConfig, loadConfigOrExit, type Config, type DbType, type LogLevel, type LoadConfigOptions } from "./config.js";
export { createLogger, redact, type Logger, type LoggerOptions } from "./logger.js";
export { SecretBox, safeEqual } from "./secret-box.js";
export {
  monitorInputSchema,
  normalizeMonitor,
  monitorToInput,
  parseAcceptedCodes,
  httpAuthSchema,
  jsonAssertionSchema,
  zodIssues,
  type MonitorInput,
  type MonitorDraft,
} from "./monitor-schema.js";
export { VERSION } from "./version.js";
export { slotHash, slotOffsetMs, slotIndex, slotStartMs, nextSlotStartMs, slotOf } from "./slots.js";
export { SlotScheduler, type SchedulerItem, type SlotSchedulerOptions, type SlotSchedulerStats, type SkipReason } from "./slot-scheduler.js";
