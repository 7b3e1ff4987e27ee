import { Document } from "yaml";
import { monitorToInput, normalizeMonitor, ValidationError, type MonitorDraft } from "@uptop/core";
import { isChannelType, secretFieldsOf, validateChannelSettings } from "@uptop/notify";
import type { ChannelSpec, CurrentState, MaintenanceSpec } from "./state.js";

export interface ExportOptions {
  /** Write secrets in clear. Without it each secret becomes a `${UPTOP_SECRET_…}` placeholder. */
  includeSecrets: boolean;
}

export interface ExportedConfig {
  document: { version: 1; channels?: unknown[]; monitors?: unknown[]; maintenance?: unknown[] };
  /** The variables an apply of this export needs (empty with includeSecrets). */
  secretVariables: string[];
}

const SECRET_HEADER = /^(authorization|proxy-authorization|cookie|x-api-key|api-key|x-auth-token)$/i;

/** `UPTOP_SECRET_OPS_SLACK_WEBHOOKURL` for channel "ops-slack", field "webhookUrl". */
export function secretVariable(...parts: string[]): string {
  return ["UPTOP_SECRET", ...parts].map((p) => p.toUpperCase().replace(/[^A-Z0-9]+/g, "_").replace(/^_+|_+$/g, "")).join("_");
}

/** Drops each field whose value equals what the normalizer would fill in without it. */
function withoutDefaults<T extends Record<string, unknown>>(full: T, keep: readonly string[], normalize: (v: Record<string, unknown>) => Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...full };
  for (const key of Object.keys(full)) {
    if (keep.includes(key)) continue;
    const { [key]: value, ...rest } = out;
    try {
      const filled = normalize(rest)[key];
      if (JSON.stringify(filled ?? null) === JSON.stringify(value ?? null)) delete out[key];
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
    }
  }
  return out;
}

function monitorEntry(m: MonitorDraft, o: ExportOptions, vars: string[]): Record<string, unknown> {
  const input = monitorToInput(m);
  const entry = withoutDefaults(input, ["name", "type"], (v) => normalizeMonitor(v) as unknown as Record<string, unknown>);
  delete entry.parent;
  if (!o.includeSecrets) {
    if (m.auth?.type === "basic") {
      const v = secretVariable("MONITOR", m.name, "PASSWORD");
      vars.push(v);
      entry.auth = { ...m.auth, password: `\${${v}}` };
    } else if (m.auth?.type === "bearer") {
      const v = secretVariable("MONITOR", m.name, "TOKEN");
      vars.push(v);
      entry.auth = { ...m.auth, token: `\${${v}}` };
    }
    if (entry.headers) {
      entry.headers = Object.fromEntries(
        Object.entries(m.headers).map(([k, value]) => {
          if (!SECRET_HEADER.test(k)) return [k, value];
          const v = secretVariable("MONITOR", m.name, "HEADER", k);
          vars.push(v);
          return [k, `\${${v}}`];
        }),
      );
    }
  }
  return entry;
}

function channelEntry(c: ChannelSpec, o: ExportOptions, vars: string[]): Record<string, unknown> {
  let settings = withoutDefaults(c.settings, [], (v) => validateChannelSettings(c.type, v));
  if (!o.includeSecrets && isChannelType(c.type)) {
    settings = { ...settings };
    for (const field of secretFieldsOf(c.type)) {
      const value = settings[field];
      if (value === undefined || value === null || value === "") continue;
      if (typeof value === "object") {
        settings[field] = Object.fromEntries(
          Object.keys(value as Record<string, unknown>).map((k) => {
            const v = secretVariable(c.name, field, k);
            vars.push(v);
            return [k, `\${${v}}`];
          }),
        );
      } else {
        const v = secretVariable(c.name, field);
        vars.push(v);
        settings[field] = `\${${v}}`;
      }
    }
  }
  return {
    name: c.name,
    type: c.type,
    ...(Object.keys(settings).length ? { settings } : {}),
    ...(c.isDefault ? { default: true } : {}),
    ...(c.enabled ? {} : { enabled: false }),
    ...(c.reminderInterval !== null ? { reminderInterval: c.reminderInterval } : {}),
  };
}

function maintenanceEntry(w: MaintenanceSpec): Record<string, unknown> {
  return {
    title: w.title,
    ...(w.description !== null ? { description: w.description } : {}),
    ...(w.type !== "maintenance" ? { type: w.type } : {}),
    ...(w.monitors !== null ? { monitors: w.monitors } : {}),
    start: w.startAt,
    ...(w.endAt !== null ? { end: w.endAt } : {}),
    ...(w.recurrence !== null ? { recurrence: w.recurrence } : {}),
  };
}

/**
 * The server's configuration as a document that applies back to an empty server and
 * reproduces it: groups nest their children, push tokens are kept, defaults are left out.
 */
export function exportConfig(current: CurrentState, options: ExportOptions): ExportedConfig {
  const vars: string[] = [];
  const byName = new Map(current.monitors.map((m) => [m.name, m]));
  const childrenOf = new Map<string, MonitorDraft[]>();
  const top: MonitorDraft[] = [];
  for (const m of current.monitors) {
    if (m.parent && byName.has(m.parent)) {
      const list = childrenOf.get(m.parent) ?? [];
      list.push(m);
      childrenOf.set(m.parent, list);
    } else top.push(m);
  }
  const nest = (m: MonitorDraft): Record<string, unknown> => {
    const entry = monitorEntry(m, options, vars);
    const children = childrenOf.get(m.name);
    if (children?.length) entry.monitors = children.map(nest);
    return entry;
  };
  const document: ExportedConfig["document"] = { version: 1 };
  if (current.channels.length) document.channels = current.channels.map((c) => channelEntry(c, options, vars));
  if (top.length) document.monitors = top.map(nest);
  if (current.maintenance.length) document.maintenance = current.maintenance.map(maintenanceEntry);
  return { document, secretVariables: vars };
}

/** The export as YAML, with a header that names the variables its placeholders need. */
export function exportConfigYaml(current: CurrentState, options: ExportOptions): string {
  const { document, secretVariables } = exportConfig(current, options);
  const doc = new Document(document);
  const lines = [" uptop configuration export: apply with `uptop apply -f <this file>`."];
  if (secretVariables.length) {
    lines.push(" Secrets are placeholders; set these variables before applying:");
    for (const v of secretVariables) lines.push(`   ${v}`);
  } else if (options.includeSecrets) {
    lines.push(" This file contains secrets in clear: keep it private.");
  }
  doc.commentBefore = lines.join("\n");
  return doc.toString({ lineWidth: 0 });
}
