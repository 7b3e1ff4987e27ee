import type { LastCheck, Monitor, Vote } from "@uptop/core";
import type { Paint } from "../colour.js";
import { latency, percent, statusColour } from "./monitor-format.js";

/** A monitor as the API shows it (secrets masked) with its verdict. */
export interface MonitorView extends Monitor {
  status: string;
  statusSince: string | null;
  noData: boolean;
  lastCheck: LastCheck | null;
  votes: Vote[];
}

/** The fields of GET /api/monitors/:id/sla the CLI shows. */
export interface SlaAnswer {
  period: string | null;
  from: string;
  to: string;
  uptimePct: number | null;
  downtimeS: number;
  outages: number;
}

function target(m: MonitorView): string | null {
  if (m.url) return m.url;
  if (m.hostname) return m.port ? `${m.hostname}:${m.port}` : m.hostname;
  return null;
}

function checkLine(c: LastCheck | Vote): string {
  const verdict = c.ok ? "ok" : `failed${c.error ? ` ${c.error.code}` : ""}`;
  return `${verdict}, ${latency({ lastCheck: c })} at ${c.at}`;
}

/** `get`'s human form: one fact a line, label first, fitting 80 columns but for long values. */
export function monitorDetail(p: Paint, m: MonitorView, sla: Record<string, SlaAnswer>): string[] {
  const rows: Array<[string, string]> = [
    ["status", statusColour(p, m.status)(m.status) + (m.statusSince ? ` since ${m.statusSince}` : "")],
    ["type", m.type],
  ];
  const t = target(m);
  if (t) rows.push(["target", t]);
  if (m.parent) rows.push(["group", m.parent]);
  rows.push(["interval", `${m.interval} s, timeout ${m.timeout} s, retries ${m.retries}`]);
  if (m.regions.length) rows.push(["regions", `${m.regions.join(", ")}${m.aggregation ? ` (${m.aggregation})` : ""}`]);
  if (m.channels.length) rows.push(["channels", m.channels.join(", ")]);
  rows.push(["last check", m.lastCheck ? checkLine(m.lastCheck) : "none yet"]);
  for (const v of m.votes) rows.push([`  ${v.region}`, `${v.node}: ${checkLine(v)}`]);
  rows.push([
    "uptime",
    Object.entries(sla)
      .map(([period, r]) => `${period} ${percent(r.uptimePct)}`)
      .join(", "),
  ]);
  if (m.noData) rows.push(["note", "no data: no node has reported a check recently"]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return [p.bold(`${m.name} (#${m.id})`), ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`)];
}
