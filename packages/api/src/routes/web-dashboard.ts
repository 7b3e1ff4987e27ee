import { join } from "node:path";
import express, { Router, type RequestHandler } from "express";

/**
 * The dashboard's own policy: its scripts and styles come from this origin only, it talks to this
 * origin's API only, and no page may frame it. Stricter than a CDN-served app can be: nothing is
 * loaded from anywhere else at run time.
 */
const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  // uPlot and React set element styles at run time.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join("; ");

/** Paths other routers own: the API, the public status page, metrics. The dashboard never answers them. */
const NOT_OURS = /^\/(?:api|status|metrics)(?:\/|$)/i;

export interface WebDashboardDeps {
  /** The built dashboard: index.html and hashed files under assets/. */
  root: string;
}

/**
 * Serves the web dashboard at `/`: hashed assets cached for a year, and index.html (no-cache, so a
 * new version is picked up at the next load) for every other page path, since the app routes in
 * the browser. A path with a file extension that is not there is a 404, not the app.
 */
export function webDashboardRouter(deps: WebDashboardDeps): Router {
  const r = Router();
  const policy: RequestHandler = (req, res, next) => {
    if ((req.method !== "GET" && req.method !== "HEAD") || NOT_OURS.test(req.path)) return next("router");
    res.setHeader("Content-Security-Policy", DASHBOARD_CSP);
    next();
  };
  r.use(policy);
  r.use("/assets", express.static(join(deps.root, "assets"), { immutable: true, maxAge: "365d", index: false }));
  r.use(express.static(deps.root, { index: false, maxAge: 0 }));
  r.use((req, res, next) => {
    if (/\.[a-z0-9]+$/i.test(req.path)) return next();
    res.setHeader("Cache-Control", "no-cache");
    // Relative to a root: the dot-folder check applies below the root only, and a deployed app lives
    // under node_modules/.pnpm.
    res.sendFile("index.html", { root: deps.root });
  });
  return r;
}
