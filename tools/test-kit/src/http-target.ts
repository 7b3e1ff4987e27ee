import type http from "node:http";
import { LoopbackServer } from "./loopback-server.js";

/**
 * `up`: 200; `down`: 500; `slow`: 200 after `slowMs`, longer than a test monitor's timeout;
 * `json`: 200 for a request whose body is JSON sent as `application/json`, else 415 (an API's
 * POST endpoint).
 */
export type TargetMode = "up" | "down" | "slow" | "json";

export interface TargetRequest {
  path: string;
  at: number;
  method: string;
  /** The Content-Type header as received, or null. */
  contentType: string | null;
  body: string;
}

/**
 * The monitored service on loopback, answering as the test switches it: one mode for every
 * path (`mode`), or one per path (`set`). Every answer closes its connection, so a switch
 * shows on the very next check.
 */
export class HttpTarget extends LoopbackServer {
  /** How a path without a mode of its own answers. */
  mode: TargetMode = "up";
  slowMs = 3000;
  readonly modes = new Map<string, TargetMode>();
  /** Requests so far, on any path. */
  hits = 0;
  readonly requests: TargetRequest[] = [];

  /** The root URL, `http://127.0.0.1:<port>/`. */
  get url(): string {
    return this.urlOf("/");
  }

  set(path: string, mode: TargetMode): void {
    this.modes.set(path, mode);
  }

  /** How many requests `path` had after the time `after` (ms since the epoch). */
  hitsOf(path: string, after = 0): number {
    return this.requests.filter((h) => h.path === path && h.at > after).length;
  }

  protected handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const at = Date.now();
    this.hits++;
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const contentType = req.headers["content-type"] ?? null;
      this.requests.push({ path, at, method: req.method ?? "GET", contentType, body });
      this.answer(path, res, contentType, body);
    });
  }

  private answer(path: string, res: http.ServerResponse, contentType: string | null, body: string): void {
    const mode = this.modes.get(path) ?? this.mode;
    const answer = (status: number, text: string) => res.writeHead(status, { connection: "close" }).end(text);
    if (mode === "down") answer(500, "broken");
    else if (mode === "slow") setTimeout(() => answer(200, "late"), this.slowMs).unref();
    else if (mode === "json") answer(isJson(contentType, body) ? 200 : 415, "");
    else answer(200, "ok");
  }
}

function isJson(contentType: string | null, body: string): boolean {
  if (!contentType?.toLowerCase().startsWith("application/json")) return false;
  try {
    JSON.parse(body);
    return true;
  } catch {
    return false;
  }
}
