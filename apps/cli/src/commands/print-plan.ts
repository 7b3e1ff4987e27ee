import type { PlanCounts, PlanLine } from "@uptop/config-as-code";
import type { CliContext } from "../context.js";

export interface ApplyResponse {
  dryRun: boolean;
  applied: boolean;
  plan: PlanLine[];
  summary: PlanCounts;
  lines: string[];
}

export function printPlan(ctx: CliContext, answer: ApplyResponse): void {
  const { paint } = ctx;
  for (const line of answer.lines) {
    const colour = line.startsWith("+")
      ? paint.green
      : line.startsWith("~")
        ? paint.yellow
        : line.startsWith("-")
          ? paint.red
          : paint.grey;
    ctx.io.out(colour(line));
  }
  if (answer.plan.length === 0) return;
  const { create, update, delete: del } = answer.summary;
  const counts = `${create} to create, ${update} to update, ${del} to delete`;
  ctx.io.out(answer.dryRun ? `dry run: ${counts}; nothing was changed` : `applied: ${counts}`);
}
