import type { Role } from "@uptop/core";

const KIB = 1024;
const MIB = 1024 * KIB;

/**
 * Who may call a route, judged from the headers alone. "user": a bearer token that names a caller
 * (the admin API token, a user's token, a session token) whose role is enough for the request
 * (`requiredRole`).
 */
export type RouteAuth = "none" | "push-token" | "cluster-secret" | "user";

/** The per-client rate limits, each counted on its own, per minute. */
export const RATE_LIMITS_PER_MINUTE = {
  push: 600,
  probe: 6000,
  cluster: 600,
  status: 300,
  admin: 1200,
  signIn: 300,
} as const;

export type RateGroup = keyof typeof RATE_LIMITS_PER_MINUTE;

/** What a route class allows, checked in order before any byte of the body is read. */
export interface RoutePolicy {
  /** Names the class in error messages and docs. */
  name: string;
  /** Which rate limit counts the request; null: none. */
  rate: RateGroup | null;
  auth: RouteAuth;
  /** The largest body the route reads; null: it reads none (a body sent anyway is never read). */
  bodyLimitBytes: number | null;
}

/**
 * Body limits per route class. Admin JSON is sized for the largest monitor the schema takes (a
 * 64 Ki-character HTTP body, up to 192 KiB as UTF-8, plus headers and auth); a config document or
 * an Uptime Kuma backup holds every monitor at once; a handback carries a follower's verdicts
 * for every monitor and its daily rollups, sealed (a third larger than the JSON).
 */
export const BODY_LIMITS = {
  push: 8 * KIB,
  probeRegister: 64 * KIB,
  probeResults: MIB,
  clusterHandback: 16 * MIB,
  witness: 8 * KIB,
  admin: 512 * KIB,
  configDocument: 16 * MIB,
  signIn: 8 * KIB,
} as const;

const POLICIES = {
  push: { name: "push", rate: "push", auth: "push-token", bodyLimitBytes: BODY_LIMITS.push },
  probeResults: {
    name: "probe results",
    rate: "probe",
    auth: "cluster-secret",
    bodyLimitBytes: BODY_LIMITS.probeResults,
  },
  probe: { name: "probe", rate: "probe", auth: "cluster-secret", bodyLimitBytes: BODY_LIMITS.probeRegister },
  handback: {
    name: "cluster handback",
    rate: "cluster",
    auth: "cluster-secret",
    bodyLimitBytes: BODY_LIMITS.clusterHandback,
  },
  // Every probe reports to the follower every 2 s, and probes behind one NAT share an address: a
  // refused report would count as a probe that still sees the leader, and hold a take-over back.
  witness: { name: "witness report", rate: "probe", auth: "cluster-secret", bodyLimitBytes: BODY_LIMITS.witness },
  cluster: { name: "cluster", rate: "cluster", auth: "cluster-secret", bodyLimitBytes: null },
  status: { name: "status page", rate: "status", auth: "none", bodyLimitBytes: null },
  publicMetrics: { name: "metrics", rate: null, auth: "none", bodyLimitBytes: null },
  configDocument: {
    name: "config document",
    rate: "admin",
    auth: "user",
    bodyLimitBytes: BODY_LIMITS.configDocument,
  },
  admin: { name: "admin", rate: "admin", auth: "user", bodyLimitBytes: BODY_LIMITS.admin },
  // Signing in and out: no credentials asked at the gate, as the routes read the session cookie
  // themselves; login attempts are held to their own, far lower limits per address and per name.
  signIn: { name: "sign-in", rate: "signIn", auth: "none", bodyLimitBytes: BODY_LIMITS.signIn },
  unrouted: { name: "unrouted", rate: null, auth: "none", bodyLimitBytes: null },
} as const satisfies Record<string, RoutePolicy>;

// Case-insensitive and with an optional trailing slash, as express matches the routers.
const PUSH = /^\/api\/push(?:\/[^/]+)?\/?$/i;
const PROBE_RESULTS = /^\/api\/probe\/results\/?$/i;
const PROBE = /^\/api\/probe(?:\/|$)/i;
const HANDBACK = /^\/api\/cluster\/handback\/?$/i;
const WITNESS = /^\/api\/cluster\/witness\/?$/i;
const CLUSTER = /^\/api\/cluster(?:\/|$)/i;
const STATUS = /^\/status(?:\/|$)/i;
const CONFIG_DOCUMENT = /^\/api\/(?:config\/apply|import\/kuma)\/?$/i;
const SIGN_IN = /^\/api\/auth(?:\/|$)/i;

/**
 * The policy of the route a path reaches. Anything under /api/ (and /metrics, unless public)
 * that is not an open or cluster route is admin, as the admin router is mounted; any other path
 * reaches no router that reads a body. `GET /api/events` (the live stream) is an admin read like
 * the others: a request is counted when it starts, so a stream open for hours counts once.
 */
export function routePolicy(path: string, options: { metricsPublic: boolean }): RoutePolicy {
  if (PUSH.test(path)) return POLICIES.push;
  if (PROBE_RESULTS.test(path)) return POLICIES.probeResults;
  if (PROBE.test(path)) return POLICIES.probe;
  if (HANDBACK.test(path)) return POLICIES.handback;
  if (WITNESS.test(path)) return POLICIES.witness;
  if (CLUSTER.test(path)) return POLICIES.cluster;
  if (STATUS.test(path)) return POLICIES.status;
  if (SIGN_IN.test(path)) return POLICIES.signIn;
  if (path === "/metrics" && options.metricsPublic) return POLICIES.publicMetrics;
  if (path.startsWith("/api/") || path === "/metrics") {
    return CONFIG_DOCUMENT.test(path) ? POLICIES.configDocument : POLICIES.admin;
  }
  return POLICIES.unrouted;
}

const USERS = /^\/api\/users(?:\/|$)/i;
const CONFIG_EXPORT = /^\/api\/config\/?$/i;
const OWN_PASSWORD = /^\/api\/me\/password\/?$/i;
const READS = new Set(["GET", "HEAD", "OPTIONS"]);

/** A query flag as the routes read it: `?x`, `?x=1` and `?x=true` are on. */
function flagOn(value: unknown): boolean {
  return value === "" || value === "1" || value === "true";
}

/**
 * The least role a request under a "user" policy needs, from its method, path and query alone:
 * users, tokens and keys, and an export that reveals secrets, are the admin's; any other change
 * (monitors, channels, maintenance, config apply, check now, test send) the editor's; reading, and
 * changing one's own password, is every user's.
 */
export function requiredRole(method: string, path: string, query: Record<string, unknown> = {}): Role {
  if (USERS.test(path)) return "admin";
  if (OWN_PASSWORD.test(path)) return "viewer";
  if (CONFIG_EXPORT.test(path) && flagOn(query.includeSecrets)) return "admin";
  return READS.has(method.toUpperCase()) ? "viewer" : "editor";
}

/** `1 MiB`, `8 KiB`: how limits are named to callers. */
export function formatBytes(bytes: number): string {
  if (bytes >= MIB && bytes % MIB === 0) return `${bytes / MIB} MiB`;
  if (bytes >= KIB && bytes % KIB === 0) return `${bytes / KIB} KiB`;
  return `${bytes} bytes`;
}
