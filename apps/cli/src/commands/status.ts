import type { Command } from "commander";
import { ApiError } from "../api-client.js";
import type { Paint } from "../colour.js";
import { clientFor, type CliContext } from "../context.js";

interface MonitorRow {
  id: number;
  name: string;
  type: string;
  parent: string | null;
  status: string;
  statusSince: string | null;
  noData?: boolean;
  lastCheck: { ok: boolean; latencyMs: number | null; error?: { code: string } | null } | null;
}
interface NodeRow {
  id: string;
  name: string;
  region: string;
  role: string;
  status: string;
  version: string;
}
interface WindowRow {
  title: string;
  type: string;
  active: boolean;
  monitors: string[] | null;
  end: string | null;
}

const ORDER = ["DOWN", "LATE", "PENDING", "MAINTENANCE", "UP", "PAUSED"];

function statusColour(p: Paint, status: string): (s: string) => string {
  if (status === "DOWN") return p.red;
  if (status === "UP" || status === "online") return p.green;
  if (status === "LATE" || status === "PENDING" || status === "stale") return p.yellow;
  if (status === "MAINTENANCE") return p.blue;
  return p.grey;
}

function latency(m: MonitorRow): string {
  const ms = m.lastCheck?.latencyMs;
  if (ms === null || ms === undefined) return "-";
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

/** A route the server does not have (an older server) reads as an empty list, not a failure. */
async function optional<T>(p: Promise<T>, empty: T): Promise<T> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return empty;
    throw err;
  }
}

export function statusCommand(program: Command, ctx: CliContext): void {
  program
    .command("status")
    .description("One screen: monitors by status with latency, nodes and regions, active incidents and maintenance")
    .option("--json", "print the data as JSON")
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const client = clientFor(cmd, ctx);
      const [monitors, nodes, windows] = await Promise.all([
        client.getJson<MonitorRow[]>("/api/monitors"),
        optional(client.getJson<{ nodes: NodeRow[] }>("/api/nodes"), { nodes: [] }),
        optional(client.getJson<WindowRow[]>("/api/maintenance"), []),
      ]);
      const active = windows.filter((w) => w.active);
      if (opts.json) {
        ctx.io.out(JSON.stringify({ server: client.server, monitors, nodes: nodes.nodes, active }, null, 2));
        return;
      }
      const p = ctx.paint;
      const counts = new Map<string, number>();
      for (const m of monitors) counts.set(m.status, (counts.get(m.status) ?? 0) + 1);
      const summary = ORDER.filter((s) => counts.has(s)).map((s) => statusColour(p, s)(`${counts.get(s)} ${s}`));
      ctx.io.out(p.bold(`uptop at ${client.server}: ${monitors.length} monitors`) + (summary.length ? ` — ${summary.join(", ")}` : ""));

      const width = Math.min(40, Math.max(8, ...monitors.map((m) => m.name.length)));
      const sorted = [...monitors].sort((a, b) => ORDER.indexOf(a.status) - ORDER.indexOf(b.status) || a.name.localeCompare(b.name));
      if (sorted.length) ctx.io.out("\n" + p.bold("MONITORS"));
      for (const m of sorted) {
        const name = m.name.length > width ? `${m.name.slice(0, width - 1)}…` : m.name.padEnd(width);
        const err = m.lastCheck && !m.lastCheck.ok && m.lastCheck.error ? ` ${m.lastCheck.error.code}` : "";
        const flags = m.noData ? " (no data)" : "";
        ctx.io.out(`  ${statusColour(p, m.status)(m.status.padEnd(11))} ${name}  ${m.type.padEnd(5)}  ${latency(m).padStart(8)}${err}${flags}`);
      }
      if (nodes.nodes.length) ctx.io.out("\n" + p.bold("NODES"));
      for (const n of nodes.nodes) {
        ctx.io.out(`  ${statusColour(p, n.status)(n.status.padEnd(8))} ${n.name.padEnd(16)} ${n.region.padEnd(12)} ${n.role.padEnd(8)} ${n.version}`);
      }
      ctx.io.out("\n" + p.bold("INCIDENTS AND MAINTENANCE"));
      if (active.length === 0) ctx.io.out(p.grey("  none active"));
      for (const w of active) {
        const scope = w.monitors === null ? "all monitors" : w.monitors.join(", ");
        const until = w.end ? ` until ${w.end}` : "";
        ctx.io.out(`  ${(w.type === "incident" ? p.red : p.blue)(w.type.padEnd(11))} ${w.title} (${scope})${until}`);
      }
    });
}
