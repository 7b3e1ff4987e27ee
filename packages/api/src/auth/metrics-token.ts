import type { Request } from "express";
import { safeEqual } from "@uptop/core";
import type { Caller } from "./caller.js";
import { bearerOf } from "./user-gate.js";

/** Who scrapes with UPTOP_METRICS_TOKEN: known to this one route only, so its role never grants more. */
export const METRICS_TOKEN_CALLER: Caller = Object.freeze({ id: null, name: "metrics-token", role: "viewer" });

/**
 * True when the request is a scrape (GET or HEAD of exactly /metrics) carrying the scrape-only
 * token. Anywhere else that token is unknown, so it is refused like any made-up token.
 */
export function isMetricsScrape(req: Pick<Request, "get" | "method" | "path">, metricsToken: string | null): boolean {
  if (metricsToken === null || req.path !== "/metrics") return false;
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  const token = bearerOf(req);
  return token !== null && safeEqual(token, metricsToken);
}
