import { sql, type Kysely } from "kysely";
import type { Migration } from "kysely/migration";

/**
 * The same schema as the Postgres migrations, in SQLite's terms, one entry per Postgres file.
 * Column types keep their Postgres names (`timestamptz`, `boolean`, `jsonb`, `text[]`): SQLite
 * stores text and numbers whatever the name, and the driver (`sqlite-driver.ts`) reads the names
 * back to hand the repositories Date, boolean and parsed JSON. Timestamps are ISO 8601 text in
 * UTC with milliseconds, the format `now` below writes. check_results is one table (no
 * partitions): retention deletes old rows in bounded batches instead.
 */

const NOW = "(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))";

async function run(db: Kysely<unknown>, statements: string[]): Promise<void> {
  for (const s of statements) await sql.raw(s.replaceAll("$now", NOW)).execute(db);
}

export const SQLITE_MIGRATIONS: Record<string, Migration> = {
  "001-foundation": {
    up: (db) =>
      run(db, [
        `create table monitors (
          id integer primary key autoincrement,
          name text not null unique,
          type text not null,
          description text,
          url text,
          hostname text,
          port integer,
          interval_s double precision not null default 60,
          timeout_s double precision not null default 10,
          retries integer not null default 0,
          retry_interval_s double precision,
          recovery_threshold integer not null default 1,
          method text not null default 'GET',
          headers jsonb not null default '{}',
          body text,
          auth text,
          accepted_codes text not null default '200-299',
          keyword text,
          keyword_absent text,
          json_assertion jsonb,
          follow_redirects boolean not null default 1,
          max_redirects integer not null default 10,
          ignore_tls boolean not null default 0,
          cert_expiry_days integer not null default 14,
          record_type text,
          resolver text,
          expected text[] not null default '[]',
          expected_mode text not null default 'any',
          ping_count integer not null default 3,
          push_token text unique,
          grace_s double precision,
          parent_id integer references monitors(id) on delete set null,
          regions text[] not null default '[]',
          aggregation text,
          paused boolean not null default 0,
          created_at timestamptz not null default $now,
          updated_at timestamptz not null default $now
        )`,
        "create index monitors_parent_idx on monitors (parent_id)",
        `create table channels (
          id integer primary key autoincrement,
          name text not null unique,
          type text not null,
          settings jsonb not null default '{}',
          is_default boolean not null default 0,
          enabled boolean not null default 1,
          reminder_interval_s double precision,
          created_at timestamptz not null default $now,
          updated_at timestamptz not null default $now
        )`,
        `create table monitor_channels (
          monitor_id integer not null references monitors(id) on delete cascade,
          channel_id integer not null references channels(id) on delete cascade,
          primary key (monitor_id, channel_id)
        )`,
        "create index monitor_channels_channel_idx on monitor_channels (channel_id)",
        `create table nodes (
          id text primary key,
          name text not null,
          region text not null,
          version text not null,
          role text not null,
          first_seen timestamptz not null,
          last_seen timestamptz not null,
          status text not null default 'online'
        )`,
        `create table cluster (
          id integer primary key check (id = 1),
          epoch integer not null,
          holder text not null,
          updated_at timestamptz not null default $now
        )`,
        "insert into cluster (id, epoch, holder) values (1, 1, 'leader')",
        "create table settings (key text primary key, value text not null)",
      ]),
  },
  "002-engine": {
    up: (db) =>
      run(db, [
        `create table monitor_state (
          monitor_id integer primary key references monitors(id) on delete cascade,
          status text not null,
          since timestamptz not null,
          failures integer not null default 0,
          successes integer not null default 0,
          last_result jsonb,
          last_votes jsonb not null default '[]',
          last_push_at timestamptz,
          down_since timestamptz,
          no_data boolean not null default 0,
          updated_at timestamptz not null default $now
        )`,
        `create table state_changes (
          id integer primary key autoincrement,
          monitor_id integer not null references monitors(id) on delete cascade,
          from_status text not null,
          to_status text not null,
          reason text not null,
          votes jsonb not null default '[]',
          at timestamptz not null,
          epoch integer not null,
          node_id text not null,
          origin text not null default 'local',
          unique (monitor_id, at, to_status)
        )`,
        "create index state_changes_monitor_at_idx on state_changes (monitor_id, at)",
        `create table check_results (
          monitor_id integer not null,
          node_id text not null,
          slot timestamptz not null,
          checked_at timestamptz not null,
          ok boolean not null,
          latency_ms double precision,
          status_code integer,
          error_code text,
          error_message text,
          primary key (monitor_id, node_id, slot)
        ) without rowid`,
        "create index check_results_slot_idx on check_results (slot)",
        `create table rollups_daily (
          monitor_id integer not null references monitors(id) on delete cascade,
          day date not null,
          up_s double precision not null default 0,
          down_s double precision not null default 0,
          maintenance_s double precision not null default 0,
          checks integer not null default 0,
          failures integer not null default 0,
          latency_p50 double precision,
          latency_p95 double precision,
          primary key (monitor_id, day)
        )`,
        `create table maintenance_windows (
          id integer primary key autoincrement,
          title text not null,
          description text,
          type text not null default 'maintenance',
          monitor_ids integer[],
          start_at timestamptz not null,
          end_at timestamptz,
          recurrence jsonb,
          created_by text,
          created_at timestamptz not null default $now,
          updated_at timestamptz not null default $now
        )`,
        `create table notifications (
          id integer primary key autoincrement,
          channel_id integer not null references channels(id) on delete cascade,
          monitor_id integer references monitors(id) on delete set null,
          event text not null,
          payload jsonb not null,
          dedupe_key text not null unique,
          state text not null default 'pending',
          attempts integer not null default 0,
          next_attempt_at timestamptz not null default $now,
          last_error text,
          sent_at timestamptz,
          epoch integer not null,
          claimed_by text,
          claimed_until timestamptz,
          response text,
          created_at timestamptz not null default $now
        )`,
        "create index notifications_due_idx on notifications (state, next_attempt_at)",
      ]),
  },
  "003-notification-attempts": {
    up: (db) =>
      run(db, [
        `create table notification_attempts (
          id integer primary key autoincrement,
          notification_id integer not null references notifications(id) on delete cascade,
          attempt integer not null,
          at timestamptz not null default $now,
          ok boolean not null,
          retryable boolean,
          status integer,
          error text,
          response text,
          node_id text not null,
          epoch integer not null
        )`,
        "create index notification_attempts_notification_idx on notification_attempts (notification_id)",
        "create index notifications_pending_idx on notifications (next_attempt_at) where state = 'pending'",
      ]),
  },
  "004-replication": {
    up: (db) =>
      run(db, [
        "alter table notifications add column origin text not null default 'local'",
        "alter table notifications add column unreplicated boolean not null default 0",
      ]),
  },
  // The one-serving-node lock on SQLite is the lock file beside the database (folder-lock.ts);
  // the table exists so the schema is the same on both databases.
  "005-node-lease": {
    up: (db) =>
      run(db, [
        `create table node_lease (
          id integer primary key check (id = 1),
          node_id text not null,
          role text not null,
          pid integer not null,
          host text not null,
          started_at timestamptz not null,
          backend_pid integer not null,
          backend_start timestamptz not null,
          acquired_at timestamptz not null default $now
        )`,
      ]),
  },
  "006-users": {
    up: (db) =>
      run(db, [
        `create table users (
          id integer primary key autoincrement,
          name text not null unique,
          role text not null check (role in ('viewer', 'editor', 'admin')),
          disabled boolean not null default 0,
          created_at timestamptz not null default $now,
          updated_at timestamptz not null default $now
        )`,
        `create table user_tokens (
          id integer primary key autoincrement,
          user_id integer not null references users(id) on delete cascade,
          name text not null,
          token_hash text not null unique,
          created_at timestamptz not null default $now,
          last_used_at timestamptz,
          revoked_at timestamptz
        )`,
        "create index user_tokens_user_idx on user_tokens (user_id)",
        `create table user_keys (
          id integer primary key autoincrement,
          user_id integer not null references users(id) on delete cascade,
          fingerprint text not null unique,
          algorithm text not null,
          public_key text not null,
          comment text not null default '',
          created_at timestamptz not null default $now
        )`,
        "create index user_keys_user_idx on user_keys (user_id)",
      ]),
  },
  "007-web-sessions": {
    up: (db) =>
      run(db, [
        "alter table users add column password_hash text",
        `create table web_sessions (
          id integer primary key autoincrement,
          user_id integer not null references users(id) on delete cascade,
          token_hash text not null unique,
          csrf_token text not null,
          created_at timestamptz not null default $now,
          last_seen_at timestamptz not null default $now,
          expires_at timestamptz not null,
          user_agent text,
          ip text
        )`,
        "create index web_sessions_user_idx on web_sessions (user_id)",
        "create index web_sessions_expires_idx on web_sessions (expires_at)",
      ]),
  },
};
