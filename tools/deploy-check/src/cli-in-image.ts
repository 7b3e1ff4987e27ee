import type { Stage } from "./dockerfile.js";

/** Where the uptop CLI lives in the leader image, and the command that starts it. */
export const CLI_DIR = "/app/cli";
export const CLI_BIN = "/usr/local/bin/uptop";

/**
 * The leader image carries the `uptop` CLI (SPEC §12: `docker exec <leader> uptop apply`): the
 * builder builds and `pnpm deploy --prod`s @uptop/cli, the final stage copies that output to
 * /app/cli and installs an executable `uptop` on the PATH that runs it. One line per
 * violation, empty when the file holds.
 */
export function checkCarriesCli(stages: readonly Stage[]): string[] {
  if (stages.length < 2) return ["needs a builder and a runtime stage"];
  const final = stages[stages.length - 1]!;
  const builderRuns = stages.slice(0, -1).flatMap((s) => s.instructions.filter((i) => i.keyword === "RUN").map((i) => i.args));
  const problems: string[] = [];

  // An unfiltered `pnpm build` builds the CLI too; a filtered one must name it.
  const builds = builderRuns.filter((r) => /\bpnpm build\b/.test(r));
  if (!builds.some((r) => !/--filter/.test(r) || /--filter[= ]@uptop\/cli\b/.test(r))) problems.push("the builder does not build @uptop/cli");

  const out = builderRuns.map((r) => /\bpnpm deploy --filter @uptop\/cli --prod (\S+)/.exec(r)?.[1]).find(Boolean);
  if (!out) problems.push("the builder does not run pnpm deploy --filter @uptop/cli --prod");
  else {
    const copy = final.instructions.find((i) => i.keyword === "COPY" && i.flags["from"] && i.args.split(" ")[0]!.replace(/\/$/, "") === out.replace(/\/$/, ""));
    if (!copy) problems.push(`the final stage does not copy the CLI deploy output ${out}`);
    else if (copy.args.split(" ").at(-1)!.replace(/\/$/, "") !== CLI_DIR) problems.push(`the CLI is copied to ${copy.args.split(" ").at(-1)}, not ${CLI_DIR}`);
  }

  const finalRuns = final.instructions.filter((i) => i.keyword === "RUN").map((i) => i.args).join(" && ");
  if (!finalRuns.includes(`> ${CLI_BIN}`) || !finalRuns.includes(`${CLI_DIR}/dist/main.js`)) problems.push(`no ${CLI_BIN} wrapper that runs ${CLI_DIR}/dist/main.js`);
  else if (!/chmod (\+x|[0-7]*7[0-7]{2}) \/usr\/local\/bin\/uptop\b/.test(finalRuns)) problems.push(`${CLI_BIN} is not made executable`);
  return problems;
}
