import type { ColumnType, Generated, JSONColumnType } from "kysely";

/**
 * Timestamps are read and written as Date on every database: SQLite stores them as ISO text of one
 * fixed format (`toISOString()`), which a string written as it came could break, so none is.
 */
type Timestamp = ColumnType<Date, Date, Date>;
type CreatedAt = ColumnType<Date, Date | undefined, never>;

export interface MonitorsTable {
  id: Generated<number>;
  name: string;
  type: string;
  description: string | null;
  url: string | null;
  hostname: string | null;
  port: number | null;
  interval_s: number;
  timeout_s: number;
  retries: number;
  retry_interval_s: number | null;
  recovery_threshold: number;
  method: string;
  headers: JSONColumnType<Record<string, string>>;
  body: string | null;
  /** JSON of HttpAuth, encrypted as a whole when a key is configured. */
  auth: string | null;
  accepted_codes: string;
  keyword: string | null;
  keyword_absent: string | null;
  json_assertion: JSONColumnType<Record<string, unknown> | null>;
  follow_redirects: boolean;
  max_redirects: number;
  ignore_tls: boolean;
  cert_expiry_days: number;
  record_type: string | null;
  resolver: string | null;
  expected: string[];
  expected_mode: string;
  ping_count: number;
  push_token: string | null;
  grace_s: number | null;
  parent_id: number | null;
  regions: string[];
  aggregation: string | null;
  paused: boolean;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface ChannelsTable {
  id: Generated<number>;
  name: string;
  type: string;
  settings: JSONColumnType<Record<string, unknown>>;
  is_default: boolean;
  enabled: boolean;
  reminder_interval_s: number | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface MonitorChannelsTable {
  monitor_id: number;
  channel_id: number;
}

export interface NodesTable {
  id: string;
  name: string;
  region: string;
  version: string;
  role: string;
  first_seen: Timestamp;
  last_seen: Timestamp;
  status: string;
}

export interface ClusterTable {
  id: number;
  epoch: number;
  holder: string;
  updated_at: Timestamp;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface MonitorStateTable {
  monitor_id: number;
  status: string;
  since: Timestamp;
  failures: number;
  successes: number;
  last_result: JSONColumnType<Record<string, unknown> | null>;
  last_votes: JSONColumnType<unknown[]>;
  last_push_at: Timestamp | null;
  down_since: Timestamp | null;
  no_data: boolean;
  updated_at: Timestamp;
}

export interface StateChangesTable {
  id: Generated<number>;
  monitor_id: number;
  from_status: string;
  to_status: string;
  reason: string;
  votes: JSONColumnType<unknown[]>;
  at: Timestamp;
  epoch: number;
  node_id: string;
  /** The change came from a follower's handback rather than this node's own engine. */
  origin: string;
}

export interface CheckResultsTable {
  monitor_id: number;
  node_id: string;
  slot: Timestamp;
  checked_at: Timestamp;
  ok: boolean;
  latency_ms: number | null;
  status_code: number | null;
  error_code: string | null;
  error_message: string | null;
}

export interface RollupsDailyTable {
  monitor_id: number;
  day: ColumnType<string, string, string>;
  up_s: number;
  down_s: number;
  maintenance_s: number;
  checks: number;
  failures: number;
  latency_p50: number | null;
  latency_p95: number | null;
}

export interface MaintenanceWindowsTable {
  id: Generated<number>;
  title: string;
  description: string | null;
  type: string;
  /** null = every monitor; a group's id covers its descendants. */
  monitor_ids: number[] | null;
  start_at: Timestamp;
  end_at: Timestamp | null;
  recurrence: JSONColumnType<Record<string, unknown> | null>;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface NotificationsTable {
  id: Generated<number>;
  channel_id: number;
  monitor_id: number | null;
  event: string;
  payload: JSONColumnType<Record<string, unknown>>;
  dedupe_key: string;
  state: string;
  attempts: number;
  next_attempt_at: Timestamp;
  last_error: string | null;
  sent_at: Timestamp | null;
  epoch: number;
  claimed_by: string | null;
  claimed_until: Timestamp | null;
  response: string | null;
  created_at: CreatedAt;
  /** `local`, `replica` (the leader's row, mirrored) or `adopted` (a replica taken over on promotion). */
  origin: Generated<string>;
  /** Sent before the follower confirmed holding it. */
  unreplicated: Generated<boolean>;
}

export interface NotificationAttemptsTable {
  id: Generated<number>;
  notification_id: number;
  attempt: number;
  at: CreatedAt;
  ok: boolean;
  retryable: boolean | null;
  status: number | null;
  error: string | null;
  response: string | null;
  node_id: string;
  epoch: number;
}

/** The node holding the database's one-serving-node lock (written by `database-lock.ts`). */
export interface NodeLeaseTable {
  id: number;
  node_id: string;
  role: string;
  pid: number;
  host: string;
  started_at: Timestamp;
  backend_pid: number;
  backend_start: Timestamp;
  acquired_at: CreatedAt;
}

export interface UsersTable {
  id: Generated<number>;
  name: string;
  /** viewer, editor or admin (a check constraint holds it to these). */
  role: string;
  disabled: boolean;
  /** argon2id, PHC string form; null: the user has no password and cannot sign in on the web. */
  password_hash: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface UserTokensTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  /** sha256 of the token, hex: the token itself is shown once and never stored. */
  token_hash: string;
  created_at: CreatedAt;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface UserKeysTable {
  id: Generated<number>;
  user_id: number;
  /** OpenSSH's `SHA256:<base64 without padding>` of the key's wire form. */
  fingerprint: string;
  algorithm: string;
  /** The key as an authorized_keys line without its comment: `<algorithm> <base64>`. */
  public_key: string;
  comment: string;
  created_at: CreatedAt;
}

export interface WebSessionsTable {
  id: Generated<number>;
  user_id: number;
  /** sha256 of the cookie's token, hex: the token itself is only in the browser. */
  token_hash: string;
  csrf_token: string;
  created_at: CreatedAt;
  last_seen_at: Timestamp;
  /** The absolute end of the session, however active it is. */
  expires_at: Timestamp;
  user_agent: string | null;
  ip: string | null;
}

export interface Database {
  monitors: MonitorsTable;
  channels: ChannelsTable;
  monitor_channels: MonitorChannelsTable;
  nodes: NodesTable;
  cluster: ClusterTable;
  settings: SettingsTable;
  monitor_state: MonitorStateTable;
  state_changes: StateChangesTable;
  check_results: CheckResultsTable;
  rollups_daily: RollupsDailyTable;
  maintenance_windows: MaintenanceWindowsTable;
  notifications: NotificationsTable;
  notification_attempts: NotificationAttemptsTable;
  node_lease: NodeLeaseTable;
  users: UsersTable;
  user_tokens: UserTokensTable;
  user_keys: UserKeysTable;
  web_sessions: WebSessionsTable;
}
