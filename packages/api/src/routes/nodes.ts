import { Router } from "express";
import type { NodeInfo } from "@uptop/core";
import { listNodes, type Db } from "@uptop/store";

export interface NodeRoutesDeps {
  db: Db;
  now?: () => Date;
}

/** A node as `GET /api/nodes` shows it. */
export type NodeView = Pick<
  NodeInfo,
  "id" | "name" | "region" | "version" | "role" | "status" | "lastSeen" | "firstSeen"
>;

/**
 * `GET /api/nodes`: every node that ever registered, with its status computed from `lastSeen`
 * at the time of asking (online < 60 s, stale < 5 min, offline), never from a stored flag that
 * could be out of date.
 */
export function nodesRouter(deps: NodeRoutesDeps): Router {
  const now = deps.now ?? (() => new Date());
  const r = Router();
  r.get("/api/nodes", async (_req, res) => {
    const nodes: NodeView[] = (await listNodes(deps.db, now())).map((n) => ({
      id: n.id,
      name: n.name,
      region: n.region,
      version: n.version,
      role: n.role,
      status: n.status,
      lastSeen: n.lastSeen,
      firstSeen: n.firstSeen,
    }));
    res.json({ nodes });
  });
  return r;
}
