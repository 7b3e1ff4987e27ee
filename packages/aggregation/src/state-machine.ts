import type { Status } from "@uptop/core";

/**
 * What the monitor really is, kept apart from the displayed `status` so MAINTENANCE, LATE and
 * PAUSED can be shown without forgetting it. PENDING covers both "no verdict yet" and "failing,
 * but still within retries".
 */
export type Health = "PENDING" | "UP" | "DOWN";

export interface MachineState {
  status: Status;
  health: Health;
  /** ISO time the displayed status last changed. */
  since: string;
  /** Consecutive failed rounds (reset by a successful one). */
  failures: number;
  /** Consecutive successful rounds (reset by a failed one). */
  successes: number;
  /** ISO time health became DOWN; null while health is not DOWN. */
  downSince: string | null;
}

export interface MachineConfig {
  /** Failed rounds tolerated before DOWN: DOWN comes on failure number retries + 1. */
  retries: number;
  /** Successful rounds needed to leave DOWN. */
  recoveryThreshold: number;
}

export type MachineInput =
  | { kind: "round"; outcome: "up" | "down" | "unknown"; reason: string }
  | { kind: "late"; reason: string }
  | { kind: "pause" }
  | { kind: "resume" }
  | { kind: "maintenance"; active: boolean };

export interface Transition {
  from: Status;
  to: Status;
  healthFrom: Health;
  healthTo: Health;
  reason: string;
}

export interface StepResult {
  state: MachineState;
  transition: Transition | null;
}

export function initialState(now: Date): MachineState {
  return { status: "PENDING", health: "PENDING", since: now.toISOString(), failures: 0, successes: 0, downSince: null };
}

function rounds(n: number, adjective: "failed" | "successful"): string {
  return `${n} ${adjective} ${n === 1 ? "round" : "rounds"}`;
}

function withReason(text: string, reason: string): string {
  return reason ? `${text}: ${reason}` : text;
}

/** Applies one round's verdict to health and counters; returns the new health and why it changed. */
function applyRound(
  state: MachineState,
  outcome: "up" | "down",
  reason: string,
  cfg: MachineConfig,
): { health: Health; failures: number; successes: number; why: string } {
  if (outcome === "down") {
    const failures = state.failures + 1;
    if (state.health === "DOWN") return { health: "DOWN", failures, successes: 0, why: "" };
    if (failures >= Math.max(0, cfg.retries) + 1) {
      return { health: "DOWN", failures, successes: 0, why: withReason(rounds(failures, "failed"), reason) };
    }
    return {
      health: "PENDING",
      failures,
      successes: 0,
      why: withReason(`${rounds(failures, "failed")}, retry ${failures} of ${cfg.retries}`, reason),
    };
  }
  const successes = state.successes + 1;
  if (state.health === "DOWN") {
    if (successes >= Math.max(1, cfg.recoveryThreshold)) {
      return { health: "UP", failures: 0, successes, why: `recovered after ${rounds(successes, "successful")}` };
    }
    return { health: "DOWN", failures: 0, successes, why: "" };
  }
  // Recovery threshold guards only the way out of DOWN: a new monitor, or one that failed
  // within its retries, is UP on its first success — it never alerted, so there is nothing to flap.
  const why = state.failures > 0 ? "recovered within retries" : "first successful round";
  return { health: "UP", failures: 0, successes, why };
}

function finish(
  before: MachineState,
  after: Omit<MachineState, "since" | "downSince">,
  reason: string,
  now: Date,
): StepResult {
  const statusChanged = after.status !== before.status;
  const healthChanged = after.health !== before.health;
  const downSince = after.health === "DOWN" ? (before.health === "DOWN" ? before.downSince : now.toISOString()) : null;
  const state: MachineState = {
    ...after,
    since: statusChanged ? now.toISOString() : before.since,
    downSince,
  };
  if (!statusChanged && !healthChanged) return { state, transition: null };
  return {
    state,
    transition: { from: before.status, to: state.status, healthFrom: before.health, healthTo: state.health, reason },
  };
}

/**
 * Advances the machine by one input. Inputs are safe to repeat: `maintenance` and `pause` may be
 * sent level-triggered (every round) and change nothing when already in effect.
 */
export function step(state: MachineState, input: MachineInput, cfg: MachineConfig, now: Date): StepResult {
  const same: StepResult = { state, transition: null };
  switch (input.kind) {
    case "round": {
      // A paused monitor's rounds are leftovers from before the pause; `unknown` is no evidence.
      if (state.status === "PAUSED" || input.outcome === "unknown") return same;
      const r = applyRound(state, input.outcome, input.reason, cfg);
      // In maintenance the health keeps moving underneath, but the display holds still.
      const status: Status = state.status === "MAINTENANCE" ? "MAINTENANCE" : r.health;
      return finish(state, { status, health: r.health, failures: r.failures, successes: r.successes }, r.why, now);
    }
    case "late": {
      // DOWN outranks LATE; maintenance and pause hide it.
      if (state.health === "DOWN" || state.status === "PAUSED" || state.status === "MAINTENANCE") return same;
      return finish(state, { ...state, status: "LATE" }, withReason("late", input.reason), now);
    }
    case "pause": {
      if (state.status === "PAUSED") return same;
      return finish(state, { ...state, status: "PAUSED" }, "paused", now);
    }
    case "resume": {
      if (state.status !== "PAUSED") return same;
      // Whatever was true before the pause is old news: start over as a new monitor.
      return finish(state, { status: "PENDING", health: "PENDING", failures: 0, successes: 0 }, "resumed", now);
    }
    case "maintenance": {
      // A pause outranks maintenance; the engine re-sends maintenance after a resume.
      if (state.status === "PAUSED") return same;
      if (input.active) {
        if (state.status === "MAINTENANCE") return same;
        return finish(state, { ...state, status: "MAINTENANCE" }, "maintenance started", now);
      }
      if (state.status !== "MAINTENANCE") return same;
      return finish(state, { ...state, status: state.health }, "maintenance ended", now);
    }
  }
}

/**
 * Seconds until the next round. While failing within retries (health PENDING with failures) the
 * retry interval applies, so an outage is confirmed sooner; once DOWN the normal interval returns
 * — confirming recovery is not urgent, and hammering a broken target helps nobody.
 */
export function nextRoundDelayS(state: MachineState, m: { interval: number; retryInterval: number | null }): number {
  const failingWithinRetries = state.failures > 0 && state.health !== "DOWN";
  if (failingWithinRetries && m.retryInterval !== null && m.retryInterval > 0) return m.retryInterval;
  return m.interval;
}
