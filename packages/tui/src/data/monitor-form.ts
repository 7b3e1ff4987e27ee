import { monitorInputSchema, normalizeMonitor, ValidationError, type FieldIssue } from "@uptop/core";
import type { FormField } from "../views/text-form.js";
import type { MonitorRow } from "./types.js";

/** The monitor fields the dashboard edits; the rest keep their values (PATCH) or defaults (POST). */
export const MONITOR_FIELDS: readonly FormField[] = [
  { key: "name", label: "name" },
  { key: "type", label: "type", hint: "http tcp dns ping tls push group" },
  { key: "url", label: "url", hint: "http only" },
  { key: "hostname", label: "hostname", hint: "tcp dns ping tls" },
  { key: "port", label: "port" },
  { key: "interval", label: "interval", hint: "seconds or 30s, 5m" },
  { key: "timeout", label: "timeout" },
  { key: "retries", label: "retries" },
  { key: "parent", label: "group", hint: "name of a group monitor" },
  { key: "regions", label: "regions", hint: "comma-separated; empty = all" },
  { key: "channels", label: "channels", hint: "comma-separated" },
  { key: "description", label: "description" },
];

const NUMBER_FIELDS = new Set(["port", "retries"]);
const LIST_FIELDS = new Set(["regions", "channels"]);
const DURATION_FIELDS = new Set(["interval", "timeout"]);

/** The form's text for a monitor (empty for a new one). */
export function monitorFormValues(m: MonitorRow | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of MONITOR_FIELDS) {
    const v = m?.[f.key];
    out[f.key] = v === null || v === undefined ? "" : Array.isArray(v) ? v.join(",") : String(v);
  }
  if (!m) out.type = "http";
  return out;
}

/**
 * The form's text as an API body: numbers where the schema wants numbers (text that is not a
 * number is passed on, so the schema names the field), lists split on commas, empty text as
 * null on an edit (clears the field) and left out on a create (takes the default).
 */
export function monitorBody(values: Record<string, string>, editing: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const f of MONITOR_FIELDS) {
    const text = (values[f.key] ?? "").trim();
    if (LIST_FIELDS.has(f.key)) {
      body[f.key] = text
        ? text
            .split(",")
            .map((s) => s.trim())
            .filter(Boolean)
        : [];
    } else if (text === "") {
      if (editing && !DURATION_FIELDS.has(f.key) && f.key !== "retries") body[f.key] = null;
    } else if (NUMBER_FIELDS.has(f.key) || (DURATION_FIELDS.has(f.key) && /^\d+(\.\d+)?$/.test(text))) {
      body[f.key] = /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
    } else {
      body[f.key] = text;
    }
  }
  return body;
}

/** Writable fields of a listed monitor, for validating an edit the way the API's PATCH will. */
function currentInput(m: MonitorRow): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(monitorInputSchema.shape)) {
    const v = m[k];
    if (v !== null && v !== undefined) out[k] = v;
  }
  return out;
}

/** The same checks the API runs (monitorInputSchema and normalizeMonitor from @uptop/core), as field issues. */
export function validateMonitor(body: Record<string, unknown>, current: MonitorRow | null): FieldIssue[] {
  try {
    normalizeMonitor(current ? { ...currentInput(current), ...body } : body);
    return [];
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    const issues = err.issues.length ? err.issues : [{ field: "", message: err.message }];
    // Fields the form does not show (a masked secret) are the server's to judge: it restores them.
    return current ? issues.filter((i) => MONITOR_FIELDS.some((f) => i.field.split(".")[0] === f.key)) : issues;
  }
}
