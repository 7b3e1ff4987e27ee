import { Router } from "express";
import { ValidationError } from "@uptop/core";
import type { Db } from "@uptop/store";
import { monitorsSummary } from "../monitor-summary.js";

export interface MonitorSummaryRoutesDeps {
  db: Db;
  now?: () => Date;
}

const MAX_HOURS = 168;

/**
 * `GET /api/monitors/summary?hours=24`: uptime and an hourly worst-status bar of every monitor
 * in one answer. Mounted before the monitors router, whose `/api/monitors/:id` would refuse "summary".
 */
export function monitorSummaryRouter(deps: MonitorSummaryRoutesDeps): Router {
  const now = deps.now ?? (() => new Date());
  const r = Router();
  r.get("/api/monitors/summary", async (req, res) => {
    const raw = req.query.hours ?? "24";
    if (typeof raw !== "string" || !/^\d{1,3}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_HOURS) {
      const message = `must be a whole number from 1 to ${MAX_HOURS}`;
      throw new ValidationError(`hours: ${message}`, [{ field: "hours", message }]);
    }
    res.json(await monitorsSummary(deps.db, Number(raw), now()));
  });
  return r;
}
