import { Router, type Request } from "express";
import { ValidationError, type LiveEventSink, type SecretBox } from "@uptop/core";
import {
  countPlan,
  exportConfig,
  exportConfigYaml,
  formatPlan,
  importKumaBackup,
  loadConfigSources,
  normalizeDocument,
  planConfig,
  publicPlan,
  type ConfigState,
  type CurrentState,
  type PlanAction,
} from "@uptop/config-as-code";
import { isChannelType, secretFieldsOf } from "@uptop/notify";
import { applyConfigOpsIn, loadStoredConfig, type ConfigOp, type Db, type StoredConfig } from "@uptop/store";
import { publishApplied } from "../applied-events.js";

export interface ConfigRoutesDeps {
  db: Db;
  box: SecretBox;
  /** Called once after an apply that changed anything, so the engine reloads its configuration. */
  onChange?: () => void;
  /** The live event stream: `monitor` and `maintenance` events for what an apply committed. */
  events?: LiveEventSink;
}

function toCurrent(s: StoredConfig): CurrentState {
  return {
    channels: s.channels.map((c) => ({
      id: c.id,
      name: c.name,
      type: c.type,
      settings: c.settings,
      isDefault: c.isDefault,
      enabled: c.enabled,
      reminderIntervalS: c.reminderIntervalS,
    })),
    monitors: s.monitors,
    maintenance: s.maintenance.map((w) => ({
      id: w.id,
      title: w.title,
      description: w.description,
      type: w.type,
      monitors: w.monitors,
      startAt: w.startAt,
      endAt: w.endAt,
      recurrence: w.recurrence,
    })),
  };
}

function toOp(a: PlanAction): ConfigOp {
  const name = a.name;
  if (a.op === "delete") return { kind: a.kind, op: "delete", name, id: a.id! };
  switch (a.kind) {
    case "channel": {
      const s = a.spec!;
      const draft = {
        name: s.name,
        type: s.type,
        settings: s.settings,
        secretFields: isChannelType(s.type) ? secretFieldsOf(s.type) : [],
        isDefault: s.isDefault,
        enabled: s.enabled,
        reminderIntervalS: s.reminderIntervalS,
      };
      return a.op === "create"
        ? { kind: "channel", op: "create", name, draft }
        : { kind: "channel", op: "update", name, id: a.id!, draft };
    }
    case "monitor":
      return a.op === "create"
        ? { kind: "monitor", op: "create", name, draft: a.spec! }
        : { kind: "monitor", op: "update", name, id: a.id!, draft: a.spec! };
    case "maintenance":
      return a.op === "create"
        ? { kind: "maintenance", op: "create", name, input: { ...a.spec!, createdBy: "config" } }
        : { kind: "maintenance", op: "update", name, id: a.id!, input: a.spec! };
  }
}

const flag = (req: Request, name: string) =>
  req.query[name] === "true" || req.query[name] === "1" || req.query[name] === "";

/** The body as a document: JSON as sent, or YAML text (no `${VAR}` substitution on the server). */
function documentOf(body: unknown): unknown {
  if (typeof body === "string") return loadConfigSources([{ file: "request body", text: body }], {}).document;
  if (body === undefined || body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new ValidationError("body: must be a config document (JSON object or YAML text)", [
      { field: "body", message: "must be a config document" },
    ]);
  }
  return body;
}

export interface ApplyOutcome {
  dryRun: boolean;
  applied: boolean;
  plan: ReturnType<typeof publicPlan>;
  summary: ReturnType<typeof countPlan>;
  /** The plan as people read it (`+ create monitor x`), or ["nothing to do"]. */
  lines: string[];
}

export function configRouter(deps: ConfigRoutesDeps): Router {
  const { db, box } = deps;
  const r = Router();

  /**
   * Reads the current state, plans and (unless a dry run) applies in ONE transaction: the plan
   * is computed from what the transaction sees, and any failing step rolls everything back.
   */
  async function apply(desired: ConfigState, options: { dryRun: boolean; prune: boolean }): Promise<ApplyOutcome> {
    const actions = await db.transaction().execute(async (tx) => {
      const plan = planConfig(toCurrent(await loadStoredConfig(tx, box)), desired, { prune: options.prune });
      if (!options.dryRun && plan.length) await applyConfigOpsIn(tx, box, plan.map(toOp));
      return plan;
    });
    if (!options.dryRun && actions.length) {
      deps.onChange?.();
      if (deps.events) await publishApplied(db, deps.events, actions);
    }
    const plan = publicPlan(actions);
    return {
      dryRun: options.dryRun,
      applied: !options.dryRun && actions.length > 0,
      plan,
      summary: countPlan(plan),
      lines: formatPlan(plan),
    };
  }

  r.get("/api/config", async (req, res) => {
    const format = req.query.format ?? "yaml";
    if (format !== "yaml" && format !== "json") {
      throw new ValidationError("format: must be yaml or json", [{ field: "format", message: "must be yaml or json" }]);
    }
    const options = { includeSecrets: flag(req, "includeSecrets") };
    const current = toCurrent(await loadStoredConfig(db, box));
    res.setHeader("Cache-Control", "no-store");
    if (format === "json") {
      res.json(exportConfig(current, options).document);
      return;
    }
    res.type("application/yaml").send(exportConfigYaml(current, options));
  });

  r.post("/api/config/apply", async (req, res) => {
    const { state } = normalizeDocument(documentOf(req.body));
    res.json(await apply(state, { dryRun: flag(req, "dryRun"), prune: flag(req, "prune") }));
  });

  // A Kuma import is an apply of the mapped document: same plan, same transaction; never prunes.
  r.post("/api/import/kuma", async (req, res) => {
    const mapped = importKumaBackup(req.body);
    const { state } = normalizeDocument(mapped.document);
    const outcome = await apply(state, { dryRun: flag(req, "dryRun"), prune: false });
    res.json({ ...outcome, imported: mapped.imported, skipped: mapped.skipped, notes: mapped.notes });
  });

  return r;
}
