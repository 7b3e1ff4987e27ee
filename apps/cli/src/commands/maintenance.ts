import type { Command } from "commander";
import { parseDuration } from "@uptop/core";
import { clientFor, type CliContext } from "../context.js";
import { CliExit, EXIT } from "../exit-codes.js";
import { resolveRefs } from "../resolve-refs.js";
import { textTable } from "../text-table.js";
import type { MonitorView } from "./monitor-detail.js";

/** A maintenance window as GET /api/maintenance shows it. */
export interface WindowView {
  id: number;
  title: string;
  description: string | null;
  type: string;
  monitors: string[] | null;
  start: string;
  end: string | null;
  recurrence: unknown;
  active: boolean;
}

interface StartOptions {
  title: string;
  monitors?: string;
  duration?: string;
  until?: string;
  type?: string;
  json?: boolean;
}

const usage = (message: string): never => {
  throw new CliExit(EXIT.usage, `error: ${message}`);
};

/** The window's end from --duration or --until; null (open until ended) with neither. */
function endOf(opts: StartOptions, start: Date): string | null {
  if (opts.duration !== undefined && opts.until !== undefined) usage("give --duration or --until, not both");
  if (opts.duration !== undefined) {
    const ms = parseDuration(opts.duration, "m");
    if (!ms) usage(`--duration: "${opts.duration}" is not a duration such as 30m, 2h or 1d`);
    return new Date(start.getTime() + ms!).toISOString();
  }
  if (opts.until !== undefined) {
    const at = Date.parse(opts.until);
    if (Number.isNaN(at)) usage(`--until: "${opts.until}" is not an ISO time such as 2030-01-31T18:00:00Z`);
    if (at <= start.getTime()) usage(`--until: ${opts.until} is not in the future`);
    return new Date(at).toISOString();
  }
  return null;
}

/** "all monitors" or the names, for a table cell. */
const scope = (w: WindowView) => (w.monitors === null ? "all monitors" : w.monitors.join(", "));
/** "MM-DD HH:MM" in UTC: the year and seconds only widen the table (--json has the full times). */
const minute = (iso: string | null) => (iso ? iso.slice(5, 16).replace("T", " ") : "open");

function describe(w: WindowView): string {
  const until = w.end ? `until ${w.end}` : `until ended (uptop maintenance end ${w.id})`;
  return `${w.type} #${w.id} "${w.title}" for ${scope(w)}, ${until}`;
}

function startCommand(group: Command, ctx: CliContext): void {
  group
    .command("start")
    .description("Start a maintenance window now: its monitors' downtime neither alerts nor counts against the SLA")
    .requiredOption("--title <title>", "what is happening")
    .option("--monitors <list>", "only these monitors (comma-separated ids or names; default all)")
    .option("--duration <duration>", "end after this long: 30m, 2h, 1d (a bare number is minutes)")
    .option("--until <time>", "end at this ISO time")
    .option("--type <type>", "maintenance or incident", "maintenance")
    .option("--json", "print the window as JSON")
    .addHelpText("after", "\nWithout --duration or --until the window stays open until `uptop maintenance end <id>`.")
    .action(async (opts: StartOptions, cmd: Command) => {
      if (opts.type !== "maintenance" && opts.type !== "incident")
        usage(`--type: "${opts.type}" is not maintenance or incident`);
      const start = new Date();
      const end = endOf(opts, start);
      const client = clientFor(cmd, ctx);
      let monitors: string[] | null = null;
      if (opts.monitors !== undefined) {
        const refs = opts.monitors
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean);
        if (refs.length === 0) usage("--monitors: name at least one monitor, or leave it out for all");
        // The server keeps names; resolving here turns ids into names and catches a typo before the window exists.
        const all = await client.getJson<MonitorView[]>("/api/monitors");
        monitors = resolveRefs(all, refs, "monitor").map((m) => m.name);
      }
      const w = await client.postJson<WindowView>("/api/maintenance", {
        title: opts.title,
        type: opts.type,
        monitors,
        start: start.toISOString(),
        end,
      });
      ctx.io.out(opts.json ? JSON.stringify(w, null, 2) : `started ${describe(w)}`);
    });
}

function endCommand(group: Command, ctx: CliContext): void {
  group
    .command("end")
    .description("End a maintenance window now (a recurring one has no further occurrences)")
    .argument("<id>", "the window's id (uptop maintenance list)")
    .option("--json", "print the ended window as JSON")
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
      if (!/^\d{1,9}$/.test(id)) usage(`"${id}" is not a window id; uptop maintenance list shows them`);
      const w = await clientFor(cmd, ctx).postAction<WindowView>(`/api/maintenance/${id}/end`);
      ctx.io.out(opts.json ? JSON.stringify(w, null, 2) : `ended ${w.type} #${w.id} "${w.title}" at ${w.end}`);
    });
}

function listCommand(group: Command, ctx: CliContext): void {
  group
    .command("list")
    .description("Maintenance windows and incidents, active first")
    .option("--json", "print the windows as JSON (the API's objects)")
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const windows = (await clientFor(cmd, ctx).getJson<WindowView[]>("/api/maintenance")).sort(
        (a, b) => Number(b.active) - Number(a.active) || b.start.localeCompare(a.start),
      );
      if (opts.json) {
        ctx.io.out(JSON.stringify(windows, null, 2));
        return;
      }
      if (windows.length === 0) {
        ctx.io.out("no maintenance windows");
        return;
      }
      const table = textTable(windows, [
        { head: "ID", cell: (w) => String(w.id), align: "right" },
        { head: "TYPE", cell: (w) => w.type },
        { head: "ACTIVE", cell: (w) => (w.active ? "yes" : "no"), paint: (w, s) => (w.active ? ctx.paint.blue(s) : s) },
        { head: "START (UTC)", cell: (w) => minute(w.start) },
        { head: "END (UTC)", cell: (w) => minute(w.end) },
        { head: "TITLE (MONITORS)", cell: (w) => `${w.title} (${scope(w)})`, flex: true },
      ]);
      ctx.io.out(table.join("\n"));
    });
}

export function maintenanceCommand(program: Command, ctx: CliContext): void {
  const group = program.command("maintenance").description("Start, end and list maintenance windows");
  startCommand(group, ctx);
  endCommand(group, ctx);
  listCommand(group, ctx);
}
