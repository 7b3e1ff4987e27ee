import { randomBytes } from "node:crypto";
import type { LiveEvent, LiveEventType } from "../domain/live-event.js";

/** Every event but `reset`, which only the hub itself sends (to one subscriber). */
export type PublishedEvent = Exclude<LiveEvent, { type: "reset" }>;

/** Where the engine and the API routes put what they committed; the hub, or nothing in tests. */
export interface LiveEventSink {
  publish(event: PublishedEvent): void;
}

/** One message of the stream: `id` is what a client sends back as Last-Event-ID to resume. */
export interface StreamedEvent {
  id: string;
  event: LiveEvent;
}

export interface LiveEventSubscription {
  /** What the client is owed before the live events: the events it missed, or a `reset`. */
  backlog: StreamedEvent[];
  /** Stops delivery; safe to call more than once. */
  close(): void;
}

export interface SubscribeOptions {
  /** The Last-Event-ID the client sent; null for a client starting fresh (live events only). */
  after: string | null;
  /** Types wanted; null for all. A `reset` is always answered. */
  types: ReadonlySet<LiveEventType> | null;
  /** Every live event of the types wanted, synchronously as it is published; it must not block. */
  listener: (message: StreamedEvent) => void;
  /** The hub closed (the node shuts down): the subscriber should end its stream. */
  onClose?: () => void;
}

export interface LiveEventHubOptions {
  /** Events kept for clients that reconnect (default 10 000). */
  capacity?: number;
  /** Names this stream; random per process unless given (tests). */
  stream?: string;
  now?: () => Date;
}

/**
 * Formats and parses event ids: `<stream>-<seq>`, the stream a random hex name per process start
 * and seq counting from 1. A client only ever echoes an id back, so it need not parse it; the
 * stream part lets the hub tell an id of a previous process (whose numbers would otherwise
 * collide with this one's) from its own.
 */
export function liveEventId(stream: string, seq: number): string {
  return `${stream}-${seq}`;
}

function parseId(id: string): { stream: string; seq: number } | null {
  const m = /^([0-9a-f]+)-(\d{1,15})$/.exec(id.trim());
  return m ? { stream: m[1]!, seq: Number(m[2]) } : null;
}

/**
 * The live event stream of one serving node: what was committed, numbered in the order it was
 * published, the last `capacity` events kept so a client that reconnects misses nothing. A client
 * whose id cannot be resumed (older than what is kept, from another process, or malformed) gets
 * a `reset` carrying the current position and should read the state again over REST.
 *
 * Delivery is synchronous and the hub keeps nothing per subscriber: pacing a client, and dropping
 * one that cannot keep up, is the transport's (the route's) to do.
 */
export class LiveEventHub implements LiveEventSink {
  readonly stream: string;
  private readonly capacity: number;
  private readonly now: () => Date;
  /** A ring: `ring[(seq - 1) % capacity]` holds event `seq` while it is among the last `capacity`. */
  private readonly ring: Array<StreamedEvent | undefined>;
  private seq = 0;
  private closed = false;
  private readonly subscribers = new Set<Pick<SubscribeOptions, "types" | "listener" | "onClose">>();

  constructor(o: LiveEventHubOptions = {}) {
    this.capacity = Math.max(1, o.capacity ?? 10_000);
    this.stream = o.stream ?? randomBytes(6).toString("hex");
    this.now = o.now ?? (() => new Date());
    this.ring = new Array<StreamedEvent | undefined>(this.capacity);
  }

  /** The id of the latest event (or of position 0 before any). */
  position(): string {
    return liveEventId(this.stream, this.seq);
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  publish(event: PublishedEvent): void {
    const seq = ++this.seq;
    const message: StreamedEvent = { id: liveEventId(this.stream, seq), event };
    this.ring[(seq - 1) % this.capacity] = message;
    for (const s of [...this.subscribers]) {
      if (!this.subscribers.has(s)) continue;
      if (s.types !== null && !s.types.has(event.type)) continue;
      try {
        s.listener(message);
      } catch {
        // A publisher (the engine, a route that committed) must never fail for a reader.
        this.subscribers.delete(s);
      }
    }
  }

  /**
   * Starts live delivery to `listener` and answers what the client is owed first: the kept
   * events after `after`, or a `reset` when that cannot be done. The backlog is handed over, not
   * pushed, so the caller can send it at the pace its client reads; nothing is published between
   * the backlog's end and the first live event.
   */
  subscribe(o: SubscribeOptions): LiveEventSubscription {
    const backlog: StreamedEvent[] = [];
    if (o.after !== null) {
      const from = this.resumable(o.after);
      if (from === null) {
        backlog.push({
          id: this.position(),
          event: { type: "reset", at: this.now().toISOString(), stream: this.stream },
        });
      } else {
        for (let seq = from + 1; seq <= this.seq; seq++) {
          const message = this.ring[(seq - 1) % this.capacity]!;
          if (o.types === null || o.types.has(message.event.type)) backlog.push(message);
        }
      }
    }
    if (this.closed) {
      o.onClose?.();
      return { backlog, close: () => {} };
    }
    const entry = { types: o.types, listener: o.listener, onClose: o.onClose };
    this.subscribers.add(entry);
    return { backlog, close: () => this.subscribers.delete(entry) };
  }

  /**
   * Ends every subscription (shutdown): open streams would otherwise hold the server's close
   * until it cuts them. Events published afterwards are still numbered and kept.
   */
  close(): void {
    this.closed = true;
    const all = [...this.subscribers];
    this.subscribers.clear();
    for (const s of all) s.onClose?.();
  }

  /** The seq to resume after, or null when `id` cannot be resumed here. */
  private resumable(id: string): number | null {
    const parsed = parseId(id);
    if (!parsed || parsed.stream !== this.stream || parsed.seq > this.seq) return null;
    const oldest = Math.max(1, this.seq - this.capacity + 1);
    return parsed.seq >= oldest - 1 ? parsed.seq : null;
  }
}
