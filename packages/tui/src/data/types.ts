import type { LastCheck, Role, Status, Vote } from "@uptop/core";

/** A monitor as `GET /api/monitors` lists it: the stored settings (secrets masked) and its verdict. */
export interface MonitorRow {
  id: number;
  name: string;
  type: string;
  description: string | null;
  url: string | null;
  hostname: string | null;
  port: number | null;
  interval: number;
  timeout: number;
  retries: number;
  parentId: number | null;
  parent: string | null;
  regions: string[];
  channels: string[];
  paused: boolean;
  status: Status | string;
  statusSince: string | null;
  lastCheck: LastCheck | null;
  votes: Vote[];
  /** Failed rounds in a row, when the server reports them (retries shown as n/m). */
  failures?: number;
  /** The certificate the last check saw, when the server reports it. */
  cert?: { daysLeft: number } | null;
  [field: string]: unknown;
}

export interface NodeRow {
  id: string;
  name: string;
  region: string;
  version: string;
  role: string;
  status: string;
  lastSeen: string | null;
}

export interface ChannelRow {
  id: number;
  name: string;
  type: string;
  default: boolean;
  enabled: boolean;
}

export interface MaintenanceRow {
  id: number;
  title: string;
  type: string;
  monitors: string[] | null;
  start: string;
  end: string | null;
  active: boolean;
}

export interface ResultPoint {
  nodeId: string;
  checkedAt: string;
  ok: boolean;
  latencyMs: number | null;
  errorMessage: string | null;
}

export interface StateChangeRow {
  id: number;
  from: string;
  to: string;
  reason: string;
  votes: Vote[];
  at: string;
}

export interface SlaRow {
  period: string | null;
  uptimePct: number | null;
  downtimeS: number;
  outages: number;
}

export interface Me {
  id: number | null;
  name: string;
  role: Role;
}

/** One point of a monitor's recent history: latency in ms, or null for a failed check. */
export type HistoryPoint = number | null;
