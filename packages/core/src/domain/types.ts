/** Domain types shared by every package. Wire and API shapes are derived from these. */

import type { CheckError } from "./check-report.js";

export const MONITOR_TYPES = ["http", "tcp", "dns", "ping", "tls", "push", "group"] as const;
export type MonitorType = (typeof MONITOR_TYPES)[number];

export const STATUSES = ["PENDING", "UP", "DOWN", "LATE", "MAINTENANCE", "PAUSED"] as const;
export type Status = (typeof STATUSES)[number];

export const STRATEGIES = ["any-down", "majority-down", "all-down"] as const;
export type AggregationStrategy = (typeof STRATEGIES)[number];

export const ROLES = ["leader", "follower", "probe"] as const;
export type NodeRole = (typeof ROLES)[number];

/** The fixed set of reasons a check can fail, shared by every check type. */
export const ERROR_CODES = [
  "DNS",
  "CONNECT",
  "TLS",
  "TIMEOUT",
  "HTTP_STATUS",
  "KEYWORD",
  "ASSERTION",
  "PRIVATE_TARGET",
  "CERT_EXPIRED",
  "PING",
  "PROTOCOL",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** One vote: what one node saw for one monitor in one slot. */
export interface Vote {
  node: string;
  region: string;
  ok: boolean;
  latencyMs: number | null;
  error: CheckError | null;
  /** ISO time the check finished. */
  at: string;
}

export const DNS_RECORD_TYPES = ["A", "AAAA", "CNAME", "MX", "TXT", "NS", "SOA", "SRV", "PTR", "CAA"] as const;
export type DnsRecordType = (typeof DNS_RECORD_TYPES)[number];

export type HttpAuth =
  | { type: "basic"; username: string; password: string }
  | { type: "bearer"; token: string };

export interface JsonAssertion {
  /** Dotted path with optional [index] parts: `data.items[0].status`. */
  path: string;
  equals?: unknown;
  contains?: string;
  exists?: boolean;
}

/** A monitor as the API and YAML show it (camelCase, durations in seconds). */
export interface Monitor {
  id: number;
  name: string;
  type: MonitorType;
  description: string | null;
  url: string | null;
  hostname: string | null;
  port: number | null;
  interval: number;
  timeout: number;
  retries: number;
  retryInterval: number | null;
  recoveryThreshold: number;
  method: string;
  headers: Record<string, string>;
  body: string | null;
  auth: HttpAuth | null;
  acceptedCodes: string;
  keyword: string | null;
  keywordAbsent: string | null;
  jsonAssertion: JsonAssertion | null;
  followRedirects: boolean;
  maxRedirects: number;
  ignoreTls: boolean;
  certExpiryDays: number;
  recordType: DnsRecordType | null;
  resolver: string | null;
  expected: string[];
  expectedMode: "any" | "all";
  pingCount: number;
  token: string | null;
  grace: number | null;
  parentId: number | null;
  parent: string | null;
  regions: string[];
  aggregation: AggregationStrategy | null;
  paused: boolean;
  channels: string[];
  createdAt: string;
  updatedAt: string;
}

export const NODE_STATUSES = ["online", "stale", "offline"] as const;
export type NodeStatus = (typeof NODE_STATUSES)[number];

export interface NodeInfo {
  id: string;
  name: string;
  region: string;
  version: string;
  role: NodeRole;
  firstSeen: string;
  lastSeen: string;
  status: NodeStatus;
}
