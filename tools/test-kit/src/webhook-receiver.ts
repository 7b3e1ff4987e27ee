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
}

/** The fields of uptop's webhook body that tests look at. */
export interface WebhookBody {
  event: string;
  status: string | null;
  monitor: { id: number; name: string } | null;
  reason: string;
  epoch: number;
  at: string;
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
      this.received.push({ method, path, headers, body, json: parse(body) });
      res.writeHead(this.status, { "content-type": "application/json" }).end(JSON.stringify({ ok: this.status < 300 }));
    });
  }
}
