import { maskMonitorSecrets, type Monitor, type MonitorState } from "@uptop/core";

export interface MonitorView extends Monitor {
  status: string;
  statusSince: string | null;
  noData: boolean;
  lastCheck: MonitorState["lastCheck"];
  votes: MonitorState["votes"];
  /** Failed rounds in a row: with `retries`, how close a failing monitor is to DOWN. */
  failures: number;
}

export function monitorView(m: Monitor, state: MonitorState | undefined): MonitorView {
  const masked = maskMonitorSecrets(m);
  return {
    ...masked,
    status: m.paused ? "PAUSED" : (state?.status ?? "PENDING"),
    statusSince: state?.since ?? m.createdAt,
    noData: state?.noData ?? false,
    lastCheck: state?.lastCheck ?? null,
    votes: state?.votes ?? [],
    failures: state?.failures ?? 0,
  };
}
