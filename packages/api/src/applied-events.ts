import type { LiveEventSink, PublishedEvent } from "@uptop/core";
import type { PlanAction } from "@uptop/config-as-code";
import type { Db } from "@uptop/store";

/** Names per lookup: well under every backend's limit of bound parameters. */
const CHUNK = 1000;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

type MonitorAction = Extract<PublishedEvent, { type: "monitor" }>["action"];

function monitorAction(a: PlanAction): MonitorAction {
  if (a.op === "create") return "created";
  if (a.op === "delete") return "deleted";
  const paused = a.changes.find((c) => c.field === "paused");
  if (paused && a.changes.length === 1) return paused.to === true ? "paused" : "resumed";
  return "updated";
}

/**
 * The live events of a committed config apply: one per monitor and maintenance window it
 * touched. A created one's id is read back by its name (unique in a document); one not found
 * (deleted since) is left out rather than told with a wrong id.
 */
export async function publishApplied(db: Db, events: LiveEventSink, actions: readonly PlanAction[]): Promise<void> {
  const at = new Date().toISOString();
  const created = (kind: PlanAction["kind"]) =>
    actions.filter((a) => a.kind === kind && a.op === "create").map((a) => a.name);
  const newMonitors = created("monitor");
  const newWindows = created("maintenance");
  const monitorIds = new Map<string, number>();
  const windowIds = new Map<string, number>();
  for (const names of chunks(newMonitors)) {
    const rows = await db.selectFrom("monitors").select(["id", "name"]).where("name", "in", names).execute();
    for (const r of rows) monitorIds.set(r.name, r.id);
  }
  for (const titles of chunks(newWindows)) {
    const rows = await db
      .selectFrom("maintenance_windows")
      .select(["id", "title"])
      .where("title", "in", titles)
      .orderBy("id", "desc")
      .execute();
    for (const r of rows) if (!windowIds.has(r.title)) windowIds.set(r.title, r.id);
  }
  for (const a of actions) {
    if (a.kind === "monitor") {
      const monitorId = a.id ?? monitorIds.get(a.name);
      if (monitorId !== undefined) events.publish({ type: "monitor", at, monitorId, action: monitorAction(a) });
    } else if (a.kind === "maintenance") {
      const windowId = a.id ?? windowIds.get(a.name);
      const action = a.op === "create" ? "created" : a.op === "delete" ? "deleted" : "updated";
      if (windowId !== undefined) events.publish({ type: "maintenance", at, windowId, title: a.name, action });
    }
  }
}
