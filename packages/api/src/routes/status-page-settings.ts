import { Router } from "express";
import { statusPageSettingsInputSchema, ValidationError, zodIssues, type FieldIssue } from "@uptop/core";
import { listMonitorOutlines, type Db } from "@uptop/store";
import type { StatusPageSettingsSource } from "../status-page-settings.js";

export interface StatusPageSettingsRoutesDeps {
  db: Db;
  settings: StatusPageSettingsSource;
  /** Called after a save (the follower copies the configuration at once). */
  onChange?: () => void;
}

function fail(issues: FieldIssue[]): never {
  throw ValidationError.fromIssues(issues, "invalid status page settings");
}

/**
 * `GET /api/status-page/settings` (any user) and `PUT` (an editor): what the public page shows.
 * A PUT takes every field and replaces them all; once saved they win over the environment's.
 */
export function statusPageSettingsRouter(deps: StatusPageSettingsRoutesDeps): Router {
  const r = Router();

  r.get("/api/status-page/settings", async (_req, res) => {
    res.json(await deps.settings.read());
  });

  r.put("/api/status-page/settings", async (req, res) => {
    const body: unknown = req.body;
    if (body === undefined || body === null || typeof body !== "object" || Array.isArray(body)) {
      fail([{ field: "body", message: "must be a JSON object" }]);
    }
    const parsed = statusPageSettingsInputSchema.safeParse(body);
    if (!parsed.success) fail(zodIssues(parsed.error));
    const input = parsed.data;
    if (input.monitorIds !== null) {
      const known = new Set((await listMonitorOutlines(deps.db)).map((m) => m.id));
      const issues = input.monitorIds.flatMap((id, i) =>
        known.has(id) ? [] : [{ field: `monitorIds.${i}`, message: `no monitor has id ${id}` }],
      );
      if (issues.length) fail(issues);
    }
    const settings = { ...input, monitorIds: input.monitorIds === null ? null : [...new Set(input.monitorIds)] };
    await deps.settings.save(settings);
    deps.onChange?.();
    res.json(settings);
  });
  return r;
}
