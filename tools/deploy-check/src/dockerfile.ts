import { DockerfileParser, type Instruction } from "dockerfile-ast";

export interface DockerInstruction {
  readonly keyword: string;
  /** Arguments with line continuations joined, without flags such as --from. */
  readonly args: string;
  readonly flags: Readonly<Record<string, string | null>>;
}

export interface Stage {
  /** The FROM image with ARG defaults substituted. */
  readonly image: string;
  readonly name: string | null;
  readonly instructions: readonly DockerInstruction[];
}

function flagsOf(i: Instruction): Record<string, string | null> {
  const withFlags = i as Instruction & { getFlags?: () => { getName(): string; getValue(): string | null }[] };
  return Object.fromEntries((withFlags.getFlags?.() ?? []).map((f) => [f.getName(), f.getValue()]));
}

/** Splits a Dockerfile into its stages; ARGs before the first FROM are substituted into FROM. */
export function parseDockerfile(text: string): Stage[] {
  const globalArgs = new Map<string, string>();
  const stages: { image: string; name: string | null; instructions: DockerInstruction[] }[] = [];
  for (const i of DockerfileParser.parse(text).getInstructions()) {
    const keyword = i.getKeyword().toUpperCase();
    const args = (i.getArgumentsContent() ?? "").replace(/\s+/g, " ").trim();
    if (keyword === "FROM") {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      const image = (m?.[1] ?? args).replace(/\$\{?(\w+)\}?/g, (_, v: string) => globalArgs.get(v) ?? "");
      stages.push({ image, name: m?.[2] ?? null, instructions: [] });
      continue;
    }
    const current = stages[stages.length - 1];
    if (!current) {
      if (keyword === "ARG") {
        const [k, v] = args.split("=", 2);
        if (k) globalArgs.set(k, v ?? "");
      }
      continue;
    }
    current.instructions.push({ keyword, args, flags: flagsOf(i) });
  }
  return stages;
}

/** The environment the final stage's ENV instructions set (`K=V` pairs; values without spaces). */
export function finalStageEnv(stages: readonly Stage[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const i of stages.at(-1)?.instructions ?? []) {
    if (i.keyword !== "ENV") continue;
    for (const pair of i.args.split(" ")) {
      const at = pair.indexOf("=");
      if (at > 0) env[pair.slice(0, at)] = pair.slice(at + 1).replace(/^"(.*)"$/, "$1");
    }
  }
  return env;
}

const RUNTIME_IMAGE = "node:20-bookworm-slim";

/**
 * The invariants of deploy/docker/<app>.Dockerfile (see deploy/README.md): one line per
 * violation, empty when the file holds.
 */
export function checkDockerfile(stages: readonly Stage[], app: string): string[] {
  const problems: string[] = [];
  if (stages.length < 2) return [`needs a builder and a runtime stage, has ${stages.length}`];
  const final = stages[stages.length - 1]!;
  const builders = stages.slice(0, -1);
  const builderRuns = builders.flatMap((s) => s.instructions.filter((i) => i.keyword === "RUN").map((i) => i.args));
  const finalOf = (k: string) => final.instructions.filter((i) => i.keyword === k);

  for (const s of stages)
    if (s.image !== RUNTIME_IMAGE)
      problems.push(`stage ${s.name ?? "(final)"} is FROM ${s.image}, not ${RUNTIME_IMAGE}`);
  if (!builderRuns.some((r) => /\bpnpm@12\.4\.2\b/.test(r))) problems.push("the builder does not install pnpm 12.4.2");
  if (!builderRuns.some((r) => /\bpnpm install\b.*--frozen-lockfile/.test(r)))
    problems.push("the builder does not run pnpm install --frozen-lockfile");
  if (!builderRuns.some((r) => /\bpnpm build\b/.test(r))) problems.push("the builder does not run pnpm build");
  const deploy = new RegExp(`\\bpnpm deploy --filter @uptop/${app} --prod (\\S+)`);
  const out = builderRuns.map((r) => deploy.exec(r)?.[1]).find(Boolean);
  if (!out) problems.push(`the builder does not run pnpm deploy --filter @uptop/${app} --prod`);

  const copies = finalOf("COPY");
  if (copies.some((c) => !c.flags.from))
    problems.push("the final stage copies from the build context, not only from the builder");
  if (out && !copies.some((c) => c.args.startsWith(out)))
    problems.push(`the final stage does not copy the deploy output ${out}`);

  const user = finalOf("USER").at(-1)?.args.split(":")[0];
  if (user === undefined || user === "root" || user === "0")
    problems.push("the final stage does not switch to a non-root USER");
  else if (user !== "10001") problems.push(`USER is ${user}, not 10001`);
  if (!finalOf("WORKDIR").some((w) => w.args === "/app")) problems.push("WORKDIR is not /app");

  const health = finalOf("HEALTHCHECK").at(-1)?.args ?? "";
  if (!/CMD\s+\[\s*"node"/.test(health)) problems.push("HEALTHCHECK does not call node (the image has no curl)");
  if (/\b(curl|wget)\b/.test(health)) problems.push("HEALTHCHECK uses curl or wget");
  if (!finalOf("EXPOSE").some((e) => e.args.split(" ").includes("8080"))) problems.push("does not EXPOSE 8080");
  if (!finalOf("VOLUME").some((v) => v.args.includes("/data"))) problems.push("no VOLUME /data");
  if (!finalOf("ENV").some((e) => /\bUPTOP_DATA_DIR=\/data\b/.test(e.args)))
    problems.push("UPTOP_DATA_DIR is not /data");
  if (finalOf("CMD").at(-1)?.args.replace(/\s/g, "") !== '["node","dist/main.js"]')
    problems.push('CMD is not ["node","dist/main.js"]');
  const labels = finalOf("LABEL")
    .map((l) => l.args)
    .join(" ");
  for (const l of ["title", "description", "version", "revision"]) {
    if (!labels.includes(`org.opencontainers.image.${l}=`)) problems.push(`no OCI label org.opencontainers.image.${l}`);
  }
  const finalRuns = finalOf("RUN")
    .map((r) => r.args)
    .join(" && ");
  if (!/apt-get install[^&]*--no-install-recommends[^&]*\biputils-ping\b/.test(finalRuns))
    problems.push("ping is not installed with --no-install-recommends");
  if (!/rm -rf \/var\/lib\/apt\/lists/.test(finalRuns)) problems.push("apt lists are not cleaned");
  if (/pglite|sqlite/i.test(final.instructions.map((i) => i.args).join("\n")) && app === "probe")
    problems.push("the probe image mentions an embedded database");
  return problems;
}
