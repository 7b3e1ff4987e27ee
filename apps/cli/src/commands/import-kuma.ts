import { readFileSync } from "node:fs";
import type { Command } from "commander";
import type { KumaSkipped } from "@uptop/config-as-code";
import { ApiError } from "../api-client.js";
import { clientFor, type CliContext } from "../context.js";
import { CliExit, EXIT } from "../exit-codes.js";
import { printPlan, type ApplyResponse } from "./print-plan.js";

interface ImportOptions {
  dryRun?: boolean;
  json?: boolean;
}

interface ImportResponse extends ApplyResponse {
  imported: { monitors: number; channels: number };
  skipped: KumaSkipped[];
  notes: string[];
}

/** Only what the mapping reads: a backup's heartbeat history can be far over the body limit. */
function slim(backup: Record<string, unknown>): Record<string, unknown> {
  const { version, notificationList, monitorList, monitorNotificationList } = backup;
  return { version, notificationList, monitorList, monitorNotificationList };
}

export function importKumaCommand(program: Command, ctx: CliContext): void {
  program
    .command("import-kuma")
    .description("Import monitors and notifications from an Uptime Kuma backup (JSON)")
    .argument("<file>", "the backup file (Kuma: Settings → Backup → Export)")
    .option("--dry-run", "print the plan without changing anything")
    .option("--json", "print the server's answer as JSON")
    .addHelpText("after", "\nUnsupported monitor and notification types are listed as skipped, never imported broken.")
    .action(async (file: string, opts: ImportOptions, cmd: Command) => {
      let backup: unknown;
      try {
        backup = JSON.parse(readFileSync(file, "utf8"));
      } catch (err) {
        ctx.io.err(`${file}: ${(err as Error).message}`);
        throw new CliExit(EXIT.usage);
      }
      if (backup === null || typeof backup !== "object" || Array.isArray(backup)) {
        ctx.io.err(`${file}: not an Uptime Kuma backup (expected a JSON object)`);
        throw new CliExit(EXIT.usage);
      }
      const client = clientFor(cmd, ctx);
      let answer: ImportResponse;
      try {
        answer = await client.postJson<ImportResponse>(
          `/api/import/kuma${opts.dryRun ? "?dryRun=true" : ""}`,
          slim(backup as Record<string, unknown>),
        );
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        ctx.io.err(`${file}: ${err.message}`);
        ctx.io.err(`nothing was imported (HTTP ${err.status})`);
        throw new CliExit(err.exitCode);
      }
      if (opts.json) {
        ctx.io.out(JSON.stringify(answer, null, 2));
        return;
      }
      printPlan(ctx, answer);
      ctx.io.out(
        `kuma: ${answer.imported.monitors} monitors and ${answer.imported.channels} notifications mapped, ${answer.skipped.length} skipped`,
      );
      for (const s of answer.skipped)
        ctx.io.out(ctx.paint.yellow(`  skipped ${s.kind} "${s.name}" (${s.type}): ${s.reason}`));
      for (const n of answer.notes) ctx.io.out(ctx.paint.grey(`  note: ${n}`));
    });
}
