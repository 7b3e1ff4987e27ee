import { Router, type Request, type Response } from "express";
import {
  LIVE_EVENT_TYPES,
  ValidationError,
  type LiveEventHub,
  type LiveEventSubscription,
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
   * Bytes of live events a client may leave waiting (what it missed before it connected is
   * sent at its pace and not counted: the hub holds those anyway). One further behind is
   * disconnected rather than buffered without bound; it resumes with Last-Event-ID.
   */
  maxBacklogBytes?: number;
  /** How long a client may leave its connection congested (nothing drained) before it is disconnected. */
  drainTimeoutMs?: number;
}

const DEFAULTS = { pingMs: 15_000, retryMs: 2000, maxBacklogBytes: 4 * 1024 * 1024, drainTimeoutMs: 30_000 };

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

/**
 * The text of one message, made once per event however many clients send it: frames are
 * referenced, not copied, by every client's queue.
 */
const frames = new WeakMap<StreamedEvent, string>();
function frame(m: StreamedEvent): string {
  let text = frames.get(m);
  if (text === undefined) {
    text = `id: ${m.id}\nevent: ${m.event.type}\ndata: ${JSON.stringify(m.event)}\n\n`;
    frames.set(m, text);
  }
  return text;
}

/**
 * `GET /api/events`: the node's live event stream as server-sent events. Each client has a
 * queue sent at the pace its connection drains: first what it missed (held by the hub anyway),
 * then live events. One whose live events pile up past a bound, or whose connection stays
 * congested too long, is disconnected rather than buffered for; it resumes with Last-Event-ID.
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

    /** What the client missed before it connected: held by the hub anyway, so not counted. */
    let backlog: StreamedEvent[] = [];
    let backlogAt = 0;
    let live: StreamedEvent[] = [];
    let liveAt = 0;
    /** Bytes of live events queued and not yet handed to the socket: what this client costs. */
    let liveBytes = 0;
    let congested: NodeJS.Timeout | null = null;
    let done = false;
    let subscription: LiveEventSubscription | null = null;

    const ping = setInterval(() => {
      // A stream with frames waiting is not quiet: a ping would only queue behind them.
      if (!congested && backlogAt === backlog.length && liveAt === live.length) send(": ping\n\n");
    }, o.pingMs);
    ping.unref();
    const finish = (drop: boolean) => {
      if (done) return;
      done = true;
      clearInterval(ping);
      if (congested) clearTimeout(congested);
      subscription?.close();
      backlog = [];
      live = [];
      if (drop) res.destroy();
      else res.end();
    };
    /** Hands text to the socket; once it is full, waits for `drain`, and not forever. */
    const send = (text: string) => {
      if (done || res.write(text) || congested) return;
      congested = setTimeout(() => finish(true), o.drainTimeoutMs);
      congested.unref();
    };
    const pump = () => {
      while (!done && !congested && backlogAt < backlog.length) send(frame(backlog[backlogAt++]!));
      while (!done && !congested && backlogAt === backlog.length && liveAt < live.length) {
        const text = frame(live[liveAt++]!);
        liveBytes -= text.length;
        send(text);
      }
      if (backlogAt === backlog.length && backlog.length) {
        backlog = [];
        backlogAt = 0;
      }
      if (liveAt === live.length) {
        live = [];
        liveAt = 0;
      } else if (liveAt > 1024 && liveAt * 2 > live.length) {
        live = live.slice(liveAt);
        liveAt = 0;
      }
    };
    res.on("drain", () => {
      if (congested) clearTimeout(congested);
      congested = null;
      pump();
    });
    res.on("close", () => finish(true));

    send(`retry: ${o.retryMs}\n\n`);
    subscription = o.hub.subscribe({
      after,
      types,
      listener: (m) => {
        if (done) return;
        live.push(m);
        liveBytes += frame(m).length;
        if (liveBytes > o.maxBacklogBytes) return finish(true);
        pump();
      },
      onClose: () => finish(false),
    });
    if (done) {
      subscription.close();
      return;
    }
    backlog = subscription.backlog;
    pump();
  });

  return r;
}
