import { Router, type Request, type Response } from "express";
import { errorMessage, type Logger } from "@uptop/core";
import type { Db } from "@uptop/store";
import { buildStatusPage, type StatusPageData } from "../status-page-data.js";
import type { StatusPageSettingsSource } from "../status-page-settings.js";
import { StatusPageSnapshot, type EncodedBody } from "../status-page-snapshot.js";

export interface StatusPageRoutesDeps {
  db: Db;
  /** Whether the page is on, its title and what it shows: saved, else the environment's. */
  settings: StatusPageSettingsSource;
  config: { corsOrigin: string | null };
  now?: () => Date;
  /** How old the snapshot may grow before a visitor triggers a rebuild. Default 5 s. */
  refreshMs?: number;
  /** Older than this, a visitor waits for the rebuild rather than being served the old page. Default 60 s. */
  maxStaleMs?: number;
  logger?: Logger;
}

/** One build: the settings, then (when the page is on) its data. */
export async function buildPublicStatusPage(
  db: Db,
  settings: StatusPageSettingsSource,
  now: Date,
): Promise<StatusPageData | null> {
  const s = await settings.read();
  if (!s.enabled) return null;
  return buildStatusPage(db, { title: s.title, description: s.description, monitorIds: s.monitorIds }, now);
}

/**
 * The public status page: `GET /status` (HTML, no JavaScript needed; `?refresh=1` for the one that
 * reloads itself every minute) and `GET /status/json`.
 * Mounted on every node; while the settings have it off, both fall through to the 404 as if it
 * were not there. It is public and polled, so it is served from a snapshot: a flood of visitors
 * costs one build per interval (settings included), never a queue of queries in front of the
 * engine's writes. A settings save on this node drops the snapshot, so it shows at once.
 */
export function statusPageRouter(deps: StatusPageRoutesDeps): Router {
  const snapshot = new StatusPageSnapshot({
    build: (now) => buildPublicStatusPage(deps.db, deps.settings, now),
    now: deps.now ?? (() => new Date()),
    refreshMs: deps.refreshMs ?? 5_000,
    maxStaleMs: deps.maxStaleMs ?? 60_000,
    onStaleServed: (err) =>
      deps.logger?.warn("status page rebuild failed; serving the previous snapshot", { error: errorMessage(err) }),
  });
  deps.settings.onSaved(() => snapshot.invalidate());

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
  r.get("/status", async (req, res, next) => {
    const page = await snapshot.get();
    if (page.data === null) return next();
    // `?refresh=1`: the reader asked for the page to reload itself (the link in its footer).
    const body = req.query.refresh === "1" ? await page.autoRefreshHtml() : page.html;
    send(req, res, "text/html; charset=utf-8", body);
  });
  r.get("/status/json", async (req, res, next) => {
    const page = await snapshot.get();
    if (page.data === null) return next();
    if (deps.config.corsOrigin) res.setHeader("Access-Control-Allow-Origin", deps.config.corsOrigin);
    // The page is meant to be embedded elsewhere; helmet's same-origin default would block that.
    res.setHeader("Cross-Origin-Resource-Policy", "cross-origin");
    send(req, res, "application/json; charset=utf-8", page.json);
  });
  return r;
}
