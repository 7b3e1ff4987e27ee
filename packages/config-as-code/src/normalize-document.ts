import { normalizeMonitor, unstorableIssues, ValidationError, type FieldIssue, type MonitorDraft } from "@uptop/core";
import { validateChannelSettings } from "@uptop/notify";
import { configDocumentSchema, type MaintenanceEntry, type MonitorEntry } from "./document-schema.js";
import { documentIssues, prefixIssues, throwIssues } from "./issues.js";
import type { ChannelSpec, ConfigState, MaintenanceSpec, ResourceKind } from "./state.js";

export interface NormalizedDocument {
  state: ConfigState;
  /** Where each resource was written: `monitor:checkout-api` → `monitors.0.monitors.2`. */
  origins: Map<string, string>;
}

export function originKey(kind: ResourceKind, name: string): string {
  return `${kind}:${name}`;
}

function collect(issues: FieldIssue[], prefix: string, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    issues.push(...prefixIssues(err.issues.length ? err.issues : [{ field: "", message: err.message }], prefix));
  }
}

function flattenMonitors(
  entries: readonly MonitorEntry[],
  prefix: string,
  parent: string | null,
  issues: FieldIssue[],
  out: Array<{ draft: MonitorDraft; path: string }>,
): void {
  entries.forEach((entry, i) => {
    const path = `${prefix}.${i}`;
    const { monitors: children, ...fields } = entry;
    if (parent !== null) {
      if (fields.parent != null && fields.parent !== parent) {
        issues.push({
          field: `${path}.parent`,
          message: `is "${fields.parent}" but the monitor is nested under group "${parent}"`,
        });
      }
      fields.parent = parent;
    }
    if (children?.length && fields.type !== "group") {
      issues.push({
        field: `${path}.monitors`,
        message: `only groups have nested monitors; "${fields.name}" is a ${fields.type} monitor`,
      });
    }
    collect(issues, path, () => out.push({ draft: normalizeMonitor(fields), path }));
    if (children?.length) flattenMonitors(children, `${path}.monitors`, fields.name.trim(), issues, out);
  });
}

function maintenanceSpec(m: MaintenanceEntry, path: string, issues: FieldIssue[]): MaintenanceSpec {
  if (m.end && Date.parse(m.end) <= Date.parse(m.start))
    issues.push({ field: `${path}.end`, message: "must be after start" });
  if (m.recurrence?.frequency === "daily" && m.recurrence.daysOfWeek?.length) {
    issues.push({ field: `${path}.recurrence.daysOfWeek`, message: "only applies to weekly recurrence" });
  }
  return {
    title: m.title.trim(),
    description: m.description ?? null,
    type: m.type ?? "maintenance",
    // Stored once each (a window covers a set of monitors), so compare and send it that way.
    monitors: m.monitors ? [...new Set(m.monitors)] : null,
    startAt: new Date(m.start).toISOString(),
    endAt: m.end ? new Date(m.end).toISOString() : null,
    recurrence: m.recurrence ?? null,
  };
}

function noDuplicates(
  kind: string,
  items: Array<{ name: string; path: string }>,
  field: string,
  issues: FieldIssue[],
): void {
  const seen = new Map<string, string>();
  for (const { name, path } of items) {
    const first = seen.get(name);
    if (first !== undefined)
      issues.push({ field: `${path}.${field}`, message: `another ${kind} is also named "${name}" (at ${first})` });
    else seen.set(name, path);
  }
}

/**
 * Validates a parsed document (YAML or JSON, secrets already substituted) and returns what it
 * asks for. Throws one ValidationError listing every problem, each named by its dotted path in
 * the document (`monitors.0.monitors.1.interval`), so the CLI can point at line and column.
 */
export function normalizeDocument(doc: unknown): NormalizedDocument {
  // YAML's "\0" escape makes a NUL no database column stores: refuse it by field, as the API does.
  const unstorable = unstorableIssues(doc ?? {});
  if (unstorable.length) throwIssues(unstorable);
  const parsed = configDocumentSchema.safeParse(doc ?? {});
  if (!parsed.success) throwIssues(documentIssues(parsed.error));
  const d = parsed.data;
  const issues: FieldIssue[] = [];
  const origins = new Map<string, string>();

  const channels: ChannelSpec[] = [];
  (d.channels ?? []).forEach((c, i) => {
    const path = `channels.${i}`;
    collect(issues, path, () => {
      channels.push({
        name: c.name,
        type: c.type,
        settings: validateChannelSettings(c.type, c.settings ?? {}),
        isDefault: c.default ?? false,
        enabled: c.enabled ?? true,
        reminderIntervalS: c.reminderInterval || null,
      });
      origins.set(originKey("channel", c.name), path);
    });
  });
  noDuplicates(
    "channel",
    (d.channels ?? []).map((c, i) => ({ name: c.name, path: `channels.${i}` })),
    "name",
    issues,
  );

  const flat: Array<{ draft: MonitorDraft; path: string }> = [];
  flattenMonitors((d.monitors ?? []) as MonitorEntry[], "monitors", null, issues, flat);
  for (const f of flat) origins.set(originKey("monitor", f.draft.name), f.path);
  noDuplicates(
    "monitor",
    flat.map((f) => ({ name: f.draft.name, path: f.path })),
    "name",
    issues,
  );

  const maintenance = (d.maintenance ?? []).map((m, i) => {
    const spec = maintenanceSpec(m as MaintenanceEntry, `maintenance.${i}`, issues);
    origins.set(originKey("maintenance", spec.title), `maintenance.${i}`);
    return spec;
  });
  noDuplicates(
    "maintenance window",
    maintenance.map((m, i) => ({ name: m.title, path: `maintenance.${i}` })),
    "title",
    issues,
  );

  if (issues.length) throwIssues(issues);
  return { state: { channels, monitors: flat.map((f) => f.draft), maintenance }, origins };
}
