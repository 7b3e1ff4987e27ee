import type { CliContext } from "./context.js";
import { CliExit, EXIT } from "./exit-codes.js";

/**
 * Asks before a destructive action unless `yes`. Without a terminal to ask on (a script, a pipe)
 * it refuses rather than guess: the caller must say --yes.
 */
export async function confirmOrRefuse(ctx: CliContext, question: string, yes: boolean | undefined): Promise<void> {
  if (yes) return;
  if (!ctx.io.stdinIsTty || !ctx.io.ask) {
    throw new CliExit(EXIT.usage, `error: ${question}: refusing without --yes when standard input is not a terminal`);
  }
  const answer = (await ctx.io.ask(`${question}? [y/N] `)).trim().toLowerCase();
  if (answer !== "y" && answer !== "yes") throw new CliExit(EXIT.failure, "nothing was deleted");
}
