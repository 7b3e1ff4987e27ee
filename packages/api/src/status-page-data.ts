import {
  ancestors,
  computeSla,
  groupStatus,
  isWindowActive,
  maintenanceIntervals,
  windowIntervals,
  type WindowSpec,
} from "@uptop/aggregation";
import { DEFAULT_REGION, type Status } from "@uptop/core";
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
const RESOLVED_MS = 7 * DAY_MS;

export type OverallStatus = "operational" | "partial_outage" | "major_outage" | "maintenance" | "no_data";

/** What the page is built from besides the data: the settings as they apply (saved, or the environment's). */
export interface StatusPageOptions {
  title: string;
  description: string | null;
  /** The monitors and groups shown (a group with everything under it); null: every one. */
  monitorIds: readonly number[] | null;
}

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
  /**
   * Never checked yet (nothing recorded: no check, vote, daily figure or verdict): the page
   * says "No data yet" and claims no uptime, rather than counting PENDING as up.
   */
  noDataYet: boolean;
  uptime90dPct: number | null;
  /** Daily uptime %, oldest first, one per day from `firstDay` to today (null: no data). */
  days: Array<number | null>;
  /** Mean latency of successful checks per hour, oldest first, from `firstHour` (null: none). */
  latency24h: Array<number | null>;
  /** Named regions whose latest vote for this monitor is down (the unnamed default region is not a place). */
  regionsDown: string[];
  children: StatusPageItem[];
}

export interface StatusPageWindow {
  type: "maintenance" | "incident";
  title: string;
  /** An incident's message to readers; null for maintenance, whose notes are for the team. */
  message: string | null;
  active: boolean;
  /** The current or next occurrence (for a resolved incident: the one that ended). */
  start: string;
  end: string | null;
  /** Shown monitors and groups it names; null = every monitor. */
  monitors: string[] | null;
}

export interface StatusPageData {
  title: string;
  description: string | null;
  generatedAt: string;
  overall: { status: OverallStatus; label: string };
  firstDay: string;
  firstHour: string;
  items: StatusPageItem[];
  incidents: {
    windows: StatusPageWindow[];
    down: Array<{ monitor: string; since: string | null }>;
    /** Incidents that ended in the last 7 days, the latest first. */
    resolved: StatusPageWindow[];
  };
  maintenance: StatusPageWindow[];
  regions: Array<{ region: string; monitorsDown: number }>;
}

const LABELS: Record<OverallStatus, string> = {
  operational: "All systems operational",
  partial_outage: "Partial outage",
  major_outage: "Major outage",
  maintenance: "Scheduled maintenance in progress",
  no_data: "No data yet",
};

/** The window as the page shows it, naming only shown monitors. */
function shownWindow(
  w: MaintenanceWindow,
  names: ReadonlyMap<number, string>,
  start: number,
  end: number | null,
  active: boolean,
): StatusPageWindow {
  return {
    type: w.type,
    title: w.title,
    message: w.type === "incident" ? w.description : null,
    active,
    start: new Date(start).toISOString(),
    end: end === null ? null : new Date(end).toISOString(),
    monitors: w.monitorIds === null ? null : w.monitorIds.flatMap((id) => names.get(id) ?? []),
  };
}

/** The current or next occurrence of a window within a week, or null. */
function occurrence(w: MaintenanceWindow, nowMs: number, names: ReadonlyMap<number, string>): StatusPageWindow | null {
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
  return shownWindow(w, names, start, end, isWindowActive(spec, new Date(nowMs)));
}

/** A one-off incident that ended within the last week, or null. */
function resolvedIncident(w: MaintenanceWindow, nowMs: number, names: ReadonlyMap<number, string>) {
  if (w.type !== "incident" || w.recurrence !== null || w.endAt === null) return null;
  const end = Date.parse(w.endAt);
  if (end > nowMs || end <= nowMs - RESOLVED_MS) return null;
  return shownWindow(w, names, Date.parse(w.startAt), end, false);
}

function uptime(up: number, down: number): number | null {
  return up + down > 0 ? (100 * up) / (up + down) : null;
}

/**
 * Everything the public status page shows, read with one query per table whatever the number
 * of monitors, so a thousand monitors cost the same handful of round trips as ten.
 */
export async function buildStatusPage(db: Db, options: StatusPageOptions, now: Date): Promise<StatusPageData> {
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
  // A chosen monitor below an unchosen group comes up to the top level, alone.
  const chosen = options.monitorIds === null ? null : new Set(options.monitorIds);
  const pick = (list: MonitorOutline[], seen: Set<number>): MonitorOutline[] =>
    list.flatMap((m) => {
      if (seen.has(m.id)) return [];
      seen.add(m.id);
      return chosen === null || chosen.has(m.id) ? [m] : pick(childrenOf.get(m.id) ?? [], seen);
    });
  const roots = pick(childrenOf.get(null) ?? [], new Set());

  const build = (m: MonitorOutline, seen: Set<number>): StatusPageItem => {
    seen.add(m.id);
    const state = states.get(m.id);
    const children = (childrenOf.get(m.id) ?? []).filter((c) => !seen.has(c.id)).map((c) => build(c, seen));
    const kind = m.type === "group" ? "group" : "monitor";
    // Paused is the monitor's setting: a verdict saved before the pause is no news about now.
    const status: Status = m.paused
      ? "PAUSED"
      : (state?.status ?? (kind === "group" ? groupStatus(children) : "PENDING"));

    const days = (rollups.get(m.id) ?? new Array<{ upS: number; downS: number } | null>(BAR_DAYS).fill(null)).map(
      (d) => (d ? { up: d.upS, down: d.downS } : null),
    );
    const timeline = timelines.get(m.id);
    // Today from the timeline; a day with no check's verdict monitored nothing, so it is no data.
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
    const noDataYet =
      status === "PENDING" &&
      !state?.lastCheck &&
      (state?.votes.length ?? 0) === 0 &&
      days.every((d) => d === null || d.up + d.down === 0);
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
      noDataYet,
      uptime90dPct: uptime(totals.up, totals.down),
      days: days.map((d) => (d ? uptime(d.up, d.down) : null)),
      latency24h: hours,
      regionsDown: [
        ...new Set((state?.votes ?? []).filter((v) => !v.ok && v.region !== DEFAULT_REGION).map((v) => v.region)),
      ].sort(),
      children,
    };
  };
  const seen = new Set<number>();
  const items = roots.map((m) => build(m, seen));
  // Hidden monitors are not named anywhere, windows included; a window naming only hidden ones is not shown.
  const shownNames = new Map([...seen].map((id) => [id, names.get(id) ?? ""]));
  const concernsShown = (w: MaintenanceWindow) =>
    chosen === null ||
    w.monitorIds === null ||
    w.monitorIds.some((id) => seen.has(id) || roots.some((r) => ancestors(r.id, outlines).includes(id)));
  const relevant = windows.filter(concernsShown);

  const leaves: StatusPageItem[] = [];
  const walk = (list: StatusPageItem[]): void => {
    for (const i of list) {
      if (i.kind === "monitor") leaves.push(i);
      walk(i.children);
    }
  };
  walk(items);

  const shown = relevant
    .map((w) => occurrence(w, nowMs, shownNames))
    .filter((w): w is StatusPageWindow => w !== null)
    .sort((a, b) => a.start.localeCompare(b.start));
  const incidentWindows = shown.filter((w) => w.type === "incident" && w.active);
  const maintenance = shown.filter((w) => w.type === "maintenance");

  // Paused and never-checked monitors tell nothing about now: they neither fail nor pass the page.
  const counted = leaves.filter((l) => l.status !== "PAUSED" && !l.noDataYet);
  const down = counted.filter((l) => l.status === "DOWN");
  const regionCounts = new Map<string, number>();
  for (const l of counted) for (const r of l.regionsDown) regionCounts.set(r, (regionCounts.get(r) ?? 0) + 1);

  let overall: OverallStatus = "operational";
  if (down.length > 0) overall = down.length * 2 > counted.length ? "major_outage" : "partial_outage";
  // A declared incident is news to readers even while every check still passes.
  else if (incidentWindows.length > 0) overall = "partial_outage";
  else if (counted.some((l) => l.status === "MAINTENANCE") || maintenance.some((w) => w.active))
    overall = "maintenance";
  else if (counted.length === 0 && leaves.length > 0) overall = "no_data";

  const resolved = relevant
    .map((w) => resolvedIncident(w, nowMs, shownNames))
    .filter((w): w is StatusPageWindow => w !== null)
    .sort((a, b) => (b.end ?? "").localeCompare(a.end ?? ""));

  return {
    title: options.title,
    description: options.description,
    generatedAt: now.toISOString(),
    overall: { status: overall, label: LABELS[overall] },
    firstDay: utcDay(firstDayMs),
    firstHour: new Date(firstHourMs).toISOString(),
    items,
    incidents: {
      windows: incidentWindows,
      down: down.map((l) => ({ monitor: l.name, since: l.since })),
      resolved,
    },
    maintenance,
    regions: [...regionCounts]
      .map(([region, monitorsDown]) => ({ region, monitorsDown }))
      .sort((a, b) => a.region.localeCompare(b.region)),
  };
}
