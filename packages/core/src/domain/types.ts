/** Domain types shared by every package. Wire and API shapes are derived from these. */

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

/** What a notification tells: a monitor going down or up, a reminder, a certificate, a node, a test. */
export const NOTIFICATION_EVENTS = ["down", "up", "reminder", "cert", "node", "test"] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

export const DNS_RECORD_TYPES = ["A", "AAAA", "CNAME", "MX", "TXT", "NS", "SOA", "SRV", "PTR", "CAA"] as const;
export type DnsRecordType = (typeof DNS_RECORD_TYPES)[number];

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
