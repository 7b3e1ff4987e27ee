// What the single-leader process tests read from a running leader: monitors, their recorded
// changes and results through the API, and the samples of /metrics.
import { until } from "@uptop/test-kit";
import { api, json } from "./cluster-harness.js";

export interface StateChangeView {
  from: string;
  to: string;
  reason: string;
  at: string;
}

export interface ResultView {
  slot: string;
  checkedAt: string;
  ok: boolean;
  errorCode: string | null;
  errorMessage: string | null;
}

export interface MonitorState {
  id: number;
  name: string;
  status: string;
  createdAt: string;
  lastCheck: { at: string; ok: boolean; error: { code: string; message: string } | null } | null;
}

async function send(port: number, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await api(port, path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}

export const post = (port: number, path: string, body?: unknown) => send(port, "POST", path, body);
export const patch = (port: number, path: string, body: unknown) => send(port, "PATCH", path, body);
export const del = (port: number, path: string) => send(port, "DELETE", path);

export function monitorOf(port: number, id: number): Promise<MonitorState> {
  return json<MonitorState>(port, `/api/monitors/${id}`);
}

/** Oldest first (the API answers newest first). */
export async function changesOf(port: number, id: number): Promise<StateChangeView[]> {
  return (await json<StateChangeView[]>(port, `/api/monitors/${id}/state-changes?limit=1000`)).reverse();
}

/** Oldest first. */
export async function resultsOf(port: number, id: number): Promise<ResultView[]> {
  return (await json<ResultView[]>(port, `/api/monitors/${id}/results?limit=1000`)).reverse();
}

/** Waits until the recorded transitions of a monitor include `from → to`; returns that change. */
export function waitChange(
  port: number,
  id: number,
  from: string,
  to: string,
  timeoutMs = 30_000,
): Promise<StateChangeView> {
  return until(
    `monitor ${id} to record ${from} → ${to}`,
    async () => (await changesOf(port, id)).find((c) => c.from === from && c.to === to),
    timeoutMs,
    250,
  );
}

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition (enough of the format for prom-client's output). */
export function parseMetrics(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[l[1]!] = l[2]!.replace(/\\(.)/g, "$1");
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

export async function scrape(port: number): Promise<Sample[]> {
  const res = await api(port, "/metrics");
  if (res.status !== 200) throw new Error(`/metrics: ${res.status}`);
  return parseMetrics(await res.text());
}

/** The monitor's one-hot status as the engine holds it in memory (no database read). */
export async function engineStatus(port: number, monitor: string): Promise<string | null> {
  const hot = (await scrape(port)).find(
    (s) => s.name === "uptop_monitor_status" && s.labels.monitor === monitor && s.value === 1,
  );
  return hot?.labels.status ?? null;
}
