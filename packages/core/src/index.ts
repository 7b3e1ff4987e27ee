export * from "./domain/types.js";
export * from "./domain/errors.js";
export {
  isWellFormedText,
  wellFormed,
  truncateText,
  storableText,
  wellFormedDeep,
} from "./domain/well-formed-text.js";
export {
  CHECK_MESSAGE_MAX_CHARS,
  INT4_MAX,
  LATENCY_MAX_MS,
  checkErrorSchema,
  certSummarySchema,
  checkReportSchema,
  type CheckError,
  type CertSummary,
  type CheckReport,
} from "./domain/check-report.js";
export { monitorSchema, type Monitor, type HttpAuth, type JsonAssertion } from "./domain/monitor.js";
export {
  MASK,
  isSecretHeader,
  urlHasCredentials,
  withoutCredentials,
  urlWithCredentialAs,
  maskMonitorSecrets,
  restoreMaskedSecrets,
  type MonitorCredentials,
} from "./domain/monitor-secrets.js";
export {
  statusSchema,
  voteSchema,
  lastCheckSchema,
  monitorStateSchema,
  type Vote,
  type LastCheck,
  type MonitorState,
} from "./domain/monitor-state.js";
export {
  WINDOW_TYPES,
  recurrenceSchema,
  recurrenceInputSchema,
  maintenanceWindowSchema,
  type WindowType,
  type Recurrence,
  type MaintenanceWindowRecord,
} from "./domain/maintenance-window.js";
export { channelConfigSchema, type ChannelConfig } from "./domain/channel.js";
export {
  OUTBOX_STATES,
  replicaEntrySchema,
  replicaOutboxRowSchema,
  replicaStateChangeSchema,
  type OutboxState,
  type ReplicaEntry,
  type ReplicaOutboxRow,
  type ReplicaStateChange,
} from "./domain/replica-entry.js";
export { parseDuration, formatDuration } from "./domain/duration.js";
export {
  MIN_TIME_MS,
  MAX_TIME_MS,
  TIME_RANGE_MESSAGE,
  isTimeInRange,
  isoTimeSchema,
  parseTimeParam,
} from "./domain/iso-time.js";
export {
  DEFAULT_REGION,
  loadConfig,
  loadConfigOrExit,
  type Config,
  type DbType,
  type LogLevel,
  type LoadConfigOptions,
} from "./runtime/config.js";
export { createLogger, redact, type Logger, type LoggerOptions } from "./runtime/logger.js";
export { SecretBox, safeEqual } from "./runtime/secret-box.js";
export {
  PRIVATE_DIR_MODE,
  PRIVATE_FILE_MODE,
  makePrivateDir,
  restrictPermissions,
  writePrivateFile,
} from "./runtime/private-files.js";
export {
  monitorInputSchema,
  normalizeMonitor,
  monitorToInput,
  parseAcceptedCodes,
  PUSH_TOKEN,
  httpAuthSchema,
  jsonAssertionSchema,
  zodIssues,
  type MonitorInput,
  type MonitorDraft,
} from "./domain/monitor-schema.js";
export {
  STATUS_PAGE_TITLE_MAX,
  STATUS_PAGE_DESCRIPTION_MAX,
  statusPageSettingsSchema,
  statusPageSettingsInputSchema,
  type StatusPageSettings,
} from "./domain/status-page-settings.js";
export { VERSION } from "./runtime/version.js";
export { slotHash, slotOffsetMs, slotIndex, slotStartMs, nextSlotStartMs, slotOf } from "./domain/slots.js";
export {
  CHECK_WAKE_MS,
  SlotScheduler,
  type SchedulerItem,
  type SlotSchedulerOptions,
  type SlotSchedulerStats,
  type SkipReason,
} from "./runtime/slot-scheduler.js";
export { runService, type FailService, type Service } from "./runtime/run-service.js";
export { USER_ROLES, isRole, roleAllows, type Role } from "./domain/role.js";
export { LIVE_EVENT_TYPES, type LiveEvent, type LiveEventType } from "./domain/live-event.js";
export {
  LiveEventHub,
  liveEventId,
  type LiveEventHubOptions,
  type LiveEventSink,
  type LiveEventSubscription,
  type PublishedEvent,
  type StreamedEvent,
  type SubscribeOptions,
} from "./runtime/live-event-hub.js";
