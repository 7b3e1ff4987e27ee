import type { NodeInfo, NodeRole, NodeStatus } from "@uptop/core";
import type { Db } from "./database.js";

export interface NodeSighting {
  id: string;
  name: string;
  region: string;
  version: string;
  role: NodeRole;
}

/** Records that a node was heard from now (register, result batch, heartbeat). */
export async function touchNode(db: Db, node: NodeSighting, now: Date): Promise<void> {
  await db
    .insertInto("nodes")
    .values({ ...node, first_seen: now, last_seen: now, status: "online" })
    .onConflict((oc) =>
      oc.column("id").doUpdateSet({
        name: node.name,
        region: node.region,
        version: node.version,
        role: node.role,
        last_seen: now,
        status: "online",
      }),
    )
    .execute();
}

/** Cheaper than touchNode for the hot ingest path: only the timestamp moves. */
export async function touchNodeLastSeen(db: Db, id: string, now: Date): Promise<boolean> {
  const r = await db
    .updateTable("nodes")
    .set({ last_seen: now, status: "online" })
    .where("id", "=", id)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/**
 * Marks a node heard from now and returns what the ingest path needs to know about it, in one
 * round trip; null when no such node is registered (the caller answers 404 so it registers).
 */
export async function seeNode(db: Db, id: string, now: Date): Promise<{ region: string; role: NodeRole } | null> {
  const row = await db
    .updateTable("nodes")
    .set({ last_seen: now, status: "online" })
    .where("id", "=", id)
    .returning(["region", "role"])
    .executeTakeFirst();
  return row ? { region: row.region, role: row.role as NodeRole } : null;
}

export async function getNode(db: Db, id: string, now: Date): Promise<NodeInfo | null> {
  const r = await db.selectFrom("nodes").selectAll().where("id", "=", id).executeTakeFirst();
  return r ? toInfo(r, now) : null;
}

export const NODE_ONLINE_MS = 60_000;
export const NODE_STALE_MS = 5 * 60_000;

/** online (< 60 s), stale (< 5 min) or offline, from how long ago a node was last heard. */
export function nodeStatusAt(lastSeen: Date, now: Date): NodeStatus {
  const age = now.getTime() - lastSeen.getTime();
  if (age < NODE_ONLINE_MS) return "online";
  if (age < NODE_STALE_MS) return "stale";
  return "offline";
}

interface NodeRow {
  id: string;
  name: string;
  region: string;
  version: string;
  role: string;
  first_seen: Date;
  last_seen: Date;
}

function toInfo(r: NodeRow, now: Date): NodeInfo {
  return {
    id: r.id,
    name: r.name,
    region: r.region,
    version: r.version,
    role: r.role as NodeRole,
    firstSeen: r.first_seen.toISOString(),
    lastSeen: r.last_seen.toISOString(),
    status: nodeStatusAt(r.last_seen, now),
  };
}

export async function listNodes(db: Db, now: Date): Promise<NodeInfo[]> {
  const rows = await db.selectFrom("nodes").selectAll().orderBy("id").execute();
  return rows.map((r) => toInfo(r, now));
}

export async function setNodeStatus(db: Db, id: string, status: NodeStatus): Promise<void> {
  await db.updateTable("nodes").set({ status }).where("id", "=", id).execute();
}
