import type { Command } from "commander";
import {
  ConfigFileError,
  formatLocatedIssue,
  loadConfigSources,
  normalizeDocument,
  originKey,
  type LoadedConfig,
  type NormalizedDocument,
  type ResourceKind,
} from "@uptop/config-as-code";
import { ValidationError, type FieldIssue } from "@uptop/core";
import { ApiError } from "../api-client.js";
import { clientFor, type CliContext } from "../context.js";
import { CliExit, EXIT } from "../exit-codes.js";
import { readConfigFiles } from "../read-config-files.js";
import { printPlan, type ApplyResponse } from "./print-plan.js";

interface ApplyOptions {
  file: string[];
  dryRun?: boolean;
  prune?: boolean;
  json?: boolean;
}

/** Validates locally first: the same checks as the server, but with file, line and column. */
function loadLocally(ctx: CliContext, files: string[]): { loaded: LoadedConfig; normalized: NormalizedDocument } {
  try {
    const loaded = loadConfigSources(readConfigFiles(files), ctx.env.vars);
    try {
      return { loaded, normalized: normalizeDocument(loaded.document) };
    } catch (err) {
      if (err instanceof ValidationError) throw new ConfigFileError(loaded.locateIssues(err.issues));
      throw err;
    }
  } catch (err) {
    if (!(err instanceof ConfigFileError)) throw err;
    for (const i of err.located) ctx.io.err(formatLocatedIssue(i));
    throw new CliExit(EXIT.usage);
  }
}

/** A server error, pinned to the entry of the file it is about when the server names one. */
export function reportServerError(
  ctx: CliContext,
  err: ApiError,
  loaded: LoadedConfig,
  normalized: NormalizedDocument,
): never {
  const details = err.body.error?.details as { issues?: FieldIssue[]; kind?: ResourceKind; name?: string } | undefined;
  if (details?.issues?.length && !details.kind) {
    for (const i of loaded.locateIssues(details.issues)) ctx.io.err(formatLocatedIssue(i));
  } else if (details?.kind && details.name !== undefined) {
    const path = normalized.origins.get(originKey(details.kind, details.name));
    const where = path ? loaded.locate(path) : null;
    ctx.io.err(where ? formatLocatedIssue({ ...where, field: "", message: err.message }) : err.message);
  } else {
    ctx.io.err(`error: ${err.message}`);
  }
  ctx.io.err(`nothing was applied (HTTP ${err.status})`);
  throw new CliExit(err.exitCode);
}

export function applyCommand(program: Command, ctx: CliContext): void {
  program
    .command("apply")
    .description("Apply channels, monitors and maintenance windows from YAML or JSON files, matched by name")
    .requiredOption("-f, --file <path...>", "a config file, or a directory of .yaml/.yml/.json files")
    .option("--dry-run", "print the plan without changing anything")
    .option("--prune", "also delete what the server has and the files do not name")
    .option("--json", "print the server's answer as JSON")
    .addHelpText(
      "after",
      "\nSecrets may be written as ${ENV_VAR}; they are resolved here, at apply time.\nExit codes: 0 applied (or nothing to do), 1 server failure, 2 invalid config or usage.",
    )
    .action(async (opts: ApplyOptions, cmd: Command) => {
      const { loaded, normalized } = loadLocally(ctx, opts.file);
      const client = clientFor(cmd, ctx);
      const query = new URLSearchParams();
      if (opts.dryRun) query.set("dryRun", "true");
      if (opts.prune) query.set("prune", "true");
      let answer: ApplyResponse;
      try {
        answer = await client.postJson<ApplyResponse>(
          `/api/config/apply${query.size ? `?${query}` : ""}`,
          loaded.document,
        );
      } catch (err) {
        if (err instanceof ApiError) reportServerError(ctx, err, loaded, normalized);
        throw err;
      }
      if (opts.json) ctx.io.out(JSON.stringify(answer, null, 2));
      else printPlan(ctx, answer);
    });
}
