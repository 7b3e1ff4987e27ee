import { Router, type Request } from "express";
import { parseTimeParam, ValidationError } from "@uptop/core";
import { getMonitorOutline, listResults, listStateChanges, type Db } from "@uptop/store";
import { monitorSla } from "../sla-report.js";
import { parseId } from "./monitors.js";

export interface HistoryRoutesDeps {
  db: Db;
  now?: () => Date;
}

// A Map, not an object: `period` comes from the caller, and `__proto__` or `constructor` must
// read as unknown periods, not as what every object inherits.
const PERIODS_MS = new Map<string, number>([
  ["24h", 86_400_000],
  ["7d", 7 * 86_400_000],
  ["30d", 30 * 86_400_000],
  ["90d", 90 * 86_400_000],
]);
const DEFAULT_PERIOD_MS = PERIODS_MS.get("30d")!;
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

function bad(param: string, message: string): never {
  throw new ValidationError(`${param}: ${message}`, [{ field: param, message }]);
}

/** A query parameter given once, as a string; absent → undefined. */
function param(req: Request, name: string): string | undefined {
  const v = req.query[name];
  if (v === undefined) return undefined;
  if (typeof v !== "string") bad(name, "must be given once, as a plain value");
  return v;
}

function timeParam(req: Request, name: string): Date | undefined {
  const v = param(req, name);
  if (v === undefined) return undefined;
  const parsed = parseTimeParam(v);
  if (!parsed.ok) bad(name, parsed.message);
  return parsed.date;
}

function limitParam(req: Request): number {
  const v = param(req, "limit");
  if (v === undefined) return DEFAULT_LIMIT;
  if (!/^\d{1,7}$/.test(v) || Number(v) < 1) bad("limit", `must be a whole number from 1 to ${MAX_LIMIT}`);
  return Math.min(Number(v), MAX_LIMIT);
}

function range(req: Request): { from?: Date; to?: Date } {
  const from = timeParam(req, "from");
  const to = timeParam(req, "to");
  if (from && to && to < from) bad("to", "must not be before from");
  return { from, to };
}

export function historyRouter(deps: HistoryRoutesDeps): Router {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());
  const r = Router();

  r.get("/api/monitors/:id/results", async (req, res) => {
    const id = parseId(req);
    const { from, to } = range(req);
    const node = param(req, "node");
    if (node !== undefined && (node.length === 0 || node.length > 200))
      bad("node", "must be a node id of 1 to 200 characters");
    const limit = limitParam(req);
    await getMonitorOutline(db, id);
    res.json(await listResults(db, { monitorId: id, from, to, node, limit }));
  });

  r.get("/api/monitors/:id/state-changes", async (req, res) => {
    const id = parseId(req);
    const { from, to } = range(req);
    const limit = limitParam(req);
    await getMonitorOutline(db, id);
    res.json(await listStateChanges(db, { monitorId: id, from, to, limit }));
  });

  r.get("/api/monitors/:id/sla", async (req, res) => {
    const id = parseId(req);
    const period = param(req, "period");
    let { from, to } = range(req);
    const at = now();
    if (period !== undefined) {
      const ms = PERIODS_MS.get(period);
      if (ms === undefined) bad("period", `must be one of ${[...PERIODS_MS.keys()].join(", ")}`);
      if (from || to) bad("period", "give either period or from/to, not both");
      to = at;
      from = new Date(at.getTime() - ms);
    } else if (from === undefined) {
      if (to) bad("from", "is required with to");
      to = at;
      from = new Date(at.getTime() - DEFAULT_PERIOD_MS);
    } else {
      to ??= at;
      if (to < from) bad("from", "must not be in the future");
    }
    res.json({ period: period ?? null, ...(await monitorSla(db, id, from, to)) });
  });

  return r;
}
