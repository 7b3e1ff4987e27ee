import { Command, CommanderError } from "commander";
import { VERSION } from "@uptop/core";
import { ApiError } from "./api-client.js";
import type { CliEnv } from "./cli-env.js";
import { paintFor } from "./colour.js";
import { applyCommand } from "./commands/apply.js";
import { exportCommand } from "./commands/export.js";
import { importKumaCommand } from "./commands/import-kuma.js";
import { statusCommand } from "./commands/status.js";
import { topCommand } from "./commands/top.js";
import { versionCommand } from "./commands/version.js";
import { DEFAULT_SERVER, type CliContext, type CliIo } from "./context.js";
import { CliExit, EXIT } from "./exit-codes.js";

export function buildProgram(ctx: CliContext): Command {
  const program = new Command("uptop")
    .description("Manage an uptop server: config as code, Uptime Kuma import, status")
    .version(VERSION, "-V, --version", "print the CLI version")
    .option("--server <url>", `the uptop server (env UPTOP_SERVER, default ${DEFAULT_SERVER})`)
    .option("--token <token>", "admin API token (env UPTOP_API_TOKEN)")
    .showHelpAfterError("(run with --help for usage)")
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
  topCommand(program, ctx);
  versionCommand(program, ctx);
  for (const c of program.commands)
    c.exitOverride().configureOutput(program.configureOutput()).configureHelp({ helpWidth: 100 });
  return program;
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
