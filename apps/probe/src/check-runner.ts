import type { ResultItem } from "@uptop/cluster-protocol";
import { checkSpecFromMonitor, runCheck, type CheckOptions, type CheckResult } from "@uptop/checks";
import { truncateText, type Monitor } from "@uptop/core";

export type RunMonitor = (monitor: Monitor, slotMs: number) => Promise<ResultItem | null>;

/** Runs the check a monitor describes and shapes it for the leader; null for push/group. */
export function createCheckRunner(options: CheckOptions): RunMonitor {
  return async (monitor, slotMs) => {
    const spec = checkSpecFromMonitor(monitor);
    if (!spec) return null;
    const result = await runCheck(spec, options);
    return toResultItem(monitor.id, slotMs, result);
  };
}

export function toResultItem(monitorId: number, slotMs: number, r: CheckResult): ResultItem {
  return {
    monitorId,
    slot: new Date(slotMs).toISOString(),
    checkedAt: r.checkedAt,
    ok: r.ok,
    latencyMs: r.latencyMs,
    statusCode: r.type === "http" ? r.details.statusCode : null,
    error: r.error,
    details: smallDetails(r),
  };
}

/** The few details the leader shows; never bodies, URLs (may carry credentials) or whole chains. */
function smallDetails(r: CheckResult): Record<string, unknown> | undefined {
  const warning = r.warning ? { warning: truncateText(r.warning, 300) } : {};
  switch (r.type) {
    case "http":
      return {
        ...warning,
        redirects: r.details.redirects,
        timings: r.details.timings,
        cert: certSummary(r.details.cert),
      };
    case "tls":
      return { ...warning, cert: certSummary(r.details.cert), authorized: r.details.authorized };
    case "ping":
      return { ...warning, lossPercent: r.details.lossPercent, avgRttMs: r.details.avgRttMs };
    case "dns":
      return {
        ...warning,
        rcode: r.details.rcode,
        answers: r.details.answers.slice(0, 10).map((a) => truncateText(a, 200)),
      };
    case "tcp":
      return Object.keys(warning).length ? warning : undefined;
  }
}

function certSummary(c: { validTo: string; daysLeft: number; expiringSoon: boolean } | null): unknown {
  return c ? { validTo: c.validTo, daysLeft: c.daysLeft, expiringSoon: c.expiringSoon } : null;
}
