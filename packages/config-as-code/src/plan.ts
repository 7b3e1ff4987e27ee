import { isSecretHeader, MASK, urlHasCredentials, urlWithCredentialAs, type MonitorDraft } from "@uptop/core";
import { isChannelType, secretFieldsOf } from "@uptop/notify";
import type { ChannelSpec, ConfigState, CurrentState, MaintenanceSpec } from "./state.js";

export interface PlanChange {
  field: string;
  from: unknown;
  to: unknown;
  /** The values are credentials: shown as "(secret)" and never sent back to a client. */
  secret: boolean;
}

interface ActionBase {
  op: "create" | "update" | "delete";
  name: string;
  /** The stored id for update and delete; null for create. */
  id: number | null;
  /** Fields that differ (update only). */
  changes: PlanChange[];
}

export type PlanAction =
  | (ActionBase & { kind: "channel"; spec: ChannelSpec | null })
  | (ActionBase & { kind: "monitor"; spec: MonitorDraft | null })
  | (ActionBase & { kind: "maintenance"; spec: MaintenanceSpec | null });

export interface PlanOptions {
  /** Delete what the server has and the document does not name. */
  prune: boolean;
}

/** Order-insensitive, key-order-insensitive equality for plain JSON-like values. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`)
      .join(",")}}`;
  }
  return JSON.stringify(v ?? null);
}

const same = (a: unknown, b: unknown) => canonical(a) === canonical(b);

/** `o[key]`, or null when `o` has no such field of its own: a header may be called `constructor`. */
function ownValue<T>(o: Readonly<Record<string, T>>, key: string): T | null {
  return Object.hasOwn(o, key) ? (o[key] ?? null) : null;
}

const MONITOR_FIELDS: ReadonlyArray<keyof MonitorDraft> = [
  "type",
  "description",
  "url",
  "hostname",
  "port",
  "interval",
  "timeout",
  "retries",
  "retryInterval",
  "recoveryThreshold",
  "method",
  "headers",
  "body",
  "auth",
  "acceptedCodes",
  "keyword",
  "keywordAbsent",
  "jsonAssertion",
  "followRedirects",
  "maxRedirects",
  "ignoreTls",
  "certExpiryDays",
  "recordType",
  "resolver",
  "expected",
  "expectedMode",
  "pingCount",
  "token",
  "grace",
  "parent",
  "regions",
  "aggregation",
  "paused",
  "channels",
];

function monitorChanges(cur: MonitorDraft, want: MonitorDraft): PlanChange[] {
  const changes: PlanChange[] = [];
  for (const field of MONITOR_FIELDS) {
    let from: unknown = cur[field];
    let to: unknown = want[field];
    // A push monitor keeps its server-made token unless the document names one.
    if (field === "token" && to === null) continue;
    if (field === "channels") {
      from = [...cur.channels].sort();
      to = [...want.channels].sort();
    }
    if (field === "headers") {
      const keys = new Set([...Object.keys(cur.headers), ...Object.keys(want.headers)]);
      for (const k of [...keys].sort()) {
        const a = ownValue(cur.headers, k);
        const b = ownValue(want.headers, k);
        if (a !== b) changes.push({ field: `headers.${k}`, from: a, to: b, secret: isSecretHeader(k) });
      }
      continue;
    }
    if (field === "url" && (urlHasCredentials(cur.url) || urlHasCredentials(want.url))) {
      // Shown with the credential masked; when only the credential differs, as a secret change.
      if (cur.url === want.url) continue;
      const [a, b] = [cur.url, want.url].map((u) => (u === null ? null : urlWithCredentialAs(u, MASK)));
      changes.push(a === b ? { field, from, to, secret: true } : { field, from: a, to: b, secret: false });
      continue;
    }
    if (!same(from, to)) changes.push({ field, from, to, secret: field === "auth" || field === "body" });
  }
  return changes;
}

/** Spec fields a plan compares, each with the name a document gives it. */
const CHANNEL_FIELDS = [
  ["isDefault", "default"],
  ["enabled", "enabled"],
  ["reminderIntervalS", "reminderInterval"],
] as const;

function channelChanges(cur: ChannelSpec, want: ChannelSpec): PlanChange[] {
  const changes: PlanChange[] = [];
  if (cur.type !== want.type) changes.push({ field: "type", from: cur.type, to: want.type, secret: false });
  const secrets = new Set(isChannelType(want.type) ? secretFieldsOf(want.type) : []);
  const keys = new Set([...Object.keys(cur.settings), ...Object.keys(want.settings)]);
  for (const k of [...keys].sort()) {
    const a = ownValue(cur.settings, k);
    const b = ownValue(want.settings, k);
    if (!same(a, b)) changes.push({ field: `settings.${k}`, from: a, to: b, secret: secrets.has(k) });
  }
  for (const [field, shown] of CHANNEL_FIELDS) {
    const [from, to] = [cur[field], want[field]];
    if (!same(from, to)) changes.push({ field: shown, from, to, secret: false });
  }
  return changes;
}

/** A window's monitors are a set: the store keeps each once, so order and repeats mean nothing. */
const monitorSet = (names: readonly string[] | null) => (names === null ? null : [...new Set(names)].sort());

function maintenanceChanges(cur: MaintenanceSpec, want: MaintenanceSpec): PlanChange[] {
  const fields = ["description", "type", "monitors", "startAt", "endAt", "recurrence"] as const;
  const comparable = (w: MaintenanceSpec, f: (typeof fields)[number]) =>
    f === "monitors" ? monitorSet(w.monitors) : w[f];
  return fields
    .filter((f) => !same(comparable(cur, f), comparable(want, f)))
    .map((f) => ({ field: f, from: cur[f], to: want[f], secret: false }));
}

/** Depth of each monitor in its group tree (0 = top level), following `parent` by name. */
function depths(monitors: ReadonlyArray<Pick<MonitorDraft, "name" | "parent">>): Map<string, number> {
  const parentOf = new Map(monitors.map((m) => [m.name, m.parent]));
  const out = new Map<string, number>();
  for (const m of monitors) {
    let d = 0;
    let p = m.parent;
    // The bound stops a cycle in bad input from looping; the database refuses cycles anyway.
    while (p && parentOf.has(p) && d < 100) {
      d++;
      p = parentOf.get(p) ?? null;
    }
    out.set(m.name, d);
  }
  return out;
}

function byDepth<T extends { name: string }>(items: T[], depth: Map<string, number>, direction: 1 | -1): T[] {
  return items
    .map((item, i) => ({ item, i }))
    .sort((a, b) => direction * ((depth.get(a.item.name) ?? 0) - (depth.get(b.item.name) ?? 0)) || a.i - b.i)
    .map((x) => x.item);
}

/**
 * Push monitors the document renames: a new name with the token of a stored push monitor whose
 * own name the document no longer uses. The token is the monitor's identity to whatever pushes
 * to it (and unique in the store), so this is an update of that monitor, keeping its id and
 * history, not a create that would collide with it on the token.
 */
function renames<M extends MonitorDraft & { id: number }>(
  current: readonly M[],
  desired: readonly MonitorDraft[],
): Map<string, M> {
  const names = new Set(current.map((m) => m.name));
  const wanted = new Set(desired.map((m) => m.name));
  const byToken = new Map(
    current.filter((m) => m.type === "push" && m.token && !wanted.has(m.name)).map((m) => [m.token!, m]),
  );
  const out = new Map<string, M>();
  for (const want of desired) {
    if (want.type !== "push" || !want.token || names.has(want.name)) continue;
    const from = byToken.get(want.token);
    if (!from) continue;
    byToken.delete(want.token);
    out.set(want.name, from);
  }
  return out;
}

/**
 * What must change for the server to hold `desired`: resources are matched by name (a window by
 * its title), except that a push monitor is matched by its token when the document renames it. The actions come in the order they can be executed: channels before the monitors
 * that name them, groups before their children, windows after the monitors they name, and
 * deletions (with `prune`) last, children before their groups.
 */
export function planConfig(current: CurrentState, desired: ConfigState, options: PlanOptions): PlanAction[] {
  const actions: PlanAction[] = [];

  const channels = new Map(current.channels.map((c) => [c.name, c]));
  for (const want of desired.channels) {
    const cur = channels.get(want.name);
    if (!cur) actions.push({ op: "create", kind: "channel", name: want.name, id: null, changes: [], spec: want });
    else {
      const changes = channelChanges(cur, want);
      if (changes.length)
        actions.push({ op: "update", kind: "channel", name: want.name, id: cur.id, changes, spec: want });
    }
  }

  const monitors = new Map(current.monitors.map((m) => [m.name, m]));
  const renamed = renames(current.monitors, desired.monitors);
  for (const want of byDepth(desired.monitors, depths(desired.monitors), 1)) {
    const cur = monitors.get(want.name);
    const from = renamed.get(want.name);
    if (from) {
      const changes = [{ field: "name", from: from.name, to: want.name, secret: false }, ...monitorChanges(from, want)];
      actions.push({ op: "update", kind: "monitor", name: want.name, id: from.id, changes, spec: want });
    } else if (!cur)
      actions.push({ op: "create", kind: "monitor", name: want.name, id: null, changes: [], spec: want });
    else {
      const changes = monitorChanges(cur, want);
      if (changes.length)
        actions.push({ op: "update", kind: "monitor", name: want.name, id: cur.id, changes, spec: want });
    }
  }

  const windows = new Map(current.maintenance.map((w) => [w.title, w]));
  for (const want of desired.maintenance) {
    const cur = windows.get(want.title);
    if (!cur) actions.push({ op: "create", kind: "maintenance", name: want.title, id: null, changes: [], spec: want });
    else {
      const changes = maintenanceChanges(cur, want);
      if (changes.length)
        actions.push({ op: "update", kind: "maintenance", name: want.title, id: cur.id, changes, spec: want });
    }
  }

  if (options.prune) {
    const keepWindows = new Set(desired.maintenance.map((w) => w.title));
    for (const w of current.maintenance) {
      if (!keepWindows.has(w.title))
        actions.push({ op: "delete", kind: "maintenance", name: w.title, id: w.id, changes: [], spec: null });
    }
    const keepMonitors = new Set(desired.monitors.map((m) => m.name));
    const renamedIds = new Set([...renamed.values()].map((m) => m.id));
    const gone = current.monitors.filter((m) => !keepMonitors.has(m.name) && !renamedIds.has(m.id));
    for (const m of byDepth(gone, depths(current.monitors), -1)) {
      actions.push({ op: "delete", kind: "monitor", name: m.name, id: m.id, changes: [], spec: null });
    }
    const keepChannels = new Set(desired.channels.map((c) => c.name));
    for (const c of current.channels) {
      if (!keepChannels.has(c.name))
        actions.push({ op: "delete", kind: "channel", name: c.name, id: c.id, changes: [], spec: null });
    }
  }
  return actions;
}
