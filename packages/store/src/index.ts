export { openDatabase, openAndMigrate, migrate, isUniqueViolation, isForeignKeyViolation, type Db, type Store, type DatabaseOptions } from "./database.js";
export type { Database } from "./schema.js";
export * from "./monitors.repo.js";
export * from "./cluster.repo.js";
export * from "./nodes.repo.js";
export * from "./settings.repo.js";
export * from "./state.repo.js";
export * from "./results.repo.js";
