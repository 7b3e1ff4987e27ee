import { Router } from "express";
import type { Registry } from "prom-client";

/** Prometheus exposition of a registry; mounted open or behind the admin token by the caller. */
export function metricsRouter(registry: Registry): Router {
  const r = Router();
  r.get("/metrics", async (_req, res) => {
    res.setHeader("Content-Type", registry.contentType);
    res.send(await registry.metrics());
  });
  return r;
}
