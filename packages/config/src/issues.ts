import { ValidationError, type FieldIssue } from "@uptop/core";
import type { z } from "zod";

/**
 * zod issues as `field: message` pairs whose field is the dotted path into the document. An
 * unknown key gets its own issue at the key itself, so the CLI can point at the exact line.
 */
export function documentIssues(error: z.ZodError, prefix: Array<string | number> = []): FieldIssue[] {
  const out: FieldIssue[] = [];
  for (const i of error.issues) {
    const path = [...prefix, ...i.path.map((p) => (typeof p === "symbol" ? String(p) : p))];
    if (i.code === "unrecognized_keys") {
      for (const key of i.keys) out.push({ field: [...path, key].join("."), message: "unknown field" });
      continue;
    }
    out.push({ field: path.join("."), message: i.message });
  }
  return out;
}

/** Re-roots issues reported relative to one entry (e.g. by normalizeMonitor) at that entry's path. */
export function prefixIssues(issues: readonly FieldIssue[], prefix: string): FieldIssue[] {
  return issues.flatMap((i) => {
    const field = i.field ? `${prefix}.${i.field}` : prefix;
    // core's zodIssues folds unknown keys into one message on the object; split them per key.
    const unknown = /^unknown field\(s\): (.+)$/.exec(i.message);
    if (unknown) return unknown[1]!.split(", ").map((key) => ({ field: `${field}.${key}`, message: "unknown field" }));
    return [{ field, message: i.message }];
  });
}

export function throwIssues(issues: FieldIssue[], what = "invalid config"): never {
  const first = issues[0];
  const summary = first ? `${first.field || "document"}: ${first.message}` : what;
  throw new ValidationError(issues.length > 1 ? `${summary} (and ${issues.length - 1} more)` : summary, issues);
}
