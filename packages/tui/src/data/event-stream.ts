import type { LiveEvent } from "@uptop/core";

/** `absent`: the server has no event stream (404), so the dashboard lives on its poll. */
export type StreamState = "connecting" | "live" | "down" | "absent";

export interface EventStreamOptions {
  baseUrl: string;
  token: string;
  onEvent(event: LiveEvent): void;
  onState(state: StreamState): void;
  /** Waits between reconnects, growing to the last value; a test may shorten them. */
  backoffMs?: readonly number[];
}

const BACKOFF_MS = [1_000, 2_000, 5_000, 10_000, 30_000];

/** One parsed server-sent event: the fields this stream uses. */
interface SseMessage {
  id: string | undefined;
  event: string;
  data: string;
}

/**
 * Splits an SSE byte stream into messages (the WHATWG rules this stream needs: `id`, `event`,
 * multi-line `data`, comments ignored, CR/LF/CRLF line ends).
 */
export class SseParser {
  private buffer = "";
  private data: string[] = [];
  private event = "";
  private id: string | undefined;

  push(chunk: string, emit: (m: SseMessage) => void): void {
    this.buffer += chunk;
    for (;;) {
      const m = /\r\n|\r|\n/.exec(this.buffer);
      // A lone CR at the end may be the first half of CRLF: wait for more.
      if (!m || (m[0] === "\r" && m.index === this.buffer.length - 1)) return;
      const line = this.buffer.slice(0, m.index);
      this.buffer = this.buffer.slice(m.index + m[0].length);
      this.line(line, emit);
    }
  }

  private line(line: string, emit: (m: SseMessage) => void): void {
    if (line === "") {
      if (this.data.length) emit({ id: this.id, event: this.event || "message", data: this.data.join("\n") });
      this.data = [];
      this.event = "";
      return;
    }
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") this.data.push(value);
    else if (field === "event") this.event = value;
    else if (field === "id" && !value.includes("\u0000")) this.id = value;
  }
}

/**
 * Follows `GET /api/events` until stopped: reconnects after any failure with the last id seen
 * (Last-Event-ID), so the server replays what was missed or sends `reset`.
 */
export function followEvents(options: EventStreamOptions): { stop(): void } {
  const backoff = options.backoffMs ?? BACKOFF_MS;
  const base = options.baseUrl.replace(/\/+$/, "");
  let stopped = false;
  let lastId: string | undefined;
  let controller: AbortController | undefined;
  let timer: NodeJS.Timeout | undefined;
  let failures = 0;
  let absent = false;

  async function connect(): Promise<void> {
    if (stopped) return;
    controller = new AbortController();
    absent = false;
    options.onState("connecting");
    const headers: Record<string, string> = { accept: "text/event-stream" };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (lastId !== undefined) headers["last-event-id"] = lastId;
    try {
      const res = await fetch(`${base}/api/events`, { headers, signal: controller.signal });
      if (res.status === 404) absent = true;
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      options.onState("live");
      failures = 0;
      const parser = new SseParser();
      const decoder = new TextDecoder();
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        parser.push(decoder.decode(chunk, { stream: true }), (m) => {
          if (m.id !== undefined) lastId = m.id;
          try {
            options.onEvent(JSON.parse(m.data) as LiveEvent);
          } catch {
            // A message that is not JSON is not one of ours: skip it, keep the stream.
          }
        });
      }
    } catch {
      // Aborted, refused or cut: the retry below covers them all.
    }
    if (stopped) return;
    options.onState(absent ? "absent" : "down");
    const wait = backoff[Math.min(failures, backoff.length - 1)] ?? 30_000;
    failures++;
    timer = setTimeout(() => void connect(), wait);
    timer.unref?.();
  }

  void connect();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      controller?.abort();
    },
  };
}
