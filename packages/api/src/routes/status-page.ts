import { Router, type Request, type Response } from "express";
import type { Logger } from "@uptop/core";
import type { Db } from "@uptop/store";
import { buildStatusPage } from "../status-page-data.js";
import { StatusPageSnapshot, type EncodedBody } from "../status-page-snapshot.js";

export interface StatusPageRoutesDeps {
  db: Db;
  config: { title: string; corsOrigin: string | null };
  now?: () => Date;
  /** How old the snapshot may grow before a visitor triggers a rebuild. Default 5 s. */
  refreshMs?: number;
  /** Older than this, a visitor waits for the rebuild rather than being served the old page. Default 60 s. */
  maxStaleMs?: number;
  logger?: Logger;
}

/**
 * The public status page: `GET /status` (HTML, no JavaScript needed) and `GET /status/json`.
 * Mount it as an open router only when `UPTOP_STATUS_ENABLED` is set. It is public and polled,
 * so it is served from a snapshot: a flood of visitors costs one build per interval, never a
 * queue of queries in front of the engine's writes.
 */
export function statusPageRouter(deps: StatusPageRoutesDeps): Router {
  const snapshot = new StatusPageSnapshot({
    build: (now) => buildStatusPage(deps.db, deps.config.title, now),
    now: deps.now ?? (() => new Date()),
    refreshMs: deps.refreshMs ?? 5_000,
    maxStaleMs: deps.maxStaleMs ?? 60_000,
    onStaleServed: (err) =>
      deps.logger?.warn("status page rebuild failed; serving the previous snapshot", {
        error: err instanceof Error ? err.message : String(err),
      }),
  });

  // With the ETag set, express answers a matching If-None-Match with a bodiless 304 itself.
  const send = (req: Request, res: Response, type: string, body: EncodedBody) => {
    res.type(type).setHeader("Cache-Control", "public, max-age=30");
    res.vary("Accept-Encoding");
    if (req.acceptsEncodings("gzip", "identity") === "gzip") {
      res.setHeader("Content-Encoding", "gzip").setHeader("ETag", body.gzipEtag).send(body.gzip);
    } else {
      res.setHeader("ETag", body.etag).send(body.identity);
    }
  };

  const r = Router();
  r.get("/status", async (req, res) => {
    const page = await snapshot.get();
    send(req, res, "text/html; charset=utf-8", page.html);
  });
  r.get("/status/json", async (req, res) => {
    const page = await snapshot.get();
    if (deps.config.corsOrigin) res.setHeader("Access-Control-Allow-Origin", deps.config.corsOrigin);
    // The page is meant to be embedded elsewhere; helmet's same-origin default would block that.
    res.setHeader("Cross-Origin-Resource-Policy", "cross-origin");
    send(req, res, "application/json; charset=utf-8", page.json);
  });
  return r;
}
