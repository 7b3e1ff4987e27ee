import { Router } from "express";
import type { Db } from "@uptop/store";
import { buildStatusPage, type StatusPageData } from "../status-page-data.js";
import { renderStatusPage } from "../status-page-html.js";

export interface StatusPageRoutesDeps {
  db: Db;
  config: { title: string; corsOrigin: string | null };
  now?: () => Date;
  /** How long one build of the page is served again; the page is public and polled. Default 10 s. */
  cacheMs?: number;
}

/**
 * The public status page: `GET /status` (HTML, no JavaScript needed) and `GET /status/json`.
 * Mount it as an open router only when `UPTOP_STATUS_ENABLED` is set.
 */
export function statusPageRouter(deps: StatusPageRoutesDeps): Router {
  const now = deps.now ?? (() => new Date());
  const cacheMs = deps.cacheMs ?? 10_000;
  let cached: { at: number; data: Promise<StatusPageData> } | null = null;

  // Concurrent visitors share one build instead of each running the queries.
  const data = (): Promise<StatusPageData> => {
    const at = now();
    if (cached && at.getTime() - cached.at < cacheMs) return cached.data;
    const build = buildStatusPage(deps.db, deps.config.title, at);
    cached = { at: at.getTime(), data: build };
    build.catch(() => {
      if (cached?.data === build) cached = null;
    });
    return build;
  };

  const r = Router();
  r.get("/status", async (_req, res) => {
    const html = renderStatusPage(await data());
    res.type("html").setHeader("Cache-Control", "public, max-age=30");
    res.send(html);
  });
  r.get("/status/json", async (_req, res) => {
    if (deps.config.corsOrigin) res.setHeader("Access-Control-Allow-Origin", deps.config.corsOrigin);
    // The page is meant to be embedded elsewhere; helmet's same-origin default would block that.
    res.setHeader("Cross-Origin-Resource-Policy", "cross-origin");
    res.setHeader("Cache-Control", "public, max-age=30");
    res.json(await data());
  });
  return r;
}
