import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import { createSecureContext } from "node:tls";
import { ConfigError } from "../domain/errors.js";
import { parseDuration } from "../domain/duration.js";
import { ROLES, STRATEGIES, type AggregationStrategy, type NodeRole } from "../domain/types.js";

export type DbType = "sqlite" | "postgres";
export type LogLevel = "error" | "warn" | "info" | "http" | "verbose" | "debug" | "silly";
const LOG_LEVELS: readonly LogLevel[] = ["error", "warn", "info", "http", "verbose", "debug", "silly"];

export interface Config {
  readonly mode: NodeRole;
  readonly http: {
    readonly port: number;
    readonly host: string;
    readonly tlsCert: string | null;
    readonly tlsKey: string | null;
    readonly trustedProxies: readonly string[];
    readonly corsOrigin: string | null;
  };
  readonly dataDir: string;
  readonly db: { readonly type: DbType; readonly dsn: string; readonly poolMax: number };
  readonly apiToken: string | null;
  readonly cluster: {
    readonly secret: string | null;
    /** The peers to talk to, in order of preference (a probe fails over along this list). */
    readonly peerUrls: readonly string[];
    readonly nodeId: string;
    readonly nodeName: string;
    readonly region: string;
    readonly aggStrategy: AggregationStrategy;
    readonly leaderChecks: boolean;
    /** Checks the leader (or a follower that took over) runs at once. */
    readonly checkConcurrency: number;
    readonly probeConcurrency: number;
    readonly probeSyncIntervalMs: number;
    readonly failoverPollMs: number;
    readonly failoverThreshold: number;
  };
  readonly security: {
    readonly encryptionKey: Buffer | null;
    /** Checks and notification receivers may reach loopback, private and link-local addresses. */
    readonly allowPrivateTargets: boolean;
    readonly insecureSkipVerify: boolean;
  };
  readonly status: { readonly enabled: boolean; readonly title: string };
  /** The dashboard over SSH, served by an active leader or follower; off while `port` is null. */
  readonly ssh: { readonly port: number | null; readonly host: string; readonly idleTimeoutMs: number };
  /** Users created at every leader start when missing (seeding; existing users are left as they are). */
  readonly users: {
    /** UPTOP_ADMIN_KEY: one SSH public key line; the user "admin" (role admin) holds it. */
    readonly adminKey: string | null;
    /** UPTOP_KEYS: a file of `<role> <name> <ssh public key>` lines; read (and checked) at leader start. */
    readonly keysFile: string | null;
  };
  readonly metricsPublic: boolean;
  /** UPTOP_METRICS_TOKEN: a bearer token that can read GET /metrics and nothing else; null: none. */
  readonly metricsToken: string | null;
  readonly retention: { readonly rawMs: number; readonly rollupMs: number };
  readonly logLevel: LogLevel;
}

type Env = Record<string, string | undefined>;

function read(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === "" ? undefined : v.trim();
}

function int(env: Env, name: string, dflt: number, min: number, max: number, example: string): number {
  const raw = read(env, name);
  if (raw === undefined) return dflt;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `"${raw}" is not a whole number`, example);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `${n} is outside ${min}..${max}`, example);
  return n;
}

function bool(env: Env, name: string, dflt: boolean): boolean {
  const raw = read(env, name);
  if (raw === undefined) return dflt;
  const v = raw.toLowerCase();
  if (["true", "1", "yes", "on"].includes(v)) return true;
  if (["false", "0", "no", "off"].includes(v)) return false;
  throw new ConfigError(name, `"${raw}" is not a boolean`, "true");
}

function duration(env: Env, name: string, dflt: string, minMs: number, example: string): number {
  const raw = read(env, name) ?? dflt;
  const ms = parseDuration(raw);
  if (ms === undefined) throw new ConfigError(name, `"${raw}" is not a duration (use ms, s, m, h or d)`, example);
  if (ms < minMs) throw new ConfigError(name, `${raw} is shorter than ${minMs}ms`, example);
  return ms;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], dflt: T): T {
  const raw = read(env, name);
  if (raw === undefined) return dflt;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `"${raw}" is not one of ${allowed.join(", ")}`, allowed[0] ?? dflt);
  }
  return raw as T;
}

function httpUrl(name: string, raw: string, example: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ConfigError(name, `"${raw}" is not a URL`, example);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    throw new ConfigError(name, `"${raw}" must be http:// or https://`, example);
  }
  return u.toString().replace(/\/+$/, "");
}

const NODE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/**
 * Why a trusted-proxy entry is refused, or undefined: an IP address, alone or with a prefix length
 * of 1 to its family's bits. That is a subset of what proxy-addr (behind express's "trust
 * proxy") compiles, which also refuses /0, so it cannot throw there once the database is open.
 */
function cidrProblem(text: string): string | undefined {
  const [address = "", prefix, ...rest] = text.split("/");
  const family = isIP(address);
  if (family === 0 || rest.length || (prefix !== undefined && !/^\d{1,3}$/.test(prefix)))
    return "is not an IP address or CIDR";
  const bits = family === 4 ? 32 : 128;
  if (prefix !== undefined && (Number(prefix) < 1 || Number(prefix) > bits)) return `has a prefix outside 1..${bits}`;
  return undefined;
}

/** The address to bind: an IP (IPv6 may come in brackets) or a host name. */
function bindHost(env: Env, name: string, dflt: string): string {
  const raw = read(env, name);
  if (raw === undefined) return dflt;
  const bracketed = /^\[(.*)\]$/.exec(raw)?.[1];
  const host = bracketed ?? raw;
  // "999.1.1.1" fits the host-name pattern, but no name ends in a numeric label.
  const ok =
    bracketed !== undefined ? isIP(host) === 6 : isIP(host) !== 0 || (HOST_NAME.test(host) && !/^[\d.]+$/.test(host));
  if (!ok) {
    throw new ConfigError(name, `"${raw}" is not an IP address or host name`, "0.0.0.0");
  }
  return host;
}

/**
 * `*` or one origin (`https://status.example.com`, no path). It becomes the status page's
 * Access-Control-Allow-Origin as it is, and that header carries a single origin, never a list.
 */
function corsOrigin(env: Env): string | null {
  const raw = read(env, "UPTOP_CORS_ORIGIN");
  if (raw === undefined || raw === "*") return raw ?? null;
  const example = "https://status.example.com";
  if (raw.includes(","))
    throw new ConfigError(
      "UPTOP_CORS_ORIGIN",
      `"${raw}" is a list, but Access-Control-Allow-Origin takes one origin (or *)`,
      example,
    );
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ConfigError("UPTOP_CORS_ORIGIN", `"${raw}" is not an origin URL`, example);
  }
  if ((u.protocol !== "http:" && u.protocol !== "https:") || u.href !== `${u.origin}/`) {
    throw new ConfigError("UPTOP_CORS_ORIGIN", `"${raw}" must be an http:// or https:// origin with no path`, example);
  }
  return u.origin;
}

/**
 * Reads the certificate and key once at start-up so a missing, unreadable or mismatched file is a
 * configuration error (exit 2) and not a crash when the server starts, after the database opened.
 */
function checkTlsFiles(cert: string, key: string): void {
  const load = (variable: string, path: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (err) {
      const why = (err as NodeJS.ErrnoException).code ?? "unreadable";
      throw new ConfigError(variable, `cannot read "${path}" (${why})`, "/etc/uptop/tls.pem");
    }
  };
  const pem = { cert: load("UPTOP_TLS_CERT", cert), key: load("UPTOP_TLS_KEY", key) };
  const tryContext = (variable: string, options: Parameters<typeof createSecureContext>[0], problem: string) => {
    try {
      createSecureContext(options);
    } catch (err) {
      throw new ConfigError(variable, `${problem} (${(err as Error).message})`, "/etc/uptop/tls.pem");
    }
  };
  tryContext("UPTOP_TLS_CERT", { cert: pem.cert }, `"${cert}" is not a PEM certificate`);
  tryContext("UPTOP_TLS_KEY", { key: pem.key }, `"${key}" is not a PEM private key`);
  tryContext("UPTOP_TLS_KEY", pem, `"${key}" is not the key of the certificate in UPTOP_TLS_CERT`);
}

export interface LoadConfigOptions {
  /** The mode of the app that is starting; a different UPTOP_CLUSTER_MODE is an error. */
  expectedMode?: NodeRole;
}

/**
 * Reads every UPTOP_* variable once, validates it and returns a frozen object. Nothing else in
 * uptop reads process.env. A bad value throws ConfigError whose message is the one line to print.
 */
/**
 * The region of a node started without UPTOP_NODE_REGION (a lone leader, typically): a name
 * for "unnamed", so the public status page does not show it as a place.
 */
export const DEFAULT_REGION = "local";

export function loadConfig(env: Env, options: LoadConfigOptions = {}): Config {
  const mode = oneOf(env, "UPTOP_CLUSTER_MODE", ROLES, options.expectedMode ?? "leader");
  if (options.expectedMode && mode !== options.expectedMode) {
    throw new ConfigError(
      "UPTOP_CLUSTER_MODE",
      `is "${mode}" but this is the ${options.expectedMode} app`,
      options.expectedMode,
    );
  }

  const port = int(env, "UPTOP_HTTP_PORT", 8080, 0, 65535, "8080");
  const host = bindHost(env, "UPTOP_HTTP_HOST", "0.0.0.0");
  const tlsCert = read(env, "UPTOP_TLS_CERT") ?? null;
  const tlsKey = read(env, "UPTOP_TLS_KEY") ?? null;
  if ((tlsCert === null) !== (tlsKey === null)) {
    const missing = tlsCert === null ? "UPTOP_TLS_CERT" : "UPTOP_TLS_KEY";
    throw new ConfigError(missing, "must be set together with its pair to serve HTTPS", "/etc/uptop/tls.pem");
  }
  // A probe serves plain HTTP (health, metrics) and never reads them.
  if (tlsCert !== null && tlsKey !== null && mode !== "probe") checkTlsFiles(tlsCert, tlsKey);
  const trustedProxies = (read(env, "UPTOP_TRUSTED_PROXIES") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const p of trustedProxies) {
    const problem = cidrProblem(p);
    if (problem) throw new ConfigError("UPTOP_TRUSTED_PROXIES", `"${p}" ${problem}`, "10.0.0.0/8,192.168.1.10");
  }

  const dataDir = read(env, "UPTOP_DATA_DIR") ?? "./data";
  if (read(env, "UPTOP_DB_TYPE") === "pglite") {
    throw new ConfigError(
      "UPTOP_DB_TYPE",
      "pglite is no longer supported: the embedded database is now sqlite. Move your data first with " +
        "`uptop-admin db copy --from pglite:<folder> --to sqlite:<file>`, then start with the sqlite default",
      "sqlite",
    );
  }
  const dbType = oneOf<DbType>(env, "UPTOP_DB_TYPE", ["sqlite", "postgres"], "sqlite");
  let dsn = read(env, "UPTOP_DB_DSN") ?? (dbType === "sqlite" ? `${dataDir.replace(/\/+$/, "")}/uptop.db` : "");
  if (dbType === "postgres") {
    if (!/^postgres(ql)?:\/\//.test(dsn)) {
      throw new ConfigError(
        "UPTOP_DB_DSN",
        dsn ? "is not a postgres:// URL" : "is required when UPTOP_DB_TYPE=postgres",
        "postgres://uptop:secret@db:5432/uptop",
      );
    }
  } else if (/^[a-z]+:\/\//.test(dsn) && !dsn.startsWith("file://")) {
    throw new ConfigError("UPTOP_DB_DSN", "must be a file path when UPTOP_DB_TYPE=sqlite", "./data/uptop.db");
  } else {
    dsn = dsn.replace(/^file:\/\//, "");
  }
  const poolMax = int(env, "UPTOP_DB_POOL_MAX", 10, 1, 1000, "10");

  const apiToken = read(env, "UPTOP_API_TOKEN") ?? null;
  if (apiToken !== null && apiToken.length < 16) {
    throw new ConfigError("UPTOP_API_TOKEN", "is shorter than 16 characters", "3f9a1c0e7b2d4a6f8e1c3b5d7f9a0c2e");
  }

  const metricsToken = read(env, "UPTOP_METRICS_TOKEN") ?? null;
  if (metricsToken !== null && metricsToken.length < 16) {
    throw new ConfigError("UPTOP_METRICS_TOKEN", "is shorter than 16 characters", "9c2e4a6f8e1c3b5d7f9a0c2e3f9a1c0e");
  }
  // The scrape token sits in a Prometheus config: were it the admin token, a leaked config would be an admin.
  if (metricsToken !== null && metricsToken === apiToken) {
    throw new ConfigError(
      "UPTOP_METRICS_TOKEN",
      "must differ from UPTOP_API_TOKEN",
      "9c2e4a6f8e1c3b5d7f9a0c2e3f9a1c0e",
    );
  }

  const secret = read(env, "UPTOP_CLUSTER_SECRET") ?? null;
  if (secret !== null && secret.length < 16) {
    throw new ConfigError("UPTOP_CLUSTER_SECRET", "is shorter than 16 characters", "a-long-random-shared-secret-0123");
  }
  const peerUrls = (read(env, "UPTOP_PEER_URL") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((u) => httpUrl("UPTOP_PEER_URL", u, "http://leader:8080"));
  if (mode !== "leader" && peerUrls.length === 0) {
    throw new ConfigError("UPTOP_PEER_URL", `is required in ${mode} mode`, "http://leader:8080");
  }

  const idRaw = read(env, "UPTOP_NODE_ID");
  if (idRaw === undefined && mode === "probe") {
    throw new ConfigError("UPTOP_NODE_ID", "is required in probe mode", "probe-eu-west-1");
  }
  const nodeId = idRaw ?? mode;
  if (!NODE_ID.test(nodeId)) {
    throw new ConfigError(
      "UPTOP_NODE_ID",
      `"${nodeId}" may hold only letters, digits, ".", "_" and "-"`,
      "probe-eu-west-1",
    );
  }
  const nodeName = read(env, "UPTOP_NODE_NAME") ?? nodeId;
  const regionRaw = read(env, "UPTOP_NODE_REGION");
  if (regionRaw === undefined && mode === "probe") {
    throw new ConfigError("UPTOP_NODE_REGION", "is required in probe mode", "eu-west");
  }
  const region = regionRaw ?? DEFAULT_REGION;
  if (!NODE_ID.test(region)) {
    throw new ConfigError(
      "UPTOP_NODE_REGION",
      `"${region}" may hold only letters, digits, ".", "_" and "-"`,
      "eu-west",
    );
  }

  const keyHex = read(env, "UPTOP_ENCRYPTION_KEY");
  let encryptionKey: Buffer | null = null;
  if (keyHex !== undefined) {
    if (!/^[0-9a-fA-F]{64}$/.test(keyHex)) {
      throw new ConfigError(
        "UPTOP_ENCRYPTION_KEY",
        "must be exactly 64 hex characters (32 bytes)",
        "$(openssl rand -hex 32)",
      );
    }
    encryptionKey = Buffer.from(keyHex, "hex");
  }

  const adminKey = read(env, "UPTOP_ADMIN_KEY") ?? null;
  // The key itself is parsed at leader start; here only its shape, so a path or a private key is caught early.
  if (adminKey !== null && !/^[a-z][a-z0-9@.-]*\s+[A-Za-z0-9+/]+={0,3}(?:\s.*)?$/.test(adminKey)) {
    throw new ConfigError(
      "UPTOP_ADMIN_KEY",
      "is not an SSH public key line (the contents of a .pub file, not its path)",
      '"ssh-ed25519 AAAAC3Nza… you@laptop"',
    );
  }

  const config: Config = {
    mode,
    http: { port, host, tlsCert, tlsKey, trustedProxies, corsOrigin: corsOrigin(env) },
    dataDir,
    db: { type: dbType, dsn, poolMax },
    apiToken,
    cluster: {
      secret,
      peerUrls,
      nodeId,
      nodeName,
      region,
      aggStrategy: oneOf(env, "UPTOP_AGG_STRATEGY", STRATEGIES, "any-down"),
      leaderChecks: bool(env, "UPTOP_LEADER_CHECKS", true),
      checkConcurrency: int(env, "UPTOP_CHECK_CONCURRENCY", 100, 1, 10_000, "100"),
      probeConcurrency: int(env, "UPTOP_PROBE_CONCURRENCY", 10, 1, 10_000, "10"),
      probeSyncIntervalMs: duration(env, "UPTOP_PROBE_SYNC_INTERVAL", "30s", 1000, "30s"),
      failoverPollMs: duration(env, "UPTOP_FAILOVER_POLL", "5s", 100, "5s"),
      failoverThreshold: int(env, "UPTOP_FAILOVER_THRESHOLD", 3, 1, 100, "3"),
    },
    security: {
      encryptionKey,
      allowPrivateTargets: bool(env, "UPTOP_ALLOW_PRIVATE_TARGETS", false),
      insecureSkipVerify: bool(env, "UPTOP_INSECURE_SKIP_VERIFY", false),
    },
    status: {
      enabled: bool(env, "UPTOP_STATUS_ENABLED", false),
      title: read(env, "UPTOP_STATUS_TITLE") ?? "System Status",
    },
    ssh: {
      port: read(env, "UPTOP_SSH_PORT") === undefined ? null : int(env, "UPTOP_SSH_PORT", 0, 0, 65535, "2222"),
      host: bindHost(env, "UPTOP_SSH_HOST", host),
      idleTimeoutMs: duration(env, "UPTOP_SSH_IDLE_TIMEOUT", "15m", 10_000, "15m"),
    },
    users: { adminKey, keysFile: read(env, "UPTOP_KEYS") ?? null },
    metricsPublic: bool(env, "UPTOP_METRICS_PUBLIC", false),
    metricsToken,
    retention: {
      rawMs: duration(env, "UPTOP_RETENTION_RAW", "14d", 86_400_000, "14d"),
      rollupMs: duration(env, "UPTOP_RETENTION_ROLLUP", "400d", 86_400_000, "400d"),
    },
    logLevel: oneOf(env, "UPTOP_LOG_LEVEL", LOG_LEVELS, "info"),
  };
  return deepFreeze(config);
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === "object" && !Buffer.isBuffer(o)) {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

/**
 * The start-up path of every app: load the config or print the one-line reason and exit 2.
 */
export function loadConfigOrExit(env: Env, options: LoadConfigOptions = {}): Config {
  try {
    return loadConfig(env, options);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`uptop: invalid configuration: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}
