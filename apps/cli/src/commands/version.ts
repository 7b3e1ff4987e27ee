import type { Command } from "commander";
import { VERSION } from "@uptop/core";
import { clientFor, type CliContext } from "../context.js";

export function versionCommand(program: Command, ctx: CliContext): void {
  program
    .command("version")
    .description("Print the CLI's version, and the server's when one is reachable")
    .option("--json", "print as JSON")
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      let server: string | null = null;
      const o = cmd.optsWithGlobals<{ server?: string }>();
      if (o.server ?? ctx.env.server) {
        try {
          server = (await clientFor(cmd, ctx).getJson<{ version?: string }>("/api/health")).version ?? null;
        } catch {
          server = null;
        }
      }
      if (opts.json) ctx.io.out(JSON.stringify({ cli: VERSION, server }));
      else ctx.io.out(server ? `uptop ${VERSION} (server ${server})` : `uptop ${VERSION}`);
    });
}
