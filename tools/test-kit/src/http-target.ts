import type http from "node:http";
import { LoopbackServer } from "./loopback-server.js";

/** `up`: 200; `down`: 500; `slow`: 200 after `slowMs`, longer than a test monitor's timeout. */
export type TargetMode = "up" | "down" | "slow";

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
  readonly requests: Array<{ path: string; at: number }> = [];

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
    this.hits++;
    this.requests.push({ path, at: Date.now() });
    const mode = this.modes.get(path) ?? this.mode;
    const answer = (status: number, body: string) => res.writeHead(status, { connection: "close" }).end(body);
    if (mode === "down") answer(500, "broken");
    else if (mode === "slow") setTimeout(() => answer(200, "late"), this.slowMs).unref();
    else answer(200, "ok");
  }
}
