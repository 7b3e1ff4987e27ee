import { Router } from "express";
import { z } from "zod";
import { isWindowActive, type WindowSpec } from "@uptop/aggregation";
import {
  ConflictError,
  isoTimeSchema,
  recurrenceInputSchema,
  ValidationError,
  WINDOW_TYPES,
  zodIssues,
  type FieldIssue,
  type LiveEventSink,
  type WindowType,
} from "@uptop/core";
import {
  createMaintenanceWindow,
  deleteMaintenanceWindow,
  getMaintenanceWindow,
  listMaintenanceWindows,
  setMaintenanceWindowEnd,
  updateMaintenanceWindow,
  type Db,
  type MaintenanceWindow,
  type MaintenanceWindowInput,
} from "@uptop/store";
import { callerOf } from "../auth/caller.js";
import { parseId } from "./monitors.js";

export interface MaintenanceRoutesDeps {
  db: Db;
  /** Called after every change so the engine reloads its windows. */
  onChange?: () => void;
  /** The live event stream: a `maintenance` event after each committed change. */
  events?: LiveEventSink;
  now?: () => Date;
}

export const maintenanceInputSchema = z.strictObject({
  title: z.string().trim().min(1).max(200),
  description: z.string().max(5000).nullish(),
  type: z.enum(WINDOW_TYPES).default("maintenance"),
  monitors: z.array(z.string().min(1)).nullish(),
  start: isoTimeSchema,
  end: isoTimeSchema.nullish(),
  recurrence: recurrenceInputSchema.nullish(),
});

export type MaintenanceInput = z.input<typeof maintenanceInputSchema>;

export interface MaintenanceView {
  id: number;
  title: string;
  description: string | null;
  type: WindowType;
  monitors: string[] | null;
  start: string;
  end: string | null;
  recurrence: MaintenanceWindow["recurrence"];
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

function fail(issues: FieldIssue[]): never {
  throw ValidationError.fromIssues(issues, "invalid maintenance window");
}

/** Validates a complete window body; every bad field is named. */
export function parseMaintenanceInput(body: unknown): MaintenanceWindowInput {
  if (body === undefined || body === null || typeof body !== "object" || Array.isArray(body)) {
    fail([{ field: "body", message: "must be a JSON object" }]);
  }
  const parsed = maintenanceInputSchema.safeParse(body);
  if (!parsed.success) fail(zodIssues(parsed.error));
  const v = parsed.data;
  const issues: FieldIssue[] = [];
  if (v.end && Date.parse(v.end) <= Date.parse(v.start)) issues.push({ field: "end", message: "must be after start" });
  if (v.recurrence?.frequency === "daily" && v.recurrence.daysOfWeek?.length) {
    issues.push({ field: "recurrence.daysOfWeek", message: "only applies to weekly recurrence" });
  }
  if (issues.length) fail(issues);
  return {
    title: v.title,
    description: v.description ?? null,
    type: v.type,
    monitors: v.monitors ?? null,
    startAt: new Date(v.start).toISOString(),
    endAt: v.end ? new Date(v.end).toISOString() : null,
    recurrence: v.recurrence ?? null,
  };
}

/** The body that would recreate `w` (PATCH merges onto it). */
function toInput(w: MaintenanceWindow): Record<string, unknown> {
  return {
    title: w.title,
    description: w.description,
    type: w.type,
    monitors: w.monitors,
    start: w.startAt,
    end: w.endAt,
    recurrence: w.recurrence,
  };
}

export function maintenanceView(w: MaintenanceWindow, now: Date): MaintenanceView {
  return {
    id: w.id,
    title: w.title,
    description: w.description,
    type: w.type,
    monitors: w.monitors,
    start: w.startAt,
    end: w.endAt,
    recurrence: w.recurrence,
    active: isWindowActive(w as WindowSpec, now),
    createdAt: w.createdAt,
    updatedAt: w.updatedAt,
  };
}

export function maintenanceRouter(deps: MaintenanceRoutesDeps): Router {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());
  const r = Router();
  const changed = (w: { id: number; title: string }, action: "created" | "updated" | "deleted" | "ended") => {
    deps.onChange?.();
    deps.events?.publish({ type: "maintenance", at: now().toISOString(), windowId: w.id, title: w.title, action });
  };

  r.get("/api/maintenance", async (_req, res) => {
    const at = now();
    res.json((await listMaintenanceWindows(db)).map((w) => maintenanceView(w, at)));
  });

  r.get("/api/maintenance/:id", async (req, res) => {
    res.json(maintenanceView(await getMaintenanceWindow(db, parseId(req)), now()));
  });

  r.post("/api/maintenance", async (req, res) => {
    // Who opened the window: the user, or "api-token" for the admin API token.
    const createdBy = callerOf(res)?.name ?? "api";
    const w = await createMaintenanceWindow(db, { ...parseMaintenanceInput(req.body), createdBy });
    changed(w, "created");
    res.status(201).location(`/api/maintenance/${w.id}`).json(maintenanceView(w, now()));
  });

  r.put("/api/maintenance/:id", async (req, res) => {
    const id = parseId(req);
    await getMaintenanceWindow(db, id);
    const w = await updateMaintenanceWindow(db, id, parseMaintenanceInput(req.body));
    changed(w, "updated");
    res.json(maintenanceView(w, now()));
  });

  r.patch("/api/maintenance/:id", async (req, res) => {
    const id = parseId(req);
    const current = await getMaintenanceWindow(db, id);
    const body: unknown = req.body;
    if (body === undefined || body === null || typeof body !== "object" || Array.isArray(body)) {
      fail([{ field: "body", message: "must be a JSON object" }]);
    }
    const w = await updateMaintenanceWindow(
      db,
      id,
      parseMaintenanceInput({ ...toInput(current), ...(body as object) }),
    );
    changed(w, "updated");
    res.json(maintenanceView(w, now()));
  });

  r.delete("/api/maintenance/:id", async (req, res) => {
    const id = parseId(req);
    const current = await getMaintenanceWindow(db, id);
    await deleteMaintenanceWindow(db, id);
    changed(current, "deleted");
    res.status(204).end();
  });

  // Ends the window now: an open-ended one stops, a recurring one has no further occurrences.
  r.post("/api/maintenance/:id/end", async (req, res) => {
    const id = parseId(req);
    const at = now();
    const current = await getMaintenanceWindow(db, id);
    if (current.endAt !== null && Date.parse(current.endAt) <= at.getTime()) {
      throw new ConflictError(`maintenance window ${id} already ended at ${current.endAt}`);
    }
    // A window that has not started yet is cancelled: its end cannot precede its start.
    const end = Date.parse(current.startAt) > at.getTime() ? new Date(current.startAt) : at;
    const w = await setMaintenanceWindowEnd(db, id, end);
    changed(w, "ended");
    res.json(maintenanceView(w, at));
  });

  return r;
}
