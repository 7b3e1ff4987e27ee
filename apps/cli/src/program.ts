import { Command, CommanderError } from "commander";
import { VERSION } from "@uptop/core";
import { ApiError } from "./api-client.js";
import type { CliEnv } from "./cli-env.js";
import { paintFor } from "./colour.js";
import { applyCommand } from "./commands/apply.js";
import { channelsCommand } from "./commands/channels.js";
import { exportCommand } from "./commands/export.js";
import { importKumaCommand } from "./commands/import-kuma.js";
import { maintenanceCommand } from "./commands/maintenance.js";
import { monitorsCommand } from "./commands/monitors.js";
import { statusCommand } from "./commands/status.js";
import { usersCommand } from "./commands/users.js";
import { topCommand } from "./commands/top.js";
import { versionCommand } from "./commands/version.js";
import { DEFAULT_SERVER, type CliContext, type CliIo } from "./context.js";
import { CliExit, EXIT } from "./exit-codes.js";

export function buildProgram(ctx: CliContext): Command {
  const program = new Command("uptop")
    .description("Manage an uptop server: config as code, Uptime Kuma import, status, monitors, maintenance, channels")
    .version(VERSION, "-V, --version", "print the CLI version")
    .option("--server <url>", `the uptop server (env UPTOP_SERVER, default ${DEFAULT_SERVER})`)
    .option("--token <token>", "API token: the admin token or a user's (env UPTOP_API_TOKEN)")
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText(
      "after",
      "\nMonitors and channels are named by id or name. Exit codes: 0 done; 1 the server failed, refused\n" +
        "(401, 403, 409) or could not be reached, or a check or test send did not go through; 2 bad usage,\n" +
        "an unknown or ambiguous name, or input that does not validate.",
    )
    .configureOutput({
      writeOut: (s) => ctx.io.out(s.replace(/\n$/, "")),
      writeErr: (s) => ctx.io.err(s.replace(/\n$/, "")),
    })
    .configureHelp({ helpWidth: 100 })
    .exitOverride();
  applyCommand(program, ctx);
  exportCommand(program, ctx);
  importKumaCommand(program, ctx);
  statusCommand(program, ctx);
  monitorsCommand(program, ctx);
  maintenanceCommand(program, ctx);
  channelsCommand(program, ctx);
  usersCommand(program, ctx);
  topCommand(program, ctx);
  versionCommand(program, ctx);
  inheritSettings(program);
  return program;
}

/** Subcommands (and theirs: `monitors list`) report through the context and never exit the process. */
function inheritSettings(parent: Command): void {
  for (const c of parent.commands) {
    c.exitOverride()
      .configureOutput(parent.configureOutput())
      .configureHelp({ helpWidth: 100 })
      .showHelpAfterError("(run with --help for usage)");
    inheritSettings(c);
  }
}

/** Runs the CLI and returns its exit code (main.ts sets it; tests call this directly). */
export async function runCli(argv: readonly string[], env: CliEnv, io: CliIo): Promise<number> {
  const ctx: CliContext = { env, io, paint: paintFor(io.isTty, env.noColor, env.forceColor) };
  const program = buildProgram(ctx);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version "fail" with exit code 0.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof CliExit) {
      if (err.message) io.err(err.message);
      return err.code;
    }
    if (err instanceof ApiError) {
      io.err(`error: ${err.message} (HTTP ${err.status})`);
      return err.exitCode;
    }
    io.err(`error: ${(err as Error).message ?? String(err)}`);
    return EXIT.failure;
  }
}
