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
  return issues.map((i) => ({ field: i.field ? `${prefix}.${i.field}` : prefix, message: i.message }));
}

export function throwIssues(issues: FieldIssue[], what = "invalid config"): never {
  throw ValidationError.fromIssues(issues, what, "document");
}
