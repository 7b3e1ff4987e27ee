import {
  ancestors,
  computeSla,
  groupStatus,
  isWindowActive,
  maintenanceIntervals,
  windowIntervals,
  type WindowSpec,
} from "@uptop/aggregation";
import type { Status } from "@uptop/core";
import {
  getMonitorStates,
  hourlyLatency,
  listMonitorOutlines,
  dailyUptime,
  listMaintenanceWindows,
  loadTimelines,
  utcDay,
  type Db,
  type MaintenanceWindow,
  type MonitorOutline,
} from "@uptop/store";

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const BAR_DAYS = 90;
const UPCOMING_MS = 7 * DAY_MS;

export type OverallStatus = "operational" | "partial_outage" | "major_outage" | "maintenance";

/**
 * One monitor or group as the public sees it. Public data only: names, statuses, percentages,
 * latencies and region names — never targets, errors, tokens or channels.
 */
export interface StatusPageItem {
  name: string;
  kind: "group" | "monitor";
  status: Status;
  since: string | null;
  /** No live vote from any node: the status shown is the last known one. */
  noData: boolean;
  uptime90dPct: number | null;
  /** Daily uptime %, oldest first, one per day from `firstDay` to today (null: no data). */
  days: Array<number | null>;
  /** Mean latency of successful checks per hour, oldest first, from `firstHour` (null: none). */
  latency24h: Array<number | null>;
  /** Regions whose latest vote for this monitor is down. */
  regionsDown: string[];
  children: StatusPageItem[];
}

export interface StatusPageWindow {
  type: "maintenance" | "incident";
  title: string;
  active: boolean;
  /** The current or next occurrence. */
  start: string;
  end: string | null;
  /** Monitors and groups it names; null = every monitor. */
  monitors: string[] | null;
}

export interface StatusPageData {
  title: string;
  generatedAt: string;
  overall: { status: OverallStatus; label: string };
  firstDay: string;
  firstHour: string;
  items: StatusPageItem[];
  incidents: {
    windows: StatusPageWindow[];
    down: Array<{ monitor: string; since: string | null }>;
  };
  maintenance: StatusPageWindow[];
  regions: Array<{ region: string; monitorsDown: number }>;
}

const LABELS: Record<OverallStatus, string> = {
  operational: "All systems operational",
  partial_outage: "Partial outage",
  major_outage: "Major outage",
  maintenance: "Scheduled maintenance in progress",
};

/** The current or next occurrence of a window within a week, or null. */
function occurrence(w: MaintenanceWindow, nowMs: number): StatusPageWindow | null {
  const spec = w as WindowSpec;
  let start: number;
  let end: number | null;
  if (w.recurrence === null) {
    start = Date.parse(w.startAt);
    end = w.endAt === null ? null : Date.parse(w.endAt);
    if ((end !== null && end <= nowMs) || start > nowMs + UPCOMING_MS) return null;
  } else {
    const next = windowIntervals(spec, nowMs - 8 * DAY_MS, nowMs + UPCOMING_MS).find(([, e]) => e > nowMs);
    if (!next) return null;
    [start, end] = next;
  }
  return {
    type: w.type,
    title: w.title,
    active: isWindowActive(spec, new Date(nowMs)),
    start: new Date(start).toISOString(),
    end: end === null ? null : new Date(end).toISOString(),
    monitors: w.monitors,
  };
}

function uptime(up: number, down: number): number | null {
  return up + down > 0 ? (100 * up) / (up + down) : null;
}

/**
 * Everything the public status page shows, read with one query per table whatever the number
 * of monitors, so a thousand monitors cost the same handful of round trips as ten.
 */
export async function buildStatusPage(db: Db, title: string, now: Date): Promise<StatusPageData> {
  const nowMs = now.getTime();
  const today = Math.floor(nowMs / DAY_MS) * DAY_MS;
  const firstDayMs = today - (BAR_DAYS - 1) * DAY_MS;
  const firstHourMs = Math.floor(nowMs / HOUR_MS) * HOUR_MS - 23 * HOUR_MS;

  const outlines = await listMonitorOutlines(db);
  const [states, windows, rollups, latency, timelines] = await Promise.all([
    getMonitorStates(db),
    listMaintenanceWindows(db),
    dailyUptime(db, utcDay(firstDayMs), utcDay(today)),
    hourlyLatency(db, new Date(firstHourMs), new Date(firstHourMs + 24 * HOUR_MS)),
    loadTimelines(db, outlines, new Date(today), now),
  ]);
  const names = new Map(outlines.map((m) => [m.id, m.name]));

  const childrenOf = new Map<number | null, MonitorOutline[]>();
  for (const m of outlines) {
    const parent = m.parentId !== null && names.has(m.parentId) ? m.parentId : null;
    const list = childrenOf.get(parent) ?? [];
    list.push(m);
    childrenOf.set(parent, list);
  }

  const build = (m: MonitorOutline, seen: Set<number>): StatusPageItem => {
    seen.add(m.id);
    const state = states.get(m.id);
    const children = (childrenOf.get(m.id) ?? []).filter((c) => !seen.has(c.id)).map((c) => build(c, seen));
    const kind = m.type === "group" ? "group" : "monitor";
    const status: Status =
      state?.status ?? (m.paused ? "PAUSED" : kind === "group" ? groupStatus(children) : "PENDING");

    const days = (rollups.get(m.id) ?? new Array<{ upS: number; downS: number } | null>(BAR_DAYS).fill(null)).map(
      (d) => (d ? { up: d.upS, down: d.downS } : null),
    );
    const timeline = timelines.get(m.id);
    if (timeline) {
      const sla = computeSla({
        from: new Date(today),
        to: now,
        statusAtStart: timeline.statusAtStart,
        changes: timeline.changes,
        excluded: maintenanceIntervals(windows as WindowSpec[], m.id, ancestors(m.id, outlines), today, nowMs),
      });
      days[BAR_DAYS - 1] = sla.monitoredS > 0 ? { up: sla.monitoredS - sla.downtimeS, down: sla.downtimeS } : null;
    }
    const totals = { up: 0, down: 0 };
    for (const d of days) {
      if (!d) continue;
      totals.up += d.up;
      totals.down += d.down;
    }

    const hours = new Array<number | null>(24).fill(null);
    for (const h of latency.get(m.id) ?? []) {
      const index = Math.round((Date.parse(h.hour) - firstHourMs) / HOUR_MS);
      if (index >= 0 && index < 24) hours[index] = Math.round(h.latencyMs);
    }

    return {
      name: m.name,
      kind,
      status,
      since: state?.since ?? null,
      noData: state?.noData ?? false,
      uptime90dPct: uptime(totals.up, totals.down),
      days: days.map((d) => (d ? uptime(d.up, d.down) : null)),
      latency24h: hours,
      regionsDown: [...new Set((state?.votes ?? []).filter((v) => !v.ok).map((v) => v.region))].sort(),
      children,
    };
  };
  const seen = new Set<number>();
  const items = (childrenOf.get(null) ?? []).map((m) => build(m, seen));

  const leaves: StatusPageItem[] = [];
  const walk = (list: StatusPageItem[]): void => {
    for (const i of list) {
      if (i.kind === "monitor") leaves.push(i);
      walk(i.children);
    }
  };
  walk(items);

  const shown = windows
    .map((w) => occurrence(w, nowMs))
    .filter((w): w is StatusPageWindow => w !== null)
    .sort((a, b) => a.start.localeCompare(b.start));
  const incidentWindows = shown.filter((w) => w.type === "incident" && w.active);
  const maintenance = shown.filter((w) => w.type === "maintenance");

  const counted = leaves.filter((l) => l.status !== "PAUSED");
  const down = counted.filter((l) => l.status === "DOWN");
  const regionCounts = new Map<string, number>();
  for (const l of counted) for (const r of l.regionsDown) regionCounts.set(r, (regionCounts.get(r) ?? 0) + 1);

  let overall: OverallStatus = "operational";
  if (down.length > 0) overall = down.length * 2 > counted.length ? "major_outage" : "partial_outage";
  // A declared incident is news to readers even while every check still passes.
  else if (incidentWindows.length > 0) overall = "partial_outage";
  else if (counted.some((l) => l.status === "MAINTENANCE") || maintenance.some((w) => w.active))
    overall = "maintenance";

  return {
    title,
    generatedAt: now.toISOString(),
    overall: { status: overall, label: LABELS[overall] },
    firstDay: utcDay(firstDayMs),
    firstHour: new Date(firstHourMs).toISOString(),
    items,
    incidents: { windows: incidentWindows, down: down.map((l) => ({ monitor: l.name, since: l.since })) },
    maintenance,
    regions: [...regionCounts]
      .map(([region, monitorsDown]) => ({ region, monitorsDown }))
      .sort((a, b) => a.region.localeCompare(b.region)),
  };
}
