import { randomBytes } from "node:crypto";
import pg from "pg";

/** The server tests use: CI sets UPTOP_TEST_DATABASE_URL; locally the default server answers. */
export function testServerUrl(): string {
  // Test-only entry point; the apps never read the environment outside loadConfig.
  return process.env.UPTOP_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
}

export interface TempDatabase {
  dsn: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * A fresh, empty Postgres database for one test file, so files run in parallel without
 * seeing each other's rows.
 */
export async function createTempDatabase(prefix = "uptop_test"): Promise<TempDatabase> {
  const base = testServerUrl();
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    dsn: url.toString(),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      try {
        await c.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}
