import type { Status } from "@uptop/core";
import { computeSla } from "./sla.js";

const DAY_MS = 86_400_000;

export interface RollupInput {
  /** Any instant in the UTC day to roll up. */
  day: Date;
  /** Roll up only until this instant (for today, still in progress); defaults to the day's end. */
  until?: Date;
  statusAtStart: Status | null;
  /** Status changes within the day, sorted. */
  changes: ReadonlyArray<{ at: Date; to: Status }>;
  /** Maintenance intervals in ms. */
  excluded: ReadonlyArray<[number, number]>;
  /** The day's check results, from every node. */
  results: ReadonlyArray<{ ok: boolean; latencyMs: number | null }>;
}

/** One `rollups_daily` row: what SLA reports read once raw results are gone. */
export interface DailyRollup {
  /** YYYY-MM-DD (UTC). */
  day: string;
  upS: number;
  downS: number;
  maintenanceS: number;
  checks: number;
  failures: number;
  /** Latency percentiles of successful checks only: a timeout's latency is the timeout, not the service. */
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? null;
}

export function rollupDay(input: RollupInput): DailyRollup {
  const start = Math.floor(input.day.getTime() / DAY_MS) * DAY_MS;
  const end = Math.min(start + DAY_MS, Math.max(start, input.until?.getTime() ?? Infinity));
  const sla = computeSla({
    from: new Date(start),
    to: new Date(end),
    statusAtStart: input.statusAtStart,
    changes: input.changes,
    excluded: input.excluded,
  });
  const latencies = input.results
    .filter((r) => r.ok && r.latencyMs !== null)
    .map((r) => r.latencyMs as number)
    .sort((a, b) => a - b);
  return {
    day: new Date(start).toISOString().slice(0, 10),
    upS: sla.monitoredS - sla.downtimeS,
    downS: sla.downtimeS,
    maintenanceS: sla.maintenanceS,
    checks: input.results.length,
    failures: input.results.filter((r) => !r.ok).length,
    latencyP50Ms: percentile(latencies, 0.5),
    latencyP95Ms: percentile(latencies, 0.95),
  };
}
