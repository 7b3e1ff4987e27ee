import { ancestors, computeSla, maintenanceIntervals, type SlaReport, type WindowSpec } from "@uptop/aggregation";
import {
  firstStateChangeAt,
  getMonitorOutline,
  listMonitorOutlines,
  listRollups,
  listWindowSpecs,
  loadTimelines,
  utcDay,
  type Db,
  type RollupRecord,
} from "@uptop/store";

const DAY_MS = 86_400_000;

export interface MonitorSla extends SlaReport {
  monitor: { id: number; name: string };
  /** Whole or partial days taken from `rollups_daily` because the state-change history starts later. */
  rollupDays: number;
}

/** Seconds from rollup rows for the part of each day inside [fromMs, toMs), pro rata. */
function fromRollups(rows: readonly RollupRecord[], fromMs: number, toMs: number) {
  let upS = 0;
  let downS = 0;
  let maintenanceS = 0;
  for (const r of rows) {
    const start = Date.parse(`${r.day}T00:00:00Z`);
    const share = Math.max(0, Math.min(toMs, start + DAY_MS) - Math.max(fromMs, start)) / DAY_MS;
    upS += r.upS * share;
    downS += r.downS * share;
    maintenanceS += r.maintenanceS * share;
  }
  return { upS, downS, maintenanceS };
}

/**
 * SLA of one monitor over [from, to). The status timeline (kept forever) decides wherever it
 * exists; days before the monitor's first recorded change are read from `rollups_daily` (what
 * is left once history was pruned or came from elsewhere). Outage counts, the longest outage,
 * MTTR and MTBF come from the timeline only: a rollup row knows seconds, not incidents.
 */
export async function monitorSla(db: Db, monitorId: number, from: Date, to: Date): Promise<MonitorSla> {
  const outline = await getMonitorOutline(db, monitorId);
  const fromMs = from.getTime();
  const toMs = to.getTime();
  const [outlines, windows, firstChange] = await Promise.all([
    listMonitorOutlines(db),
    listWindowSpecs(db),
    firstStateChangeAt(db, monitorId),
  ]);

  const cutover = Math.floor((firstChange?.getTime() ?? toMs) / DAY_MS) * DAY_MS;
  const rows =
    cutover > fromMs
      ? await listRollups(db, { monitorIds: [monitorId], fromDay: utcDay(fromMs), toDay: utcDay(cutover - DAY_MS) })
      : [];
  const last = rows[rows.length - 1];
  const timelineFrom = last ? Math.min(toMs, Date.parse(`${last.day}T00:00:00Z`) + DAY_MS) : fromMs;
  const early = fromRollups(rows, fromMs, timelineFrom);

  const timeline = (await loadTimelines(db, [outline], new Date(timelineFrom), to)).get(monitorId)!;
  const excluded = maintenanceIntervals(
    windows as WindowSpec[],
    monitorId,
    ancestors(monitorId, outlines),
    timelineFrom,
    toMs,
  );
  const recent = computeSla({
    from: new Date(timelineFrom),
    to,
    statusAtStart: timeline.statusAtStart,
    changes: timeline.changes,
    excluded,
  });

  const monitoredS = recent.monitoredS + early.upS + early.downS;
  const downtimeS = recent.downtimeS + early.downS;
  return {
    ...recent,
    from: from.toISOString(),
    to: to.toISOString(),
    monitor: { id: outline.id, name: outline.name },
    uptimePct: monitoredS > 0 ? (100 * (monitoredS - downtimeS)) / monitoredS : null,
    monitoredS,
    downtimeS,
    maintenanceS: recent.maintenanceS + early.maintenanceS,
    rollupDays: rows.length,
  };
}
