import type { Status } from "@uptop/core";

/** What the API's monitor views carry that the read pages show (the rest is the form's business). */
export interface MonitorRow {
  id: number;
  name: string;
  type: string;
  url: string | null;
  hostname: string | null;
  port: number | null;
  interval: number;
  parentId: number | null;
  paused: boolean;
  description: string | null;
  regions: string[];
  status: Status;
  statusSince: string | null;
  noData: boolean;
  lastCheck: {
    at: string;
    ok: boolean;
    latencyMs: number | null;
    error: { code: string; message: string } | null;
    node?: string;
  } | null;
  votes: Array<{
    node: string;
    region: string;
    ok: boolean;
    latencyMs: number | null;
    error: { code: string; message: string } | null;
    at: string;
  }>;
  /** The certificate the last TLS check saw; null for a monitor that has seen none. */
  cert?: { validTo: string; daysLeft: number } | null;
}

/** `GET /api/monitors/summary`: uptime and worst status per hour of every monitor. */
export interface MonitorsSummary {
  firstHour: string;
  monitors: Array<{ id: number; uptimePct: number | null; hours: Array<Status | null> }>;
}

/** Worst first: what needs a person's eyes comes to the top. */
export const STATUS_ORDER: Record<Status, number> = {
  DOWN: 0,
  LATE: 1,
  PENDING: 2,
  MAINTENANCE: 3,
  UP: 4,
  PAUSED: 5,
};

export const ALL_STATUSES: Status[] = ["DOWN", "LATE", "PENDING", "MAINTENANCE", "UP", "PAUSED"];

/** What a monitor checks, as a person reads it. */
export function targetOf(m: Pick<MonitorRow, "type" | "url" | "hostname" | "port">): string {
  if (m.url) return m.url;
  if (m.hostname) return m.port ? `${m.hostname}:${m.port}` : m.hostname;
  return m.type === "group" ? "group" : "";
}

export function formatLatency(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? "–" : `${Math.round(ms)} ms`;
}

export function formatPct(pct: number | null | undefined): string {
  if (pct === null || pct === undefined) return "–";
  return pct >= 99.995 ? "100 %" : `${pct.toFixed(2)} %`;
}

/** "3 min ago" style, coarse on purpose: the exact time is in the title. */
export function ago(iso: string | null | undefined, nowMs = Date.now()): string {
  if (!iso) return "never";
  const s = Math.max(0, Math.round((nowMs - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}
