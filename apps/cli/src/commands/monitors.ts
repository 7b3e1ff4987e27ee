import type { Command } from "commander";
import type { ApiClient } from "../api-client.js";
import { confirmOrRefuse } from "../confirm.js";
import { clientFor, type CliContext } from "../context.js";
import { CliExit, EXIT } from "../exit-codes.js";
import { resolveRefs } from "../resolve-refs.js";
import { textTable, type Column } from "../text-table.js";
import { latency, percent, rank, statusColour } from "./monitor-format.js";
import { monitorDetail, type MonitorView, type SlaAnswer } from "./monitor-detail.js";

/** Past this many rows the list leaves out uptime: it costs one request per monitor. */
const UPTIME_ROWS = 100;
const UPTIME_CONCURRENCY = 8;
const STATUSES = ["PENDING", "UP", "DOWN", "LATE", "MAINTENANCE", "PAUSED"];

interface Row {
  m: MonitorView;
  uptime: number | null | undefined;
}

async function uptimes(client: ApiClient, ids: number[], period: string): Promise<Map<number, number | null>> {
  const out = new Map<number, number | null>();
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++]!;
      out.set(id, (await client.getJson<SlaAnswer>(`/api/monitors/${id}/sla?period=${period}`)).uptimePct);
    }
  };
  await Promise.all(Array.from({ length: Math.min(UPTIME_CONCURRENCY, ids.length) }, worker));
  return out;
}

function parseStatuses(raw: string | undefined): Set<string> | null {
  if (raw === undefined) return null;
  const wanted = raw.split(",").map((s) => s.trim().toUpperCase());
  const bad = wanted.filter((s) => !STATUSES.includes(s));
  if (bad.length)
    throw new CliExit(EXIT.usage, `error: --status: unknown status ${bad.join(", ")}; one of ${STATUSES.join(", ")}`);
  return new Set(wanted);
}

function monitorColumns(ctx: CliContext, withUptime: boolean): Column<Row>[] {
  const cols: Column<Row>[] = [
    { head: "ID", cell: (r) => String(r.m.id), align: "right" },
    { head: "NAME", cell: (r) => r.m.name, flex: true },
    { head: "TYPE", cell: (r) => r.m.type },
    { head: "STATUS", cell: (r) => r.m.status, paint: (r, s) => statusColour(ctx.paint, r.m.status)(s) },
    { head: "LATENCY", cell: (r) => latency(r.m), align: "right" },
  ];
  if (withUptime) cols.push({ head: "UP 24H", cell: (r) => percent(r.uptime), align: "right" });
  return cols;
}

/** Loads the monitors and resolves each reference (id or name) before any change is made. */
async function resolveMonitors(client: ApiClient, refs: string[]): Promise<MonitorView[]> {
  return resolveRefs(await client.getJson<MonitorView[]>("/api/monitors"), refs, "monitor");
}

const label = (m: { id: number; name: string }) => `${m.name} (#${m.id})`;

function listCommand(group: Command, ctx: CliContext): void {
  group
    .command("list")
    .description("A table of monitors, worst first: id, name, type, status, latency, uptime over 24 hours")
    .option("--status <list>", "only these statuses (comma-separated, e.g. DOWN,LATE)")
    .option("--filter <text>", "only monitors whose name contains this text (any case)")
    .option("--json", "print the monitors as JSON (the API's objects)")
    .addHelpText(
      "after",
      `\nThe uptime column needs one request per monitor, so it is shown for up to ${UPTIME_ROWS} rows;\n` +
        "narrow a longer list with --status or --filter to see it.",
    )
    .action(async (opts: { status?: string; filter?: string; json?: boolean }, cmd: Command) => {
      const statuses = parseStatuses(opts.status);
      const client = clientFor(cmd, ctx);
      const needle = opts.filter?.toLowerCase();
      const monitors = (await client.getJson<MonitorView[]>("/api/monitors"))
        .filter((m) => (statuses ? statuses.has(m.status) : true))
        .filter((m) => (needle ? m.name.toLowerCase().includes(needle) : true))
        .sort((a, b) => rank(a.status) - rank(b.status) || a.name.localeCompare(b.name));
      if (opts.json) {
        ctx.io.out(JSON.stringify(monitors, null, 2));
        return;
      }
      if (monitors.length === 0) {
        ctx.io.out(opts.status || opts.filter ? "no monitors match" : "no monitors yet");
        return;
      }
      const withUptime = monitors.length <= UPTIME_ROWS;
      const up = withUptime
        ? await uptimes(
            client,
            monitors.map((m) => m.id),
            "24h",
          )
        : new Map();
      const rows = monitors.map((m) => ({ m, uptime: up.get(m.id) }));
      ctx.io.out(textTable(rows, monitorColumns(ctx, withUptime)).join("\n"));
    });
}

function getCommand(group: Command, ctx: CliContext): void {
  group
    .command("get")
    .description("One monitor: settings, status, last check, per-region votes and uptime over 24h, 7d and 30d")
    .argument("<monitor>", "id or name")
    .option("--json", "print as JSON: the API's monitor with its uptime reports under `sla`")
    .action(async (ref: string, opts: { json?: boolean }, cmd: Command) => {
      const client = clientFor(cmd, ctx);
      const [found] = await resolveMonitors(client, [ref]);
      const m = await client.getJson<MonitorView>(`/api/monitors/${found!.id}`);
      const periods = ["24h", "7d", "30d"] as const;
      const reports = await Promise.all(
        periods.map((p) => client.getJson<SlaAnswer>(`/api/monitors/${m.id}/sla?period=${p}`)),
      );
      const sla = Object.fromEntries(periods.map((p, i) => [p, reports[i]!]));
      if (opts.json) {
        ctx.io.out(JSON.stringify({ ...m, sla }, null, 2));
        return;
      }
      ctx.io.out(monitorDetail(ctx.paint, m, sla).join("\n"));
    });
}

function pauseResumeCommand(group: Command, ctx: CliContext, action: "pause" | "resume"): void {
  const done = action === "pause" ? "paused" : "resumed";
  group
    .command(action)
    .description(action === "pause" ? "Pause monitors: no checks, no alerts" : "Resume paused monitors")
    .argument("<monitor...>", "ids or names")
    .option("--json", "print the changed monitors as JSON")
    .action(async (refs: string[], opts: { json?: boolean }, cmd: Command) => {
      const client = clientFor(cmd, ctx);
      const results: MonitorView[] = [];
      for (const m of await resolveMonitors(client, refs)) {
        const after = await client.postAction<MonitorView>(`/api/monitors/${m.id}/${action}`);
        results.push(after);
        if (!opts.json) ctx.io.out(`${done} ${label(after)}: ${after.status}`);
      }
      if (opts.json) ctx.io.out(JSON.stringify(results, null, 2));
    });
}

function checkCommand(group: Command, ctx: CliContext): void {
  group
    .command("check")
    .description("Run monitors' checks now, off their schedule, on the node asked")
    .argument("<monitor...>", "ids or names")
    .option("--json", "print [{ id, name, queued }] as JSON")
    .addHelpText(
      "after",
      "\nExits 1 when a check could not be queued: the monitor is paused or a group, or the node\n" +
        "asked does not run checks.",
    )
    .action(async (refs: string[], opts: { json?: boolean }, cmd: Command) => {
      const client = clientFor(cmd, ctx);
      const results: Array<{ id: number; name: string; queued: boolean }> = [];
      for (const m of await resolveMonitors(client, refs)) {
        const { queued } = await client.postAction<{ queued: boolean }>(`/api/monitors/${m.id}/check-now`);
        results.push({ id: m.id, name: m.name, queued });
        if (!opts.json) {
          if (queued) ctx.io.out(`check queued for ${label(m)}`);
          else
            ctx.io.err(`not queued: ${label(m)} is not checked by this node (paused, a group, or no engine running)`);
        }
      }
      if (opts.json) ctx.io.out(JSON.stringify(results, null, 2));
      if (results.some((r) => !r.queued)) throw new CliExit(EXIT.failure);
    });
}

function deleteCommand(group: Command, ctx: CliContext): void {
  group
    .command("delete")
    .description("Delete monitors with their history (asks first on a terminal)")
    .argument("<monitor...>", "ids or names")
    .option("-y, --yes", "do not ask; required when standard input is not a terminal")
    .action(async (refs: string[], opts: { yes?: boolean }, cmd: Command) => {
      const client = clientFor(cmd, ctx);
      const targets = await resolveMonitors(client, refs);
      const what = targets.length === 1 ? "monitor" : `${targets.length} monitors`;
      await confirmOrRefuse(ctx, `delete ${what} ${targets.map(label).join(", ")}`, opts.yes);
      for (const m of targets) {
        await client.delete(`/api/monitors/${m.id}`);
        ctx.io.out(`deleted ${label(m)}`);
      }
    });
}

export function monitorsCommand(program: Command, ctx: CliContext): void {
  const group = program
    .command("monitors")
    .description("List, inspect, pause, resume, check now and delete monitors")
    .addHelpText("after", '\nA monitor is named by its id or its name ("checkout-api"; any case when unambiguous).');
  listCommand(group, ctx);
  getCommand(group, ctx);
  pauseResumeCommand(group, ctx, "pause");
  pauseResumeCommand(group, ctx, "resume");
  checkCommand(group, ctx);
  deleteCommand(group, ctx);
}
