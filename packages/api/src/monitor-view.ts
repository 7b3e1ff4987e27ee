import { maskMonitorSecrets, type Monitor, type MonitorState } from "@uptop/core";

export interface MonitorView extends Monitor {
  status: string;
  statusSince: string | null;
  noData: boolean;
  lastCheck: MonitorState["lastCheck"];
  votes: MonitorState["votes"];
  /** Failed rounds in a row: with `retries`, how close a failing monitor is to DOWN. */
  failures: number;
  /** The certificate the last TLS check saw: when it expires and the whole days left (negative once expired). */
  cert: { validTo: string; daysLeft: number } | null;
}

const DAY_MS = 86_400_000;

function certOf(validTo: string | null | undefined, now: number): MonitorView["cert"] {
  if (!validTo) return null;
  return { validTo, daysLeft: Math.floor((Date.parse(validTo) - now) / DAY_MS) };
}

export function monitorView(m: Monitor, state: MonitorState | undefined, now = Date.now()): MonitorView {
  const masked = maskMonitorSecrets(m);
  return {
    ...masked,
    status: m.paused ? "PAUSED" : (state?.status ?? "PENDING"),
    statusSince: state?.since ?? m.createdAt,
    noData: state?.noData ?? false,
    lastCheck: state?.lastCheck ?? null,
    votes: state?.votes ?? [],
    failures: state?.failures ?? 0,
    cert: certOf(state?.lastCheck?.certValidTo, now),
  };
}
