import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { writePrivateFile } from "@uptop/core";
import { clientFor, type CliContext } from "../context.js";

interface ExportOptions {
  output?: string;
  includeSecrets?: boolean;
  json?: boolean;
}

export function exportCommand(program: Command, ctx: CliContext): void {
  program
    .command("export")
    .description("Write the server's configuration as YAML that applies back to an empty server")
    .option("-o, --output <file>", "write to this file instead of standard output")
    .option("--include-secrets", "write secrets in clear (the file is created with mode 0600)")
    .option("--json", "JSON instead of YAML")
    .addHelpText(
      "after",
      "\nWithout --include-secrets each secret is written as a ${UPTOP_SECRET_<NAME>_<FIELD>} placeholder;\nthe file's header lists the variables to set before applying it.",
    )
    .action(async (opts: ExportOptions, cmd: Command) => {
      const client = clientFor(cmd, ctx);
      const query = new URLSearchParams({ format: opts.json ? "json" : "yaml" });
      if (opts.includeSecrets) query.set("includeSecrets", "true");
      const res = await client.get(`/api/config?${query}`);
      const text = opts.json ? `${JSON.stringify(await res.json(), null, 2)}\n` : await res.text();
      if (!opts.output) {
        ctx.io.out(text.replace(/\n$/, ""));
        return;
      }
      // Secrets in clear: owner-only from the first byte, even when the file already existed.
      if (opts.includeSecrets) writePrivateFile(opts.output, text);
      else writeFileSync(opts.output, text, { mode: 0o644 });
      ctx.io.err(`wrote ${opts.output}`);
    });
}
