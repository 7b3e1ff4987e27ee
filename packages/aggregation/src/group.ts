import type { Status } from "@uptop/core";
import type { Health, MachineState, StepResult } from "./state-machine.js";

const SEVERITY: Partial<Record<Status, number>> = { UP: 0, PENDING: 1, LATE: 2, DOWN: 3 };

/**
 * A group's status: the worst of its children's (DOWN > LATE > PENDING > UP), ignoring paused
 * children and children in maintenance.
 *
 * When no child counts the group says why rather than claim UP over nothing checked:
 * - no children at all → PENDING (like a new monitor: no data yet);
 * - every child paused → PAUSED;
 * - otherwise (all in maintenance, or maintenance and paused) → MAINTENANCE.
 * None of these alert, which is the point: an idle group must not page anyone.
 */
export function groupStatus(children: ReadonlyArray<{ status: Status }>): Status {
  let worst: Status | null = null;
  let allPaused = true;
  for (const { status } of children) {
    const rank = SEVERITY[status];
    if (rank === undefined) {
      if (status !== "PAUSED") allPaused = false;
      continue;
    }
    if (worst === null || rank > (SEVERITY[worst] ?? -1)) worst = status;
  }
  if (worst !== null) return worst;
  if (children.length === 0) return "PENDING";
  return allPaused ? "PAUSED" : "MAINTENANCE";
}

interface Node {
  id: number;
  parentId: number | null;
}

/** Every monitor nested under `groupId`, at any depth, nearest first; never `groupId` itself. */
export function descendants(groupId: number, monitors: ReadonlyArray<Node>): number[] {
  const children = new Map<number, number[]>();
  for (const m of monitors) {
    if (m.parentId === null) continue;
    const list = children.get(m.parentId);
    if (list) list.push(m.id);
    else children.set(m.parentId, [m.id]);
  }
  // `seen` makes a corrupt parent cycle terminate instead of looping forever.
  const seen = new Set<number>([groupId]);
  const out: number[] = [];
  const queue = [groupId];
  for (let i = 0; i < queue.length; i++) {
    for (const child of children.get(queue[i]!) ?? []) {
      if (seen.has(child)) continue;
      seen.add(child);
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

/** The chain of groups above `id`, parent first; stops at a missing parent or a cycle. */
export function ancestors(id: number, monitors: ReadonlyArray<Node>): number[] {
  const parentOf = new Map<number, number | null>();
  for (const m of monitors) parentOf.set(m.id, m.parentId);
  const seen = new Set<number>([id]);
  const out: number[] = [];
  let current = parentOf.get(id) ?? null;
  while (current !== null && !seen.has(current)) {
    seen.add(current);
    out.push(current);
    current = parentOf.get(current) ?? null;
  }
  return out;
}

const healthOf = (status: Status): Health => (status === "DOWN" ? "DOWN" : status === "UP" ? "UP" : "PENDING");

/**
 * A group's machine moves when its children's worst status changes, and only then: it has no
 * rounds of its own. A paused child counts as PAUSED; the reason names the children failing.
 */
export function groupStep(
  before: MachineState,
  children: ReadonlyArray<{ name: string; status: Status }>,
  now: Date,
): StepResult {
  const status = groupStatus(children);
  if (status === before.status) return { state: before, transition: null };
  const at = now.toISOString();
  const health = healthOf(status);
  const state: MachineState = {
    status,
    health,
    since: at,
    failures: health === "DOWN" ? before.failures + 1 : 0,
    successes: health === "UP" ? before.successes + 1 : 0,
    downSince: health === "DOWN" ? (before.downSince ?? at) : null,
  };
  const broken = brokenChildren(children);
  const reason = broken.length
    ? `${broken.length} of ${children.length} children failing: ${broken.map((c) => `${c.name} ${c.status}`).join(", ")}`
    : `children: ${status}`;
  return {
    state,
    transition: { from: before.status, to: status, healthFrom: before.health, healthTo: health, reason },
  };
}

/** The children a group's DOWN lists: those DOWN or LATE. */
export function brokenChildren<C extends { status: Status }>(children: readonly C[]): C[] {
  return children.filter((c) => c.status === "DOWN" || c.status === "LATE");
}
