import { normalizeMonitor, ValidationError } from "@uptop/core";
import { validateChannelSettings } from "@uptop/notify";
import { documentIssues, throwIssues } from "../issues.js";
import { kumaBackupSchema, type KumaMonitor } from "./kuma-backup.js";
import { mapKumaMonitor } from "./kuma-monitors.js";
import { KUMA_CHANNELS, kumaSettings, unreadSettings } from "./kuma-notifications.js";

export interface KumaSkipped {
  kind: "monitor" | "notification";
  name: string;
  type: string;
  reason: string;
}

export interface KumaImport {
  /** A config document: apply it like any other. */
  document: { version: 1; channels: Array<Record<string, unknown>>; monitors: Array<Record<string, unknown>> };
  imported: { monitors: number; channels: number };
  skipped: KumaSkipped[];
  /**
   * Things imported with a change worth knowing: a renamed duplicate, a lost group, a Kuma
   * setting that means something else here or that uptop cannot hold.
   */
  notes: string[];
}

function uniqueName(name: string, taken: Set<string>, id: number): string {
  let n = name.trim() || `kuma-${id}`;
  if (taken.has(n)) n = `${n} (kuma ${id})`;
  taken.add(n);
  return n;
}

function reasonOf(err: unknown): string {
  if (err instanceof ValidationError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}

/**
 * An Uptime Kuma 1.x backup as an uptop config document. Monitors keep their URLs, push tokens,
 * paused state, groups and notification links; each notification becomes a channel with its
 * real settings. What cannot be mapped faithfully is listed in `skipped`, never half-imported.
 */
export function importKumaBackup(backup: unknown): KumaImport {
  const parsed = kumaBackupSchema.safeParse(backup);
  if (!parsed.success) throwIssues(documentIssues(parsed.error), "not an Uptime Kuma backup");
  const b = parsed.data;
  const skipped: KumaSkipped[] = [];
  const notes: string[] = [];

  const channelName = new Map<number, string>();
  /** Kuma notifications not imported, by id: what a monitor linked to them loses. */
  const notImported = new Map<number, string>();
  /** Kuma's "Default enabled" ones: told apart in the report once their links are counted. */
  const preselected: Array<{ id: number; name: string }> = [];
  const channels: Array<Record<string, unknown>> = [];
  const channelNames = new Set<string>();
  for (const n of b.notificationList ?? []) {
    const label = n.name?.trim() || `notification ${n.id}`;
    let kuma: Record<string, unknown>;
    try {
      kuma = kumaSettings(n);
    } catch (err) {
      skipped.push({ kind: "notification", name: label, type: "unknown", reason: reasonOf(err) });
      notImported.set(n.id, `"${label}"`);
      continue;
    }
    const kumaType = typeof kuma.type === "string" ? kuma.type : "unknown";
    // The type is the backup's word: only the table's own keys count, never what objects inherit.
    const key = kumaType.toLowerCase();
    const mapping = Object.hasOwn(KUMA_CHANNELS, key) ? KUMA_CHANNELS[key] : undefined;
    if (!mapping) {
      skipped.push({
        kind: "notification",
        name: label,
        type: kumaType,
        reason: `notification type "${kumaType}" is not supported`,
      });
      notImported.set(n.id, `"${label}" (${kumaType})`);
      continue;
    }
    let settings: Record<string, unknown>;
    const changed: string[] = [];
    try {
      settings = mapping.settings(kuma, (message) => changed.push(message));
      validateChannelSettings(mapping.type, settings);
    } catch (err) {
      skipped.push({ kind: "notification", name: label, type: kumaType, reason: reasonOf(err) });
      notImported.set(n.id, `"${label}" (${kumaType})`);
      continue;
    }
    changed.push(...unreadSettings(mapping, kuma));
    const name = uniqueName(label, channelNames, n.id);
    if (name !== label) notes.push(`notification "${label}" (id ${n.id}) was renamed "${name}": the name was taken`);
    for (const c of changed) notes.push(`notification "${name}": ${c}`);
    channelName.set(n.id, name);
    const disabled = n.active === false || n.active === 0;
    // Kuma's "Default enabled" only pre-selects a notification on the form for new monitors; the
    // monitors it alerts are its links. uptop's `default` would alert every monitor: never set here.
    if (n.isDefault) preselected.push({ id: n.id, name });
    channels.push({ name, type: mapping.type, settings, ...(disabled ? { enabled: false } : {}) });
  }

  const linksOf = new Map<number, number[]>();
  for (const l of b.monitorNotificationList ?? [])
    linksOf.set(l.monitor_id, [...(linksOf.get(l.monitor_id) ?? []), l.notification_id]);
  const linked = (k: KumaMonitor): number[] => {
    const fromList = Object.entries(k.notificationIDList ?? {})
      .filter(([, on]) => on === true || on === 1)
      .map(([id]) => Number(id));
    return [...new Set([...fromList, ...(linksOf.get(k.id) ?? [])])];
  };

  const monitorsIn = b.monitorList ?? [];
  const mapped = new Map<number, Record<string, unknown>>();
  const monitorNames = new Set<string>();
  for (const k of monitorsIn) {
    const m = mapKumaMonitor(k);
    if (!m.ok) {
      skipped.push({ kind: "monitor", name: k.name, type: k.type, reason: m.reason });
      continue;
    }
    const name = uniqueName(String(m.entry.name), monitorNames, k.id);
    if (name !== m.entry.name) notes.push(`monitor "${k.name}" (id ${k.id}) was renamed "${name}": the name was taken`);
    const entry: Record<string, unknown> = { ...m.entry, name };
    const links = linked(k);
    const channelsOf = links.flatMap((id) => channelName.get(id) ?? []);
    if (channelsOf.length) entry.channels = channelsOf;
    const lost = links.flatMap((id) => notImported.get(id) ?? []);
    try {
      normalizeMonitor(entry);
    } catch (err) {
      monitorNames.delete(name);
      skipped.push({ kind: "monitor", name: k.name, type: k.type, reason: reasonOf(err) });
      continue;
    }
    for (const c of m.notes) notes.push(`monitor "${name}": ${c}`);
    if (lost.length && !channelsOf.length)
      notes.push(`monitor "${name}" alerts nobody: its only Kuma notifications, ${lost.join(", ")}, were not imported`);
    else if (lost.length) notes.push(`monitor "${name}" does not alert through ${lost.join(", ")}: not imported`);
    mapped.set(k.id, entry);
  }

  // Parents are linked once every monitor is mapped: a group may come after its children.
  const kumaById = new Map(monitorsIn.map((k) => [k.id, k]));
  for (const [id, entry] of mapped) {
    const parentId = kumaById.get(id)?.parent;
    if (parentId === null || parentId === undefined) continue;
    const parent = mapped.get(parentId);
    if (parent && parent.type === "group") entry.parent = parent.name;
    else
      notes.push(
        `monitor "${String(entry.name)}" is imported at the top level: its group (Kuma id ${parentId}) was not imported`,
      );
  }

  const monitors = [...mapped.values()];
  for (const p of preselected) {
    const count = monitors.filter((m) => (m.channels as string[] | undefined)?.includes(p.name)).length;
    notes.push(
      `notification "${p.name}": Kuma pre-selected it for new monitors ("Default enabled"); it alerts the ` +
        `${count} monitor${count === 1 ? "" : "s"} Kuma linked it to, not every monitor (uptop's default: ` +
        "true would alert them all, so it is not set)",
    );
  }
  return {
    document: { version: 1, channels, monitors },
    imported: { monitors: monitors.length, channels: channels.length },
    skipped,
    notes,
  };
}
