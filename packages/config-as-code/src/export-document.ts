import { Document } from "yaml";
import {
  isSecretHeader,
  monitorToInput,
  normalizeMonitor,
  urlHasCredentials,
  urlWithCredentialAs,
  ValidationError,
  type MonitorDraft,
} from "@uptop/core";
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

/** `UPTOP_SECRET_OPS_SLACK_WEBHOOKURL` for channel "ops-slack", field "webhookUrl". */
export function secretVariable(...parts: string[]): string {
  return ["UPTOP_SECRET", ...parts]
    .map((p) =>
      p
        .toUpperCase()
        .replace(/[^A-Z0-9]+/g, "_")
        .replace(/^_+|_+$/g, ""),
    )
    .join("_");
}

/** A `${VAR}` the export writes on purpose; every other `${` in a value is escaped. */
class Placeholder {
  constructor(readonly variable: string) {}
}

/** A value with a placeholder inside it: a URL whose password is one. Its other parts are escaped. */
class Template {
  constructor(readonly parts: ReadonlyArray<string | Placeholder>) {}
}

/** `https://user:${VAR}@host/`: the URL's credential as a placeholder, the rest as it is. */
function urlTemplate(url: string, variable: Placeholder): Template {
  // The marker cannot occur in a URL's own text: a URL percent-encodes spaces.
  const marker = " credential ";
  const [before, after] = urlWithCredentialAs(url, marker).split(marker);
  return new Template([before ?? "", variable, after ?? ""]);
}

/**
 * Hands out one variable per secret. Names are made by folding punctuation to `_`, so two secrets
 * can fold to the same name (`ops-hook` and `ops_hook`, or channel `monitor-x`'s password and
 * monitor `x`'s); the later one gets a `_2` suffix so each secret keeps its own value.
 */
class SecretVariables {
  readonly names: string[] = [];
  private readonly used = new Set<string>();

  placeholder(...parts: string[]): Placeholder {
    const base = secretVariable(...parts);
    let name = base;
    for (let n = 2; this.used.has(name); n++) name = `${base}_${n}`;
    this.used.add(name);
    this.names.push(name);
    return new Placeholder(name);
  }
}

/**
 * The document as written. Apply substitutes `${NAME}` in every value, so a stored value that
 * contains `${` (a template body, a keyword) is written `$${`, which apply reads back as `${`.
 * Keys are never substituted, so they are left as they are.
 */
function escapeValues(v: unknown): unknown {
  if (v instanceof Placeholder) return `\${${v.variable}}`;
  if (v instanceof Template) return v.parts.map(escapeValues).join("");
  // A function, not a replacement string: in one, `$$` would mean a single `$`.
  if (typeof v === "string") return v.replaceAll("${", () => "$${");
  if (Array.isArray(v)) return v.map(escapeValues);
  if (v !== null && typeof v === "object")
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, escapeValues(x)]));
  return v;
}

/** Drops each field whose value equals what the normalizer would fill in without it. */
function withoutDefaults<T extends Record<string, unknown>>(
  full: T,
  keep: readonly string[],
  normalize: (v: Record<string, unknown>) => Record<string, unknown>,
): Record<string, unknown> {
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

function monitorEntry(m: MonitorDraft, o: ExportOptions, vars: SecretVariables): Record<string, unknown> {
  const input = monitorToInput(m);
  const entry = withoutDefaults(
    input,
    ["name", "type"],
    (v) => normalizeMonitor(v) as unknown as Record<string, unknown>,
  );
  delete entry.parent;
  if (!o.includeSecrets) {
    if (m.auth?.type === "basic") entry.auth = { ...m.auth, password: vars.placeholder("MONITOR", m.name, "PASSWORD") };
    else if (m.auth?.type === "bearer") entry.auth = { ...m.auth, token: vars.placeholder("MONITOR", m.name, "TOKEN") };
    if (entry.headers) {
      entry.headers = Object.fromEntries(
        Object.entries(m.headers).map(([k, value]) => {
          return [k, isSecretHeader(k) ? vars.placeholder("MONITOR", m.name, "HEADER", k) : value];
        }),
      );
    }
    if (typeof entry.url === "string" && urlHasCredentials(entry.url)) {
      const which = new URL(entry.url).password ? "URL_PASSWORD" : "URL_USERNAME";
      entry.url = urlTemplate(entry.url, vars.placeholder("MONITOR", m.name, which));
    }
    if (typeof entry.body === "string" && entry.body !== "") entry.body = vars.placeholder("MONITOR", m.name, "BODY");
  }
  return entry;
}

function channelEntry(c: ChannelSpec, o: ExportOptions, vars: SecretVariables): Record<string, unknown> {
  let settings = withoutDefaults(c.settings, [], (v) => validateChannelSettings(c.type, v));
  if (!o.includeSecrets && isChannelType(c.type)) {
    settings = { ...settings };
    for (const field of secretFieldsOf(c.type)) {
      const value = settings[field];
      if (value === undefined || value === null || value === "") continue;
      if (typeof value === "object") {
        settings[field] = Object.fromEntries(
          Object.keys(value as Record<string, unknown>).map((k) => [k, vars.placeholder(c.name, field, k)]),
        );
      } else settings[field] = vars.placeholder(c.name, field);
    }
  }
  return {
    name: c.name,
    type: c.type,
    ...(Object.keys(settings).length ? { settings } : {}),
    ...(c.isDefault ? { default: true } : {}),
    ...(c.enabled ? {} : { enabled: false }),
    ...(c.reminderIntervalS !== null ? { reminderInterval: c.reminderIntervalS } : {}),
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
  const vars = new SecretVariables();
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
  if (current.channels.length)
    document.channels = current.channels.map((c) => escapeValues(channelEntry(c, options, vars)));
  if (top.length) document.monitors = top.map((m) => escapeValues(nest(m)));
  if (current.maintenance.length)
    document.maintenance = current.maintenance.map((w) => escapeValues(maintenanceEntry(w)));
  return { document, secretVariables: vars.names };
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
