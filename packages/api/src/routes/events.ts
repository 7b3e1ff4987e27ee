import { Router, type Request, type Response } from "express";
import {
  LIVE_EVENT_TYPES,
  ValidationError,
  type LiveEventHub,
  type LiveEventType,
  type StreamedEvent,
} from "@uptop/core";

export interface EventRoutesDeps {
  hub: LiveEventHub;
  /** A comment line this often keeps proxies and clients from taking a quiet stream for a dead one. */
  pingMs?: number;
  /** How long a client waits before reconnecting, told to it in the stream (`retry:`). */
  retryMs?: number;
  /**
   * Bytes a client may leave unread in its connection's buffer: one further behind is
   * disconnected rather than buffered without bound (it resumes with Last-Event-ID).
   */
  maxBacklogBytes?: number;
  /** How long a client may leave its connection congested (nothing drained) before it is disconnected. */
  drainTimeoutMs?: number;
}

const DEFAULTS = { pingMs: 15_000, retryMs: 2000, maxBacklogBytes: 1024 * 1024, drainTimeoutMs: 30_000 };

function invalid(field: string, message: string): ValidationError {
  return new ValidationError(`${field}: ${message}`, [{ field, message }]);
}

/** `?types=status,check`: null (every type) when absent. */
function parseTypes(req: Request): Set<LiveEventType> | null {
  const raw = req.query.types;
  if (raw === undefined) return null;
  if (typeof raw !== "string") throw invalid("types", "must be given once, as a comma-separated list");
  const names = raw
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
  const known = LIVE_EVENT_TYPES as readonly string[];
  const unknown = names.filter((t) => !known.includes(t));
  if (unknown.length || names.length === 0) {
    const what = unknown.length ? `unknown type ${unknown.join(", ")}` : "names no type";
    throw invalid("types", `${what}; known types: ${LIVE_EVENT_TYPES.join(", ")}`);
  }
  return new Set(names as LiveEventType[]);
}

/** The Last-Event-ID header (what a browser's EventSource sends) or `?lastEventId=`; null for none. */
function lastEventId(req: Request): string | null {
  const header = req.get("last-event-id");
  if (header !== undefined && header.trim() !== "") return header.trim();
  const query = req.query.lastEventId;
  if (query === undefined) return null;
  if (typeof query !== "string") throw invalid("lastEventId", "must be given once");
  return query.trim() === "" ? null : query.trim();
}

function frame(m: StreamedEvent): string {
  return `id: ${m.id}\nevent: ${m.event.type}\ndata: ${JSON.stringify(m.event)}\n\n`;
}

/**
 * `GET /api/events`: the node's live event stream as server-sent events. A client that stops
 * reading is disconnected once its backlog passes a bound or stays undrained too long; the
 * events it missed are kept by the hub for its reconnection.
 */
export function eventsRouter(deps: EventRoutesDeps): Router {
  const o = { ...DEFAULTS, ...deps };
  const r = Router();

  r.get("/api/events", (req, res: Response) => {
    const types = parseTypes(req);
    const after = lastEventId(req);
    res.writeHead(200, {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache",
      // A reverse proxy (nginx) would otherwise hold events back to fill its buffer.
      "X-Accel-Buffering": "no",
    });
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    // The stream is idle between events for as long as it likes; pings show it alive.
    req.socket.setTimeout(0);
    req.socket.setNoDelay(true);

    let congestedSince: NodeJS.Timeout | null = null;
    let done = false;
    const finish = (drop: boolean) => {
      if (done) return;
      done = true;
      clearInterval(ping);
      if (congestedSince) clearTimeout(congestedSince);
      subscription?.close();
      if (drop) res.destroy();
      else res.end();
    };
    const write = (chunk: string) => {
      if (done) return;
      const flowing = res.write(chunk);
      if (res.writableLength > o.maxBacklogBytes) return finish(true);
      if (!flowing && !congestedSince) {
        congestedSince = setTimeout(() => finish(true), o.drainTimeoutMs);
        congestedSince.unref();
      }
    };
    res.on("drain", () => {
      if (congestedSince) clearTimeout(congestedSince);
      congestedSince = null;
    });
    res.on("close", () => finish(true));

    write(`retry: ${o.retryMs}\n\n`);
    const ping = setInterval(() => write(": ping\n\n"), o.pingMs);
    ping.unref();
    let subscription: { close(): void } | null = null;
    subscription = o.hub.subscribe({
      after,
      types,
      listener: (m) => write(frame(m)),
      onClose: () => finish(false),
    });
    if (done) subscription.close();
  });

  return r;
}
