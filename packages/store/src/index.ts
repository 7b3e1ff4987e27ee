export {
  openDatabase,
  openAndMigrate,
  inTransaction,
  migrate,
  isUniqueViolation,
  isForeignKeyViolation,
  type Db,
  type Store,
  type StoreType,
  type DatabaseOptions,
} from "./database.js";
export type { Database } from "./schema.js";
export { isDatabaseUnavailable } from "./database-unavailable.js";
export * from "./monitors.repo.js";
export * from "./cluster.repo.js";
export * from "./nodes.repo.js";
export * from "./settings.repo.js";
export * from "./status-page-settings.repo.js";
export * from "./state.repo.js";
export * from "./results.repo.js";
export * from "./maintenance.repo.js";
export * from "./history.repo.js";
export * from "./mirror.repo.js";
export * from "./replica.repo.js";
export * from "./handback.repo.js";
export * from "./channels.repo.js";
export * from "./users.repo.js";
export * from "./notifications.repo.js";
export * from "./deliveries.repo.js";
export * from "./outbox.repo.js";
export * from "./state-changes.repo.js";
export * from "./secrets-at-rest.repo.js";
export * from "./config-apply.js";
export {
  acquireDatabaseLock,
  type DatabaseLock,
  type DatabaseLockOptions,
} from "./database-lock.js";
export {
  DatabaseLockedError,
  describeHolder,
  type LockHolder,
  type LockIdentity,
} from "./database-locked-error.js";
export { lockFileOf, PGLITE_LOCK_FILE } from "./file-lock.js";
export {
  copyDatabase,
  COPIED_TABLES,
  CopyMismatchError,
  CopyRowRefusedError,
  jsonColumnsOf,
  TargetNotEmptyError,
  type CopiedTable,
  type CopyOptions,
  type CopyReport,
  type TableRows,
} from "./database-copy.js";
export { copyBetween, NoSourceDatabaseError, type CopyBetweenOptions } from "./copy-between.js";
export * from "./web-sessions.repo.js";
