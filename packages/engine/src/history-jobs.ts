import { ancestors, maintenanceIntervals, rollupDay, type WindowSpec } from "@uptop/aggregation";
import type { Logger } from "@uptop/core";
import {
  deleteRollupsBefore,
  pruneResultsBefore,
  ensurePartitions,
  getSetting,
  listMonitorOutlines,
  listRollups,
  listWindowSpecs,
  loadResultOutcomes,
  loadTimelines,
  putSetting,
  upsertRollups,
  utcDay,
  type Db,
  type MonitorOutline,
  type RollupRecord,
} from "@uptop/store";

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** The last UTC day whose rollups are complete; days after it are (re)computed each run. */
const MARKER_KEY = "rollups.complete_through";
/** Monitors whose raw results are read at once: bounds memory on a large install. */
const RESULT_CHUNK = 200;

export interface HistoryJobsOptions {
  db: Db;
  logger: Logger;
  retention: { rawMs: number; rollupMs: number };
  now?: () => Date;
  /** How often the job runs after the first run at start; default hourly. */
  intervalMs?: number;
}

export interface HistoryRunReport {
  rolledUp: number;
  droppedPartitions: string[];
  /** Raw results deleted row by row (SQLite, which has no partitions). */
  deletedResults: number;
  deletedRollups: number;
}

function dayStartMs(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/**
 * The daily history housekeeping: day partitions ahead of time, `rollups_daily` for every
 * finished day (and today's partial row), and retention of raw results and rollups. Every step
 * is idempotent, so running it twice, or on a promoted follower after the leader, is harmless.
 */
export class HistoryJobs {
  private readonly opts: HistoryJobsOptions;
  private readonly now: () => Date;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(opts: HistoryJobsOptions) {
    this.opts = opts;
    this.now = opts.now ?? (() => new Date());
  }

  start(): void {
    if (this.timer) return;
    this.tick();
    this.timer = setInterval(() => this.tick(), this.opts.intervalMs ?? HOUR_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => {});
  }

  private tick(): void {
    // A slow run (a large backfill) is never overlapped by the next one.
    if (this.running) return;
    this.running = this.runOnce(this.now())
      .then((r) =>
        this.opts.logger.info("history jobs done", {
          rolledUp: r.rolledUp,
          droppedPartitions: r.droppedPartitions,
          deletedResults: r.deletedResults,
          deletedRollups: r.deletedRollups,
        }),
      )
      .catch((err: unknown) =>
        this.opts.logger.error("history jobs failed", { error: err instanceof Error ? err.message : String(err) }),
      )
      .finally(() => {
        this.running = null;
      });
  }

  async runOnce(now: Date): Promise<HistoryRunReport> {
    const { db, retention } = this.opts;
    const today = dayStartMs(now.getTime());
    await ensurePartitions(db, today - DAY_MS, today + 2 * DAY_MS);
    const rolledUp = await this.rollUp(now);
    const pruned = await pruneResultsBefore(db, now.getTime() - retention.rawMs);
    const deletedRollups = await deleteRollupsBefore(db, utcDay(now.getTime() - retention.rollupMs));
    return { rolledUp, droppedPartitions: pruned.partitions, deletedResults: pruned.rows, deletedRollups };
  }

  private async rollUp(now: Date): Promise<number> {
    const { db, retention } = this.opts;
    const nowMs = now.getTime();
    const today = dayStartMs(nowMs);
    const monitors = await listMonitorOutlines(db);
    if (monitors.length === 0) return 0;
    const windows = (await listWindowSpecs(db)) as WindowSpec[];
    const ancestorsOf = new Map(monitors.map((m) => [m.id, ancestors(m.id, monitors)]));

    const horizon = dayStartMs(nowMs - retention.rollupMs);
    const marker = await getSetting(db, MARKER_KEY);
    const firstCreated = dayStartMs(Math.min(...monitors.map((m) => m.createdAt.getTime())));
    const start = Math.max(horizon, marker ? Date.parse(marker) + DAY_MS : firstCreated);

    // Without a marker (first run) rows already present — a follower's handback — are kept.
    const existing = new Set<string>();
    if (!marker && start < today) {
      for (const r of await listRollups(db, { fromDay: utcDay(start), toDay: utcDay(today - DAY_MS) })) {
        existing.add(`${r.monitorId}/${r.day}`);
      }
    }

    let count = 0;
    for (let day = start; day <= today; day += DAY_MS) {
      const until = Math.min(day + DAY_MS, nowMs);
      const dayName = utcDay(day);
      const due = monitors.filter((m) => m.createdAt.getTime() < until && !existing.has(`${m.id}/${dayName}`));
      for (let i = 0; i < due.length; i += RESULT_CHUNK) {
        const rows = await this.rollUpChunk(due.slice(i, i + RESULT_CHUNK), day, until, windows, ancestorsOf);
        await upsertRollups(db, rows);
        count += rows.length;
      }
    }
    if (today - DAY_MS >= start || marker === null) await putSetting(db, MARKER_KEY, utcDay(today - DAY_MS));
    return count;
  }

  private async rollUpChunk(
    monitors: readonly MonitorOutline[],
    day: number,
    until: number,
    windows: readonly WindowSpec[],
    ancestorsOf: ReadonlyMap<number, number[]>,
  ): Promise<RollupRecord[]> {
    const { db } = this.opts;
    const from = new Date(day);
    const to = new Date(until);
    const timelines = await loadTimelines(db, monitors, from, to);
    const results = await loadResultOutcomes(
      db,
      monitors.map((m) => m.id),
      from,
      new Date(day + DAY_MS),
    );
    return monitors.map((m) => {
      const timeline = timelines.get(m.id) ?? { statusAtStart: null, changes: [] };
      const r = rollupDay({
        day: from,
        until: to,
        statusAtStart: timeline.statusAtStart,
        changes: timeline.changes,
        excluded: maintenanceIntervals(windows, m.id, ancestorsOf.get(m.id) ?? [], day, until),
        results: results.get(m.id) ?? [],
      });
      return { monitorId: m.id, ...r };
    });
  }
}
