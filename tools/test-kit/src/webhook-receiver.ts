import type http from "node:http";
import { LoopbackServer } from "./loopback-server.js";

export interface ReceivedRequest {
  method: string;
  /** Path with query string, as the client sent it. */
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON; undefined when it is not JSON. */
  json: unknown;
  /** The status answered; null while the answer is held (or was never given). */
  answered: number | null;
}

/** The fields of uptop's webhook body that tests look at. */
export interface WebhookBody {
  event: string;
  status: string | null;
  monitor: { id: number; name: string } | null;
  reason: string;
  epoch: number;
  at: string;
  /** When the incident began: with the monitor, it names the incident. */
  downSince: string | null;
}

function parse(text: string): unknown {
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The outside world on loopback: records every request in arrival order and answers `status`
 * with a small JSON body. Point a webhook channel at `url` (`/hook`), or any path at `urlOf`.
 */
export class WebhookReceiver extends LoopbackServer {
  readonly received: ReceivedRequest[] = [];
  status = 200;
  /** The body answered; null: `{"ok":true}` (or false from status 300 on). */
  body: string | null = null;
  /**
   * Called as each request arrives, before it is answered: return "hold" to keep the answer back
   * (a send the sender never sees settled) until `releaseHeld`.
   */
  onRequest: ((r: ReceivedRequest) => "hold" | undefined) | null = null;
  private held: Array<() => void> = [];

  get url(): string {
    return this.urlOf("/hook");
  }

  /** The JSON bodies received, oldest first (what uptop's webhook channel sends). */
  bodies(): WebhookBody[] {
    return this.received.flatMap((r) => (r.json && typeof r.json === "object" ? [r.json as WebhookBody] : []));
  }

  /** The deliveries of one event (`down`, `up`…) for the monitor named `monitor`. */
  events(monitor: string, event: string): WebhookBody[] {
    return this.bodies().filter((b) => b.monitor?.name === monitor && b.event === event);
  }

  protected handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    let body = "";
    req.on("data", (c: Buffer) => (body += c));
    req.on("end", () => {
      const { method = "", url: path = "", headers } = req;
      const r: ReceivedRequest = { method, path, headers, body, json: parse(body), answered: null };
      this.received.push(r);
      const answer = () => {
        r.answered = this.status;
        res
          .writeHead(this.status, { "content-type": "application/json" })
          .end(this.body ?? JSON.stringify({ ok: this.status < 300 }));
      };
      if (this.onRequest?.(r) === "hold") this.held.push(answer);
      else answer();
    });
  }

  /** Answers the held requests (with `status` as it is now). */
  releaseHeld(): void {
    for (const answer of this.held.splice(0)) answer();
  }

  /**
   * What a receiver that honours `X-Uptop-Delivery` keeps: one delivery per key among those it
   * accepted (answered 2xx) or never answered (held: the content arrived), oldest first.
   */
  deliveries(monitor: string, event: string): WebhookBody[] {
    const seen = new Set<string>();
    const out: WebhookBody[] = [];
    for (const r of this.received) {
      const b = r.json as WebhookBody | undefined;
      if (!b || b.monitor?.name !== monitor || b.event !== event) continue;
      if (r.answered !== null && r.answered >= 300) continue;
      const key = String(r.headers["x-uptop-delivery"] ?? "");
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(b);
    }
    return out;
  }
}
