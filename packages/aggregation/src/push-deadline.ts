import { formatDuration } from "@uptop/core";
import type { MachineInput, MachineState } from "./state-machine.js";

export interface PushClock {
  intervalS: number;
  /** Extra seconds after the interval before a late job is DOWN; null for half the interval, at least 60 s. */
  graceS: number | null;
  createdAtMs: number;
  lastPushAtMs: number | null;
  /** When this node began listening for pushes. */
  servingSinceMs: number;
}

/**
 * What a push monitor's silence means now: LATE after one interval, DOWN after the grace too.
 * A job's pushes go nowhere while no node serves (a restart, a take-over), so the clock counts
 * from when this node began listening if that is later than the last push.
 */
export function pushDeadlineInput(state: MachineState, c: PushClock, nowMs: number): MachineInput | null {
  const age = nowMs - Math.max(c.lastPushAtMs ?? c.createdAtMs, c.servingSinceMs);
  const intervalMs = c.intervalS * 1000;
  const graceMs = (c.graceS ?? Math.max(c.intervalS / 2, 60)) * 1000;
  if (state.health === "DOWN") return null;
  if (age > intervalMs + graceMs) {
    const reason =
      c.lastPushAtMs === null
        ? `no push received since the monitor was created ${formatDuration(nowMs - c.createdAtMs)} ago`
        : `no push for ${formatDuration(nowMs - c.lastPushAtMs)}`;
    return { kind: "round", outcome: "down", reason };
  }
  if (age > intervalMs && state.status !== "LATE") {
    return { kind: "late", reason: `no push for ${formatDuration(nowMs - (c.lastPushAtMs ?? c.createdAtMs))}` };
  }
  return null;
}
