import { ancestors, brokenChildren, groupStep, type StepResult } from "@uptop/aggregation";
import type { Monitor, Status } from "@uptop/core";
import type { MonitorRuntime } from "./monitor-runtime.js";

/** Parents and children of every monitor, rebuilt when the monitors change. */
export class GroupTree {
  private readonly up: Map<number, number[]>;
  private readonly down = new Map<number, number[]>();

  constructor(monitors: readonly Pick<Monitor, "id" | "parentId">[]) {
    // A chain of ancestors runs through groups only: walking that short list per monitor keeps a
    // reload linear, where the whole tree per monitor was quadratic (seconds at 10 000 monitors).
    const parents = new Set(monitors.map((m) => m.parentId));
    const groups = monitors.filter((m) => parents.has(m.id)).map((m) => ({ id: m.id, parentId: m.parentId }));
    this.up = new Map(
      monitors.map((m) => [
        m.id,
        m.parentId === null ? [] : ancestors(m.id, [{ id: m.id, parentId: m.parentId }, ...groups]),
      ]),
    );
    for (const m of monitors) {
      if (m.parentId === null) continue;
      const list = this.down.get(m.parentId) ?? [];
      list.push(m.id);
      this.down.set(m.parentId, list);
    }
  }

  /** The chain of groups above a monitor, parent first. */
  ancestorsOf(id: number): readonly number[] {
    return this.up.get(id) ?? [];
  }

  childrenOf(id: number): readonly number[] {
    return this.down.get(id) ?? [];
  }
}

type Runtimes = ReadonlyMap<number, MonitorRuntime>;

const childStatuses = (tree: GroupTree, runtimes: Runtimes, groupId: number) =>
  tree
    .childrenOf(groupId)
    .map((id) => runtimes.get(id))
    .filter((c): c is MonitorRuntime => !!c)
    .map((c) => ({ name: c.monitor.name, status: (c.monitor.paused ? "PAUSED" : c.machine.status) as Status }));

/** The children a group's DOWN names. */
export function failingChildren(
  tree: GroupTree,
  runtimes: Runtimes,
  groupId: number,
): Array<{ name: string; status: Status }> {
  return brokenChildren(childStatuses(tree, runtimes, groupId));
}

/** Where a group's status goes now; null while it is paused or in maintenance (it holds still). */
export function groupVerdict(tree: GroupTree, runtimes: Runtimes, group: MonitorRuntime, now: Date): StepResult | null {
  if (group.monitor.paused || group.maintenance) return null;
  return groupStep(group.machine, childStatuses(tree, runtimes, group.monitor.id), now);
}

/**
 * The ancestor groups whose one alert tells a child's DOWN (those neither paused nor in
 * maintenance). Which channels that alert really reaches is decided when the outbox is written.
 */
export function alertingAncestors(tree: GroupTree, runtimes: Runtimes, id: number): number[] {
  return tree.ancestorsOf(id).filter((g) => {
    const rt = runtimes.get(g);
    return !!rt && !rt.monitor.paused && !rt.maintenance;
  });
}
