import type { Vote } from "@uptop/core";
import type { Db } from "./database.js";

/** A transition this node decided, as history records it. */
export interface NewStateChange {
  monitorId: number;
  from: string;
  to: string;
  reason: string;
  votes: readonly Vote[];
  at: Date;
  epoch: number;
  nodeId: string;
}

/** The ids that still name a monitor: writes for one deleted since are skipped, not failed. */
export async function existingMonitorIds(db: Db, ids: readonly number[]): Promise<Set<number>> {
  const out = new Set<number>();
  // In slices: one parameter per id, and a statement takes at most 65 535.
  for (let i = 0; i < ids.length; i += 10_000) {
    const rows = await db
      .selectFrom("monitors")
      .select("id")
      .where("id", "in", ids.slice(i, i + 10_000))
      .execute();
    for (const r of rows) out.add(r.id);
  }
  return out;
}

/**
 * Multi-row inserts: 10 000 monitors turning UP at start-up are 20 statements, not 10 000.
 * `origin`: `local` for this node's own, `mirror` for the leader's copied by a follower.
 */
export async function insertStateChanges(
  db: Db,
  changes: readonly NewStateChange[],
  origin: "local" | "mirror" = "local",
): Promise<void> {
  const rows = changes.map((c) => ({
    monitor_id: c.monitorId,
    from_status: c.from,
    to_status: c.to,
    reason: c.reason,
    votes: JSON.stringify(c.votes),
    at: c.at,
    epoch: c.epoch,
    node_id: c.nodeId,
    origin,
  }));
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto("state_changes")
      .values(rows.slice(i, i + 500))
      .onConflict((oc) => oc.columns(["monitor_id", "at", "to_status"]).doNothing())
      .execute();
  }
}
