import type { Logger, Monitor, NodeInfo, NodeStatus } from "@uptop/core";
import { incidentKey } from "@uptop/aggregation";
import { inTransaction, NODE_STALE_MS, type Db, type OutboxRow } from "@uptop/store";
import { notificationMonitor, planNodeAlert, type PlannedAlert } from "./alert-messages.js";
import { enqueueAlert } from "./outbox-writer.js";

interface Seen {
  status: NodeStatus;
  lastSeen: string;
}

export interface NodeTransition {
  node: NodeInfo;
  to: "offline" | "online";
  /** When the node crossed into offline: last seen + the offline threshold. Names the episode. */
  offlineAtMs: number;
}

/**
 * Offline and back-online transitions between two sightings of the node list. Stale is a
 * warning state, not a transition worth a message. A node first seen offline counts as going
 * offline: after a restart the dedupe key (same episode, same time) makes it a no-op.
 */
export function nodeTransitions(
  before: ReadonlyMap<string, Seen>,
  nodes: readonly NodeInfo[],
  selfId: string,
): NodeTransition[] {
  const out: NodeTransition[] = [];
  for (const n of nodes) {
    if (n.id === selfId) continue;
    const prev = before.get(n.id);
    if (n.status === "offline" && prev?.status !== "offline") {
      out.push({ node: n, to: "offline", offlineAtMs: Date.parse(n.lastSeen) + NODE_STALE_MS });
    } else if (n.status === "online" && prev?.status === "offline") {
      out.push({ node: n, to: "online", offlineAtMs: Date.parse(prev.lastSeen) + NODE_STALE_MS });
    }
  }
  return out;
}

export interface NodeWatchOptions {
  db: Db;
  logger: Logger;
  /** This node never reports on itself. */
  selfId: string;
  epoch: () => number;
  /** The alerts written, once committed (the follower's change feed). */
  onCommitted?: (rows: OutboxRow[]) => void;
  /** Each offline and back-online transition, as it is seen (the live event stream). */
  onTransition?: (transition: NodeTransition) => void;
}

/**
 * Turns node-status changes and monitors left without data into `node` notifications. Driven by
 * the engine's periodic reload; alerts it could not write (database away) wait for the next one.
 */
export class NodeWatch {
  private seen = new Map<string, Seen>();
  private pending: PlannedAlert[] = [];
  private flushing: Promise<void> | null = null;

  constructor(private readonly o: NodeWatchOptions) {}

  /** Compares the node list with the previous one and plans one alert per transition. */
  observe(nodes: readonly NodeInfo[], now: Date): void {
    for (const t of nodeTransitions(this.seen, nodes, this.o.selfId)) {
      const n = t.node;
      this.o.logger.warn(t.to === "offline" ? "node offline" : "node back online", {
        nodeId: n.id,
        region: n.region,
        lastSeen: n.lastSeen,
      });
      this.o.onTransition?.(t);
      this.pending.push(
        planNodeAlert({
          node: { id: n.id, name: n.name, region: n.region, status: t.to },
          reason:
            t.to === "offline"
              ? `node ${n.name} (${n.region}) is offline: last seen ${n.lastSeen}`
              : `node ${n.name} (${n.region}) is back online`,
          at: now,
          incidentKey: `node-${n.id}-${t.offlineAtMs}`,
          discriminator: t.to,
        }),
      );
    }
    this.seen = new Map(nodes.map((n) => [n.id, { status: n.status, lastSeen: n.lastSeen }]));
  }

  /** A monitor just lost every fresh vote: tell its channels which regions have no live node. */
  noData(monitor: Monitor, uncoveredRegions: readonly string[], at: Date): void {
    const regions = [...uncoveredRegions];
    const where = regions.length ? `no live node in ${regions.join(", ")}` : "no live node checks it";
    this.pending.push({
      monitorId: monitor.id,
      event: "node",
      suppressed: null,
      discriminator: "no-data",
      message: {
        event: "node",
        monitor: notificationMonitor(monitor),
        status: null,
        previousStatus: null,
        reason: `${monitor.name} has no data: ${where}`,
        votes: [],
        at: at.toISOString(),
        downSince: null,
        outageDurationS: null,
        epoch: 0,
        // One key per no-data episode: the engine calls this once when the episode begins.
        incidentKey: incidentKey(monitor.id, at.toISOString()),
        uncoveredRegions: regions,
      },
    });
    void this.flush(at);
  }

  /** Writes the planned alerts; on failure keeps them for the next call (dedupe keys make retries safe). */
  flush(now: Date): Promise<void> {
    if (this.flushing || this.pending.length === 0) return this.flushing ?? Promise.resolve();
    const batch = this.pending.slice();
    const run = inTransaction(this.o.db, async (tx) => {
      const rows: OutboxRow[] = [];
      for (const a of batch) rows.push(...(await enqueueAlert(tx, a, this.o.epoch(), now)));
      return rows;
    })
      .then((rows) => {
        this.pending.splice(0, batch.length);
        if (rows.length) this.o.onCommitted?.(rows);
      })
      .catch((err: unknown) => {
        this.o.logger.warn("node alerts not written, will retry", {
          error: err instanceof Error ? err.message : String(err),
          pending: this.pending.length,
        });
      })
      .finally(() => {
        this.flushing = null;
      });
    this.flushing = run;
    return run;
  }
}
