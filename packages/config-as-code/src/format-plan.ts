import type { PlanAction, PlanChange } from "./plan.js";

/** A plan as a client sees it: no specs, secret values replaced. */
export interface PlanLine {
  op: "create" | "update" | "delete";
  kind: "channel" | "monitor" | "maintenance";
  name: string;
  changes: Array<{ field: string; from: unknown; to: unknown }>;
}

export const SECRET_SHOWN = "(secret)";

export function publicPlan(actions: readonly PlanAction[]): PlanLine[] {
  return actions.map((a) => ({
    op: a.op,
    kind: a.kind,
    name: a.name,
    changes: a.changes.map((c: PlanChange) =>
      c.secret ? { field: c.field, from: SECRET_SHOWN, to: SECRET_SHOWN } : { field: c.field, from: c.from, to: c.to },
    ),
  }));
}

function show(v: unknown): string {
  if (v === null || v === undefined) return "(none)";
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (v === SECRET_SHOWN) return v;
  return JSON.stringify(v);
}

const SIGN = { create: "+", update: "~", delete: "-" } as const;

/**
 * The plan as people read it, one line per change:
 * `+ create monitor checkout-api`, `~ update monitor checkout-api interval: 60 -> 30`,
 * `- delete monitor old`. An empty plan reads "nothing to do".
 */
export function formatPlan(lines: readonly PlanLine[]): string[] {
  if (lines.length === 0) return ["nothing to do"];
  const out: string[] = [];
  for (const l of lines) {
    const head = `${SIGN[l.op]} ${l.op} ${l.kind} ${l.name}`;
    if (l.op !== "update" || l.changes.length === 0) out.push(head);
    else {
      for (const c of l.changes) {
        const secret = c.from === SECRET_SHOWN && c.to === SECRET_SHOWN;
        out.push(
          secret ? `${head} ${c.field}: (secret changed)` : `${head} ${c.field}: ${show(c.from)} -> ${show(c.to)}`,
        );
      }
    }
  }
  return out;
}

export interface PlanCounts {
  create: number;
  update: number;
  delete: number;
}

export function countPlan(lines: readonly PlanLine[]): PlanCounts {
  const n: PlanCounts = { create: 0, update: 0, delete: 0 };
  for (const l of lines) n[l.op]++;
  return n;
}
