import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from "yaml";
import { ValidationError, type FieldIssue } from "@uptop/core";
import { firstSyntaxProblem } from "./yaml-syntax-error.js";

const SECTIONS = ["channels", "monitors", "maintenance"] as const;
type Section = (typeof SECTIONS)[number];

/** A problem pinned to a place in a file. `line` and `col` are 1-based; 0 when unknown. */
export interface LocatedIssue {
  file: string;
  line: number;
  col: number;
  field: string;
  message: string;
}

export function formatLocatedIssue(i: LocatedIssue): string {
  const where = i.line ? `${i.file}:${i.line}:${i.col}` : i.file;
  return i.field ? `${where}: ${i.field}: ${i.message}` : `${where}: ${i.message}`;
}

/** A config file that does not parse, names a missing variable, or fails validation. */
export class ConfigFileError extends ValidationError {
  readonly located: LocatedIssue[];
  constructor(located: LocatedIssue[]) {
    const first = located[0];
    const summary = first ? formatLocatedIssue(first) : "invalid config";
    super(
      located.length > 1 ? `${summary} (and ${located.length - 1} more)` : summary,
      located.map((l) => ({ field: l.field, message: `${l.file}:${l.line}:${l.col}: ${l.message}` })),
    );
    this.located = located;
  }
}

interface ParsedFile {
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
}

function at(f: ParsedFile, offset: number): { line: number; col: number } {
  return f.lines.linePos(offset);
}

function parseFile(file: string, text: string): ParsedFile {
  const lines = new LineCounter();
  // JSON is YAML, so one parser gives positions for both formats.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const f = { file, doc, lines };
  if (doc.errors.length) {
    throw new ConfigFileError([{ file, field: "", ...firstSyntaxProblem(doc, text, lines, doc.errors) }]);
  }
  return f;
}

/** Far more than any real config uses; past it, aliases expand like a "billion laughs" bomb. */
const MAX_ALIAS_COUNT = 100;

/**
 * The file as plain values. Resolving aliases is where YAML refuses a document the parser took:
 * one whose aliases would expand past the limit, or an alias named before its anchor. Either is
 * the file's fault, reported at its first alias.
 */
function toPlain(f: ParsedFile): unknown {
  try {
    return f.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    if (!(err instanceof ReferenceError)) throw err;
    let offset = 0;
    visit(f.doc, {
      Alias(_key, node) {
        offset = node.range?.[0] ?? 0;
        return visit.BREAK;
      },
    });
    const message = /excessive alias count/i.test(err.message)
      ? `aliases (*name) expand to more than ${MAX_ALIAS_COUNT} copies of their anchors; write the values out instead`
      : err.message;
    throw new ConfigFileError([{ file: f.file, ...at(f, offset), field: "", message }]);
  }
}

const VARIABLE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** A variable that is not set, at its place in one file (`path` is relative to that file). */
interface MissingVariable {
  f: ParsedFile;
  path: Array<string | number>;
  line: number;
  col: number;
  message: string;
}

/** The path of a visited node from the document root: map keys and sequence indexes. */
function pathOf(ancestors: readonly unknown[], node: unknown): Array<string | number> {
  const out: Array<string | number> = [];
  ancestors.forEach((a, i) => {
    const child = ancestors[i + 1] ?? node;
    if (isSeq(a)) out.push(a.items.indexOf(child as never));
    else if (isPair(a) && isScalar(a.key)) out.push(String(a.key.value));
  });
  return out;
}

/**
 * Replaces `${NAME}` in every string value with the variable's value (`$${` writes a literal
 * `${`). Only values are substituted, never keys, so a variable cannot add fields.
 */
function substitute(f: ParsedFile, env: Readonly<Record<string, string | undefined>>): MissingVariable[] {
  const missing: MissingVariable[] = [];
  visit(f.doc, {
    Scalar(key, s, ancestors) {
      if (key === "key" || typeof s.value !== "string" || !s.value.includes("$")) return;
      s.value = s.value.replace(VARIABLE, (whole, name: string | undefined) => {
        if (name === undefined) return "${";
        // Own variables only: `${constructor}` names no variable, not what objects inherit.
        const v = Object.hasOwn(env, name) ? env[name] : undefined;
        if (v === undefined) {
          missing.push({
            f,
            path: pathOf(ancestors, s),
            ...at(f, s.range?.[0] ?? 0),
            message: `environment variable ${name} is not set`,
          });
          return whole;
        }
        return v;
      });
    },
  });
  return missing;
}

/** The place of `path` in the file: the key of the last field found, or its nearest parent. */
function locate(f: ParsedFile, path: ReadonlyArray<string | number>): { line: number; col: number } {
  let node: unknown = f.doc.contents;
  let offset = (f.doc.contents as Node | null)?.range?.[0] ?? 0;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)];
      if (item === undefined) break;
      offset = (item as Node).range?.[0] ?? offset;
      node = item;
    } else break;
  }
  return at(f, offset);
}

export interface SourceInput {
  file: string;
  text: string;
}

export interface LoadedConfig {
  /** The merged document (all files' sections concatenated in order), ready for normalizeDocument. */
  document: Record<string, unknown>;
  /** Where a dotted field of the merged document was written. */
  locate(field: string): LocatedIssue;
  /** Pins ValidationError issues (dotted fields) to files, lines and columns. */
  locateIssues(issues: readonly FieldIssue[]): LocatedIssue[];
}

/**
 * Parses one or more YAML/JSON files, substitutes `${VAR}` from `env`, and merges them into one
 * document. Throws ConfigFileError naming file, line and column for syntax errors, missing
 * variables, unknown top-level keys and sections that are not lists.
 */
export function loadConfigSources(
  inputs: readonly SourceInput[],
  env: Readonly<Record<string, string | undefined>>,
): LoadedConfig {
  const files = inputs.map((i) => parseFile(i.file, i.text));
  const problems: LocatedIssue[] = [];
  const merged: Record<Section, unknown[]> = { channels: [], monitors: [], maintenance: [] };
  // For each section, which file holds merged index i: [start index, file].
  const segments: Record<Section, Array<{ start: number; file: ParsedFile }>> = {
    channels: [],
    monitors: [],
    maintenance: [],
  };

  const missing: MissingVariable[] = [];
  for (const f of files) {
    missing.push(...substitute(f, env));
    const js = toPlain(f);
    if (js === null || js === undefined) continue;
    if (typeof js !== "object" || Array.isArray(js)) {
      problems.push({
        file: f.file,
        ...locate(f, []),
        field: "",
        message: "must be a mapping with channels, monitors and/or maintenance",
      });
      continue;
    }
    for (const [key, value] of Object.entries(js as Record<string, unknown>)) {
      if (key === "version") {
        if (value !== 1) problems.push({ file: f.file, ...locate(f, [key]), field: key, message: "must be 1" });
        continue;
      }
      if (!(SECTIONS as readonly string[]).includes(key)) {
        problems.push({
          file: f.file,
          ...locate(f, [key]),
          field: key,
          message: "unknown field (expected channels, monitors or maintenance)",
        });
        continue;
      }
      if (value === null) continue;
      if (!Array.isArray(value)) {
        problems.push({ file: f.file, ...locate(f, [key]), field: key, message: "must be a list" });
        continue;
      }
      const section = key as Section;
      segments[section].push({ start: merged[section].length, file: f });
      merged[section].push(...value);
    }
  }
  // A missing variable is named by its field in the merged document, like every other issue.
  for (const m of missing) {
    const [section, index, ...rest] = m.path;
    const start = segments[section as Section]?.find((s) => s.file === m.f)?.start;
    const path = start !== undefined && typeof index === "number" ? [section, start + index, ...rest] : m.path;
    problems.push({ file: m.f.file, line: m.line, col: m.col, field: path.join("."), message: m.message });
  }
  if (problems.length) throw new ConfigFileError(problems);

  const locateField = (field: string): LocatedIssue => {
    const path = field.split(".").map((p) => (/^\d+$/.test(p) ? Number(p) : p));
    const [section, index, ...rest] = path;
    const segs = segments[section as Section];
    const first = files[0];
    if (!segs || typeof index !== "number") {
      return {
        file: first?.file ?? "config",
        ...(first ? locate(first, path) : { line: 0, col: 0 }),
        field,
        message: "",
      };
    }
    const seg = [...segs].reverse().find((s) => s.start <= index) ?? segs[0]!;
    return { file: seg.file.file, ...locate(seg.file, [section!, index - seg.start, ...rest]), field, message: "" };
  };

  const document: Record<string, unknown> = {};
  for (const s of SECTIONS) if (segments[s].length) document[s] = merged[s];
  return {
    document,
    locate: locateField,
    locateIssues: (issues) => issues.map((i) => ({ ...locateField(i.field), message: i.message })),
  };
}
