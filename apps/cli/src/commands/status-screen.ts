import type { Paint } from "../colour.js";
import { latency, rank, statusColour } from "./monitor-format.js";

export interface MonitorRow {
  id: number;
  name: string;
  type: string;
  parent: string | null;
  status: string;
  statusSince: string | null;
  noData?: boolean;
  lastCheck: { ok: boolean; latencyMs: number | null; error?: { code: string } | null } | null;
}
export interface NodeRow {
  id: string;
  name: string;
  region: string;
  role: string;
  status: string;
  version: string;
}
export interface WindowRow {
  title: string;
  type: string;
  active: boolean;
  monitors: string[] | null;
  end: string | null;
}

export interface StatusData {
  server: string;
  monitors: MonitorRow[];
  nodes: NodeRow[];
  active: WindowRow[];
}

export interface ScreenOptions {
  /** Rows the screen may use; UP monitors are listed only while they fit. */
  rows: number;
  /** List every monitor, however many. */
  all: boolean;
}

function monitorLine(p: Paint, m: MonitorRow, width: number): string {
  const name = m.name.length > width ? `${m.name.slice(0, width - 1)}…` : m.name.padEnd(width);
  const err = m.lastCheck && !m.lastCheck.ok && m.lastCheck.error ? ` ${m.lastCheck.error.code}` : "";
  const flags = m.noData ? " (no data)" : "";
  return `  ${statusColour(p, m.status)(m.status.padEnd(11))} ${name}  ${m.type.padEnd(5)}  ${latency(m).padStart(8)}${err}${flags}`;
}

/**
 * The status screen as lines. Counts by status, then every monitor that is not UP (a server with
 * 10 000 monitors would otherwise print 10 000 lines and push the problems off the screen), then
 * as many UP monitors as the rows left allow and one line saying how many more there are.
 */
export function statusScreen(p: Paint, d: StatusData, o: ScreenOptions): string[] {
  const counts = new Map<string, number>();
  for (const m of d.monitors) counts.set(m.status, (counts.get(m.status) ?? 0) + 1);
  const summary = [...counts.keys()]
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    .map((s) => statusColour(p, s)(`${counts.get(s)} ${s}`));
  const head =
    p.bold(`uptop at ${d.server}: ${d.monitors.length} monitors`) + (summary.length ? ` — ${summary.join(", ")}` : "");

  const sorted = [...d.monitors].sort((a, b) => rank(a.status) - rank(b.status) || a.name.localeCompare(b.name));
  const up = sorted.filter((m) => m.status === "UP");
  const others = sorted.filter((m) => m.status !== "UP");

  const tail: string[] = [];
  if (d.nodes.length) tail.push("", p.bold("NODES"));
  for (const n of d.nodes) {
    tail.push(
      `  ${statusColour(p, n.status)(n.status.padEnd(8))} ${n.name.padEnd(16)} ${n.region.padEnd(12)} ${n.role.padEnd(8)} ${n.version}`,
    );
  }
  tail.push("", p.bold("INCIDENTS AND MAINTENANCE"));
  if (d.active.length === 0) tail.push(p.grey("  none active"));
  for (const w of d.active) {
    const scope = w.monitors === null ? "all monitors" : w.monitors.join(", ");
    const until = w.end ? ` until ${w.end}` : "";
    tail.push(`  ${(w.type === "incident" ? p.red : p.blue)(w.type.padEnd(11))} ${w.title} (${scope})${until}`);
  }

  const monitorHead = d.monitors.length ? ["", p.bold("MONITORS")] : [];
  // One row stays free for the shell prompt that follows.
  const room = o.rows - 1 - 1 - monitorHead.length - others.length - tail.length;
  let shownUp = up;
  let hidden = 0;
  if (!o.all && up.length > Math.max(room, 0)) {
    // The line that says how many are hidden takes one of the rows.
    shownUp = up.slice(0, Math.max(room - 1, 0));
    hidden = up.length - shownUp.length;
  }
  const listed = [...others, ...shownUp];
  const width = Math.min(40, Math.max(8, ...listed.map((m) => m.name.length)));
  const lines = [head, ...monitorHead];
  for (const m of others) lines.push(monitorLine(p, m, width));
  for (const m of shownUp) lines.push(monitorLine(p, m, width));
  if (hidden) {
    const more = shownUp.length ? `${hidden} more UP` : `${hidden} UP`;
    lines.push(`  ${statusColour(p, "UP")(more)} ${p.grey("(--all lists every monitor)")}`);
  }
  lines.push(...tail);
  return lines;
}
