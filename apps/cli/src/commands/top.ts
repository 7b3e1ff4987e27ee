import type { Command } from "commander";
import { isThemeName, pickTheme, runDashboard, THEME_NAMES, type ThemeName } from "@uptop/tui";
import { DEFAULT_SERVER, type CliContext } from "../context.js";
import { CliExit, EXIT } from "../exit-codes.js";

export function topCommand(program: Command, ctx: CliContext): void {
  program
    .command("top")
    .description("The live dashboard: monitors, details, nodes, channels and maintenance, with key actions")
    .option("--url <url>", "the uptop server (same as --server)")
    .option("--theme <name>", `colours: ${THEME_NAMES.join(", ")} (default dark; none when NO_COLOR is set)`)
    .addHelpText(
      "after",
      "\nKeys: ↑↓/jk move, Enter details, / filter, s sort, p pause/resume, c check now, n new, e edit,\n" +
        "d delete, 1-4 views (monitors, nodes, channels, maintenance), T theme, q quit. Edit keys show\n" +
        "only for the editor and admin roles; the server refuses them for a viewer anyway.",
    )
    .action(async (opts: { url?: string; theme?: string }, cmd: Command) => {
      const term = ctx.io.terminal;
      if (!term) throw new CliExit(EXIT.usage, "uptop top needs a terminal (for a one-shot view use uptop status)");
      if (opts.theme !== undefined && !isThemeName(opts.theme))
        throw new CliExit(EXIT.usage, `--theme must be one of ${THEME_NAMES.join(", ")}`);
      const o = cmd.optsWithGlobals<{ server?: string; token?: string }>();
      const theme: ThemeName = pickTheme(opts.theme as ThemeName | undefined, { NO_COLOR: ctx.env.noColor ? "1" : "" });
      const dashboard = runDashboard({
        baseUrl: opts.url ?? o.server ?? ctx.env.server ?? DEFAULT_SERVER,
        token: o.token ?? ctx.env.token ?? "",
        stdin: term.stdin,
        stdout: term.stdout,
        theme,
      });
      await dashboard.waitUntilExit();
    });
}
