import type { Status } from "./types.js";

/**
 * What `GET /api/events` streams (server-sent events): one SSE message per event, its `id`
 * `<stream>-<seq>` (seq increasing by one per event on this node, stream naming the process), its
 * `event` the type below and its `data` the JSON of the whole event. A client reconnecting with `Last-Event-ID` gets every event
 * after that id while the node still holds it; otherwise (too old, or a restarted node with a new
 * `stream`) it first gets a `reset`, and should read the state again through the REST API.
 */
export type LiveEvent =
  | {
      type: "status";
      at: string;
      monitorId: number;
      name: string;
      from: Status;
      to: Status;
      reason: string;
    }
  | {
      type: "check";
      at: string;
      monitorId: number;
      nodeId: string;
      region: string;
      ok: boolean;
      latencyMs: number | null;
      error: string | null;
    }
  | {
      type: "node";
      at: string;
      nodeId: string;
      name: string;
      region: string;
      role: string;
      status: string;
    }
  | {
      type: "maintenance";
      at: string;
      windowId: number;
      title: string;
      action: "created" | "updated" | "deleted" | "ended";
    }
  | {
      type: "monitor";
      at: string;
      monitorId: number;
      action: "created" | "updated" | "deleted" | "paused" | "resumed";
    }
  | {
      type: "reset";
      at: string;
      /** Identifies this node's stream: a different value after a restart. */
      stream: string;
    };

export type LiveEventType = LiveEvent["type"];

export const LIVE_EVENT_TYPES: readonly LiveEventType[] = [
  "status",
  "check",
  "node",
  "maintenance",
  "monitor",
  "reset",
];
