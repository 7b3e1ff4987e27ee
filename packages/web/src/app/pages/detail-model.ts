import type { LatencySeries } from "../components/LatencyChart";

/** A check result as `GET /api/monitors/:id/results` gives it (the fields the page reads). */
export interface StoredResult {
  nodeId: string;
  slot: string;
  checkedAt: string;
  ok: boolean;
  latencyMs: number | null;
  errorMessage: string | null;
}

/** One line per node, oldest first; a failed check is a gap, not a latency. */
export function seriesByNode(results: readonly StoredResult[], labelOf: (nodeId: string) => string): LatencySeries[] {
  const by = new Map<string, Array<[number, number | null]>>();
  for (const r of results) {
    const list = by.get(r.nodeId) ?? [];
    list.push([Math.floor(Date.parse(r.checkedAt) / 1000), r.ok ? r.latencyMs : null]);
    by.set(r.nodeId, list);
  }
  return [...by]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([nodeId, points]) => ({ label: labelOf(nodeId), points: points.sort((a, b) => a[0] - b[0]) }));
}

export interface LatencyStats {
  avg: number;
  p95: number;
  min: number;
  max: number;
  count: number;
  failed: number;
}

/** Average, 95th percentile (nearest rank), fastest and slowest of the successful checks. */
export function latencyStats(results: readonly StoredResult[]): LatencyStats | null {
  const ms = results.filter((r) => r.ok && r.latencyMs !== null).map((r) => r.latencyMs as number);
  if (ms.length === 0) return null;
  ms.sort((a, b) => a - b);
  const sum = ms.reduce((a, b) => a + b, 0);
  return {
    avg: Math.round(sum / ms.length),
    p95: Math.round(ms[Math.min(ms.length - 1, Math.ceil(0.95 * ms.length) - 1)]!),
    min: Math.round(ms[0]!),
    max: Math.round(ms[ms.length - 1]!),
    count: results.length,
    failed: results.filter((r) => !r.ok).length,
  };
}
