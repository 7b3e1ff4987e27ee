import { Router, type Request } from "express";
import {
  monitorToInput,
  normalizeMonitor,
  restoreMaskedSecrets,
  ValidationError,
  type LiveEventSink,
  type SecretBox,
} from "@uptop/core";
import {
  createMonitor,
  deleteMonitor,
  getMonitor,
  getMonitorStates,
  listMonitors,
  setMonitorPaused,
  updateMonitor,
  type Db,
} from "@uptop/store";
import { monitorView } from "../monitor-view.js";

/** Called after any change so the engine re-reads the monitor within a second. */
export type MonitorChangeListener = (change: { id: number; kind: "upsert" | "delete" }) => void;

export interface MonitorRoutesDeps {
  db: Db;
  box: SecretBox;
  onChange?: MonitorChangeListener;
  /** Runs a check now (engine); absent while the engine is not running. */
  checkNow?: (id: number) => Promise<boolean>;
  /** The live event stream: a `monitor` event after each committed change. */
  events?: LiveEventSink;
}

type MonitorAction = "created" | "updated" | "deleted" | "paused" | "resumed";

/** An update that flips `paused` is told as a pause or resume: what a dashboard shows. */
function updateAction(before: { paused: boolean }, after: { paused: boolean }): MonitorAction {
  if (before.paused === after.paused) return "updated";
  return after.paused ? "paused" : "resumed";
}

export function parseId(req: Request): number {
  const raw = req.params.id;
  if (typeof raw !== "string" || !/^\d{1,9}$/.test(raw)) {
    throw new ValidationError("id: must be a positive whole number", [
      { field: "id", message: "must be a positive whole number" },
    ]);
  }
  return Number(raw);
}

function requireObject(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new ValidationError("body: must be a JSON object (Content-Type: application/json)", [
      { field: "body", message: "must be a JSON object" },
    ]);
  }
  return body as Record<string, unknown>;
}

export function monitorsRouter(deps: MonitorRoutesDeps): Router {
  const { db, box } = deps;
  const r = Router();
  const changed = (id: number, action: MonitorAction) => {
    deps.onChange?.({ id, kind: action === "deleted" ? "delete" : "upsert" });
    deps.events?.publish({ type: "monitor", at: new Date().toISOString(), monitorId: id, action });
  };

  r.get("/api/monitors", async (_req, res) => {
    const monitors = await listMonitors(db, box);
    const states = await getMonitorStates(db);
    res.json(monitors.map((m) => monitorView(m, states.get(m.id))));
  });

  r.get("/api/monitors/:id", async (req, res) => {
    const id = parseId(req);
    const m = await getMonitor(db, box, id);
    const states = await getMonitorStates(db, [id]);
    res.json(monitorView(m, states.get(id)));
  });

  r.post("/api/monitors", async (req, res) => {
    const draft = normalizeMonitor(requireObject(req.body));
    const m = await createMonitor(db, box, draft);
    changed(m.id, "created");
    res.status(201).location(`/api/monitors/${m.id}`).json(monitorView(m, undefined));
  });

  // PUT replaces the monitor's settings (omitted fields take their defaults); PATCH changes only
  // the fields given. Both validate the complete result, so a patch cannot leave a broken monitor.
  r.put("/api/monitors/:id", async (req, res) => {
    const id = parseId(req);
    const current = await getMonitor(db, box, id);
    const draft = normalizeMonitor(restoreMaskedSecrets(requireObject(req.body), current));
    const m = await updateMonitor(db, box, id, draft);
    changed(id, updateAction(current, m));
    const states = await getMonitorStates(db, [id]);
    res.json(monitorView(m, states.get(id)));
  });

  r.patch("/api/monitors/:id", async (req, res) => {
    const id = parseId(req);
    const current = await getMonitor(db, box, id);
    const patch = restoreMaskedSecrets(requireObject(req.body), current);
    const draft = normalizeMonitor({ ...monitorToInput(current), ...patch });
    const m = await updateMonitor(db, box, id, draft);
    changed(id, updateAction(current, m));
    const states = await getMonitorStates(db, [id]);
    res.json(monitorView(m, states.get(id)));
  });

  r.delete("/api/monitors/:id", async (req, res) => {
    const id = parseId(req);
    await deleteMonitor(db, id);
    changed(id, "deleted");
    res.status(204).end();
  });

  for (const action of ["pause", "resume"] as const) {
    r.post(`/api/monitors/:id/${action}`, async (req, res) => {
      const id = parseId(req);
      await setMonitorPaused(db, id, action === "pause");
      changed(id, action === "pause" ? "paused" : "resumed");
      const m = await getMonitor(db, box, id);
      const states = await getMonitorStates(db, [id]);
      res.json(monitorView(m, states.get(id)));
    });
  }

  r.post("/api/monitors/:id/check-now", async (req, res) => {
    const id = parseId(req);
    await getMonitor(db, box, id);
    const queued = deps.checkNow ? await deps.checkNow(id) : false;
    res.status(202).json({ queued });
  });

  return r;
}
