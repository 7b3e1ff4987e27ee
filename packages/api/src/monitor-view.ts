import type { Monitor, MonitorState } from "@uptop/core";
import { SECRET_HEADER } from "@uptop/store";

export const MASK = "********";

/** Credentials never leave through the API; the mask written back means "keep what is stored". */
export function maskMonitorSecrets(m: Monitor): Monitor {
  const headers = Object.fromEntries(Object.entries(m.headers).map(([k, v]) => [k, SECRET_HEADER.test(k) ? MASK : v]));
  let auth = m.auth;
  if (auth?.type === "basic") auth = { ...auth, password: MASK };
  else if (auth?.type === "bearer") auth = { ...auth, token: MASK };
  return { ...m, headers, auth };
}

/** Puts stored secrets back where a client echoed the mask. */
export function restoreMaskedSecrets(body: Record<string, unknown>, current: Monitor): Record<string, unknown> {
  const out = { ...body };
  const auth = out.auth as Record<string, unknown> | null | undefined;
  if (auth && current.auth && auth.type === current.auth.type) {
    if (current.auth.type === "basic" && auth.password === MASK)
      out.auth = { ...auth, password: current.auth.password };
    if (current.auth.type === "bearer" && auth.token === MASK) out.auth = { ...auth, token: current.auth.token };
  }
  const headers = out.headers as Record<string, unknown> | undefined;
  // Only a map: the schema must still see an array (or anything else) as it was sent.
  if (headers && typeof headers === "object" && !Array.isArray(headers)) {
    out.headers = Object.fromEntries(
      Object.entries(headers).map(([k, v]) => [
        k,
        v === MASK && current.headers[k] !== undefined ? current.headers[k] : v,
      ]),
    );
  }
  return out;
}

export interface MonitorView extends Monitor {
  status: string;
  statusSince: string | null;
  noData: boolean;
  lastCheck: MonitorState["lastCheck"];
  votes: MonitorState["votes"];
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
  };
}
