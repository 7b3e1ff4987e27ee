import type { Command } from "commander";
import { ApiError } from "../api-client.js";
import { clientFor, type CliContext } from "../context.js";
import { statusScreen, type MonitorRow, type NodeRow, type WindowRow } from "./status-screen.js";

/** A screen's height when the output is not a terminal (a pipe, a CI log): the classic 24 rows. */
const DEFAULT_ROWS = 24;

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
    .option("--all", "list every monitor, not only those that fit on the screen")
    .option("--json", "print the data as JSON")
    .addHelpText(
      "after",
      "\nEvery monitor that is not UP is listed; UP monitors fill the rows that are left (the terminal's\nheight, LINES, or 24 rows when the output is not a terminal), then one line counts the rest.",
    )
    .action(async (opts: { all?: boolean; json?: boolean }, cmd: Command) => {
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
      const rows = ctx.env.lines ?? ctx.io.rows ?? DEFAULT_ROWS;
      const lines = statusScreen(
        ctx.paint,
        { server: client.server, monitors, nodes: nodes.nodes, active },
        { rows, all: opts.all === true },
      );
      ctx.io.out(lines.join("\n"));
    });
}
