/** The languages whose examples are run: YAML configs are validated, shell is executed. */
export type BlockKind = "yaml" | "shell";

const KINDS: Record<string, BlockKind> = { yaml: "yaml", yml: "yaml", sh: "shell", bash: "shell", shell: "shell" };

/**
 * What a `<!-- docs-test: … -->` comment on the line before a fence asks for: `skip (reason)`
 * leaves the block out and says why; `stream (reason)` runs a command that never ends by itself
 * (a live feed) for a moment and expects output rather than an exit.
 */
export type BlockMode = { run: "run" } | { run: "skip"; reason: string } | { run: "stream"; reason: string };

export interface DocBlock {
  /** The document, relative to the repository root. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  kind: BlockKind;
  code: string;
  mode: BlockMode;
}

const FENCE = /^```([A-Za-z]*)\s*$/;
const MARKER = /^<!--\s*docs-test:\s*(skip|stream)\s*(?:\((.*)\))?\s*-->\s*$/;

export class DocMarkerError extends Error {}

/** Every yaml and shell block of one Markdown document, with what its marker asks for. */
export function docBlocks(file: string, text: string): DocBlock[] {
  const lines = text.split("\n");
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && l.startsWith("```"));
    if (end === -1) throw new DocMarkerError(`${file}:${i + 1}: a code block is never closed`);
    const kind = KINDS[open[1]!.toLowerCase()];
    if (kind) {
      blocks.push({
        file,
        line: i + 1,
        kind,
        code: lines.slice(i + 1, end).join("\n"),
        mode: modeOf(file, i, lines[i - 1] ?? ""),
      });
    }
    i = end;
  }
  return blocks;
}

function modeOf(file: string, fence: number, before: string): BlockMode {
  if (!before.includes("docs-test")) return { run: "run" };
  const m = MARKER.exec(before.trim());
  const reason = m?.[2]?.trim();
  if (!m || !reason) {
    throw new DocMarkerError(`${file}:${fence}: write the marker as <!-- docs-test: skip (why) --> or stream (why)`);
  }
  return { run: m[1] as "skip" | "stream", reason };
}

/** Every `${NAME}` a YAML example expects from the environment (`$${` is a literal, not one). */
export function variablesIn(yaml: string): string[] {
  const names = new Set<string>();
  for (const m of yaml.matchAll(/\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) if (m[1]) names.add(m[1]);
  return [...names];
}
