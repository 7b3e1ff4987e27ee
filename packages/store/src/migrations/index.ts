import type { Migration, MigrationProvider } from "kysely/migration";
import * as m001 from "./001-foundation.js";
import * as m002 from "./002-engine.js";
import * as m003 from "./003-notification-attempts.js";
import * as m004 from "./004-replication.js";
import * as m005 from "./005-node-lease.js";
import * as m006 from "./006-users.js";
import * as m007 from "./007-web-sessions.js";

import { SQLITE_MIGRATIONS } from "./sqlite.js";

// Migrations are compiled in, not read from a folder, so they work the same from dist/, from a
// `pnpm deploy` bundle and inside tests. Each one exists for Postgres (these files) and for SQLite
// (sqlite.ts), under the same name: a new migration adds both.
const MIGRATIONS: Record<string, Migration> = {
  "001-foundation": m001,
  "002-engine": m002,
  "003-notification-attempts": m003,
  "004-replication": m004,
  "005-node-lease": m005,
  "006-users": m006,
  "007-web-sessions": m007,
};

export const postgresMigrations: MigrationProvider = {
  async getMigrations() {
    return MIGRATIONS;
  },
};

export const sqliteMigrations: MigrationProvider = {
  async getMigrations() {
    return SQLITE_MIGRATIONS;
  },
};
