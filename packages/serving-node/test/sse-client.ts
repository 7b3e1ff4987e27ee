import http from "node:http";
import { until } from "@uptop/test-kit";

export interface SseMessage {
  id: string | null;
  event: string;
  data: unknown;
}

/**
 * A plain HTTP client reading a server-sent event stream as it arrives: every message parsed,
 * comments (pings) and `retry:` lines kept apart. No EventSource: the tests decide when to
 * reconnect and with which Last-Event-ID.
 */
export class SseClient {
  readonly messages: SseMessage[] = [];
  readonly comments: string[] = [];
  retry: number | null = null;
  status = 0;
  headers: http.IncomingHttpHeaders = {};
  ended = false;
  private buffer = "";
  private req: http.ClientRequest | null = null;

  private constructor(private readonly url: string) {}

  /** Connects; resolves once the response headers arrived. */
  static async open(url: string, options: { token?: string | null; lastEventId?: string } = {}): Promise<SseClient> {
    const client = new SseClient(url);
    await client.connect(options);
    return client;
  }

  private connect(options: { token?: string | null; lastEventId?: string }): Promise<void> {
    const headers: Record<string, string> = { accept: "text/event-stream" };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.lastEventId !== undefined) headers["last-event-id"] = options.lastEventId;
    return new Promise((resolve, reject) => {
      const req = http.get(this.url, { headers }, (res) => {
        this.status = res.statusCode ?? 0;
        this.headers = res.headers;
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => this.take(chunk));
        res.on("close", () => {
          this.ended = true;
        });
        resolve();
      });
      req.on("error", (err) => {
        this.ended = true;
        reject(err);
      });
      this.req = req;
    });
  }

  /** Everything read so far, for a body that is not a stream (an error answer). */
  raw = "";

  private take(chunk: string): void {
    this.raw += chunk;
    this.buffer += chunk;
    for (let end = this.buffer.indexOf("\n\n"); end >= 0; end = this.buffer.indexOf("\n\n")) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      let id: string | null = null;
      let event = "message";
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) this.comments.push(line.slice(1).trim());
        else if (line.startsWith("id: ")) id = line.slice(4);
        else if (line.startsWith("event: ")) event = line.slice(7);
        else if (line.startsWith("data: ")) data.push(line.slice(6));
        else if (line.startsWith("retry: ")) this.retry = Number(line.slice(7));
      }
      if (data.length) this.messages.push({ id, event, data: JSON.parse(data.join("\n")) as unknown });
    }
  }

  /** Waits for a message matching `pred` and returns it. */
  waitFor(what: string, pred: (m: SseMessage) => boolean, timeoutMs = 30_000): Promise<SseMessage> {
    return until(what, () => this.messages.find(pred), timeoutMs, 20);
  }

  lastId(): string | null {
    return this.messages.at(-1)?.id ?? null;
  }

  close(): void {
    this.req?.destroy();
  }
}
