import type { Stage } from "./dockerfile.js";

/** Where the uptop CLI lives in the leader image, and the command that starts it. */
export const CLI_DIR = "/app/cli";
export const CLI_BIN = "/usr/local/bin/uptop";
/** The leader's own maintenance command (migrate-secrets, rotate-key), on the PATH beside it. */
export const ADMIN_BIN = "/usr/local/bin/uptop-admin";

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
/** `> FILE` in a RUN, where FILE is exactly `path` (so uptop does not match uptop-admin). */
const writes = (runs: string, path: string) => new RegExp(`> ${escapeRegExp(path)}(?![\\w-])`).test(runs);
/** A chmod that makes `path` executable, alone or in a list of files. */
const makesExecutable = (runs: string, path: string) =>
  new RegExp(`chmod (\\+x|[0-7]*7[0-7]{2}) (\\S+ )*${escapeRegExp(path)}(?![\\w-])`).test(runs);

/**
 * The leader image carries the `uptop` CLI, so `docker exec <leader> uptop apply` works: the
 * builder builds and `pnpm deploy --prod`s @uptop/cli, the final stage copies that output to
 * /app/cli and installs an executable `uptop` on the PATH that runs it. One line per
 * violation, empty when the file holds.
 */
export function checkCarriesCli(stages: readonly Stage[]): string[] {
  if (stages.length < 2) return ["needs a builder and a runtime stage"];
  const final = stages[stages.length - 1]!;
  const builderRuns = stages
    .slice(0, -1)
    .flatMap((s) => s.instructions.filter((i) => i.keyword === "RUN").map((i) => i.args));
  const problems: string[] = [];

  // An unfiltered `pnpm build` builds the CLI too; a filtered one must name it.
  const builds = builderRuns.filter((r) => /\bpnpm build\b/.test(r));
  if (!builds.some((r) => !/--filter/.test(r) || /--filter[= ]@uptop\/cli\b/.test(r)))
    problems.push("the builder does not build @uptop/cli");

  const out = builderRuns.map((r) => /\bpnpm deploy --filter @uptop\/cli --prod (\S+)/.exec(r)?.[1]).find(Boolean);
  if (!out) problems.push("the builder does not run pnpm deploy --filter @uptop/cli --prod");
  else {
    const copy = final.instructions.find(
      (i) =>
        i.keyword === "COPY" && i.flags.from && i.args.split(" ")[0]!.replace(/\/$/, "") === out.replace(/\/$/, ""),
    );
    if (!copy) problems.push(`the final stage does not copy the CLI deploy output ${out}`);
    else if (copy.args.split(" ").at(-1)!.replace(/\/$/, "") !== CLI_DIR)
      problems.push(`the CLI is copied to ${copy.args.split(" ").at(-1)}, not ${CLI_DIR}`);
  }

  const finalRuns = final.instructions
    .filter((i) => i.keyword === "RUN")
    .map((i) => i.args)
    .join(" && ");
  if (!writes(finalRuns, CLI_BIN) || !finalRuns.includes(`${CLI_DIR}/dist/main.js`))
    problems.push(`no ${CLI_BIN} wrapper that runs ${CLI_DIR}/dist/main.js`);
  else if (!makesExecutable(finalRuns, CLI_BIN)) problems.push(`${CLI_BIN} is not made executable`);
  return problems;
}

/**
 * The leader image puts `uptop-admin` on the PATH: a wrapper that runs the leader's own
 * `bin` entry (`adminBin`, relative to the app, from apps/leader/package.json) out of /app, where
 * the leader's deploy output lives. One line per violation, empty when the file holds.
 */
export function checkCarriesAdmin(stages: readonly Stage[], adminBin: string): string[] {
  const final = stages.at(-1);
  if (!final || stages.length < 2) return ["needs a builder and a runtime stage"];
  const target = `/app/${adminBin.replace(/^\.\//, "")}`;
  const finalRuns = final.instructions
    .filter((i) => i.keyword === "RUN")
    .map((i) => i.args)
    .join(" && ");
  if (!writes(finalRuns, ADMIN_BIN) || !new RegExp(`exec node ${escapeRegExp(target)}\\b`).test(finalRuns))
    return [`no ${ADMIN_BIN} wrapper that runs ${target}`];
  if (!makesExecutable(finalRuns, ADMIN_BIN)) return [`${ADMIN_BIN} is not made executable`];
  return [];
}
