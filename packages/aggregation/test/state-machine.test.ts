import {
  initialState,
  nextRoundDelayS,
  step,
  type MachineConfig,
  type MachineInput,
  type MachineState,
  type Transition,
} from "../src/state-machine.js";

const T0 = Date.parse("2024-05-01T00:00:00.000Z");
const at = (i: number) => new Date(T0 + i * 60_000);

/** Shorthand: U/D/? = a round up/down/unknown, L = late, P/R = pause/resume, M+/M- = maintenance on/off. */
function input(token: string): MachineInput {
  switch (token) {
    case "U":
      return { kind: "round", outcome: "up", reason: "ok" };
    case "D":
      return { kind: "round", outcome: "down", reason: "TIMEOUT" };
    case "?":
      return { kind: "round", outcome: "unknown", reason: "no fresh votes" };
    case "L":
      return { kind: "late", reason: "no push for 60 s" };
    case "P":
      return { kind: "pause" };
    case "R":
      return { kind: "resume" };
    case "M+":
      return { kind: "maintenance", active: true };
    case "M-":
      return { kind: "maintenance", active: false };
    default:
      throw new Error(`bad token ${token}`);
  }
}

/** The displayed status after each input, with the health in brackets when it differs. */
function run(tokens: string, cfg: MachineConfig) {
  let state = initialState(at(0));
  const trace: string[] = [];
  const transitions: Transition[] = [];
  const states: MachineState[] = [];
  tokens.split(" ").forEach((t, i) => {
    const r = step(state, input(t), cfg, at(i + 1));
    state = r.state;
    states.push(state);
    if (r.transition) transitions.push(r.transition);
    trace.push(state.status === state.health ? state.status : `${state.status}(${state.health})`);
  });
  return { trace: trace.join(" "), transitions, states, state };
}

describe("state machine: status after each input", () => {
  // biome-ignore format: a table reads best one case per line
  it.each([
    // retries: DOWN after retries + 1 failed rounds, PENDING while within retries
    ["new monitor is UP on its first success", 0, 1, "U", "UP"],
    ["new monitor is UP on its first success even with a recovery threshold", 0, 3, "U U", "UP UP"],
    ["retries=0: one failed round is DOWN", 0, 1, "U D", "UP DOWN"],
    ["retries=0: a new monitor's first failure is DOWN", 0, 1, "D", "DOWN"],
    ["retries=2: PENDING for two failed rounds, DOWN on the third", 2, 1, "U D D D D", "UP PENDING PENDING DOWN DOWN"],
    ["retries=2: a new monitor stays PENDING within retries", 2, 1, "D D D", "PENDING PENDING DOWN"],
    ["retries=2: a success within retries resets the count", 2, 1, "U D D U D D D", "UP PENDING PENDING UP PENDING PENDING DOWN"],
    // recovery
    ["recoveryThreshold=1: one success leaves DOWN", 0, 1, "D U", "DOWN UP"],
    ["recoveryThreshold=3: three successes leave DOWN", 0, 3, "D U U U", "DOWN DOWN DOWN UP"],
    ["recoveryThreshold=3: a failure restarts the recovery count", 0, 3, "D U U D U U U", "DOWN DOWN DOWN DOWN DOWN DOWN UP"],
    ["flapping with retries=1 never reaches DOWN", 1, 1, "U D U D U D U", "UP PENDING UP PENDING UP PENDING UP"],
    ["flapping while DOWN with recoveryThreshold=2 stays DOWN", 0, 2, "D U D U D U U", "DOWN DOWN DOWN DOWN DOWN DOWN UP"],
    // unknown changes nothing
    ["unknown changes nothing, not even counters", 1, 1, "U D ? D", "UP PENDING PENDING DOWN"],
    ["unknown does not count toward recovery", 0, 2, "D U ? U", "DOWN DOWN DOWN UP"],
    ["unknown on a new monitor keeps it PENDING", 0, 1, "? ?", "PENDING PENDING"],
    // maintenance
    ["maintenance while UP hides a failure, then shows it when it ends", 0, 1, "U M+ D M-", "UP MAINTENANCE(UP) MAINTENANCE(DOWN) DOWN"],
    ["maintenance while DOWN keeps health DOWN; still DOWN after", 0, 1, "D M+ D M-", "DOWN MAINTENANCE(DOWN) MAINTENANCE(DOWN) DOWN"],
    ["recovery during maintenance shows UP when it ends", 0, 1, "D M+ U M-", "DOWN MAINTENANCE(DOWN) MAINTENANCE(UP) UP"],
    ["retries keep counting during maintenance", 2, 1, "U M+ D D D M-", "UP MAINTENANCE(UP) MAINTENANCE(PENDING) MAINTENANCE(PENDING) MAINTENANCE(DOWN) DOWN"],
    ["maintenance on a new monitor ends PENDING", 0, 1, "M+ M-", "MAINTENANCE(PENDING) PENDING"],
    ["maintenance sent every round is harmless", 0, 1, "U M+ M+ U M+ M- M-", "UP MAINTENANCE(UP) MAINTENANCE(UP) MAINTENANCE(UP) MAINTENANCE(UP) UP UP"],
    // pause
    ["pause ignores rounds; resume starts over as PENDING", 0, 1, "D P D U R U", "DOWN PAUSED(DOWN) PAUSED(DOWN) PAUSED(DOWN) PENDING UP"],
    ["resume resets the retry count", 2, 1, "D D P R D D D", "PENDING PENDING PAUSED(PENDING) PENDING PENDING PENDING DOWN"],
    ["pause and resume repeated are harmless", 0, 1, "U P P R R", "UP PAUSED(UP) PAUSED(UP) PENDING PENDING"],
    ["maintenance while paused changes nothing", 0, 1, "U P M+ M- R", "UP PAUSED(UP) PAUSED(UP) PAUSED(UP) PENDING"],
    ["pause during maintenance wins; maintenance is re-sent after resume", 0, 1, "U M+ P R M+", "UP MAINTENANCE(UP) PAUSED(UP) PENDING MAINTENANCE(PENDING)"],
    // late (push)
    ["late shows LATE while UP, a push makes it UP again", 0, 1, "U L L U", "UP LATE(UP) LATE(UP) UP"],
    ["late on a new monitor", 0, 1, "L", "LATE(PENDING)"],
    ["late then no push at all: DOWN", 0, 1, "U L D", "UP LATE(UP) DOWN"],
    ["late never hides DOWN", 0, 1, "D L", "DOWN DOWN"],
    ["late is hidden by maintenance and pause", 0, 1, "U M+ L M- P L", "UP MAINTENANCE(UP) MAINTENANCE(UP) UP PAUSED(UP) PAUSED(UP)"],
  ] as const)("%s (retries=%d, recovery=%d): %s", (_name, retries, recoveryThreshold, tokens, want) => {
    expect(run(tokens, { retries, recoveryThreshold }).trace).toBe(want);
  });
});

describe("state machine: transitions and reasons", () => {
  // biome-ignore format: a table reads best one case per line
  it.each([
    ["3 failed rounds: TIMEOUT", 2, 1, "U D D D", { from: "PENDING", to: "DOWN", healthFrom: "PENDING", healthTo: "DOWN" }],
    ["1 failed round: TIMEOUT", 0, 1, "U D", { from: "UP", to: "DOWN", healthFrom: "UP", healthTo: "DOWN" }],
    ["1 failed round, retry 1 of 2: TIMEOUT", 2, 1, "U D", { from: "UP", to: "PENDING", healthFrom: "UP", healthTo: "PENDING" }],
    ["recovered after 2 successful rounds", 0, 2, "D U U", { from: "DOWN", to: "UP", healthFrom: "DOWN", healthTo: "UP" }],
    ["recovered after 1 successful round", 0, 1, "D U", { from: "DOWN", to: "UP", healthFrom: "DOWN", healthTo: "UP" }],
    ["first successful round", 0, 1, "U", { from: "PENDING", to: "UP", healthFrom: "PENDING", healthTo: "UP" }],
    ["recovered within retries", 2, 1, "U D U", { from: "PENDING", to: "UP", healthFrom: "PENDING", healthTo: "UP" }],
    ["maintenance started", 0, 1, "U M+", { from: "UP", to: "MAINTENANCE", healthFrom: "UP", healthTo: "UP" }],
    ["maintenance ended", 0, 1, "U M+ M-", { from: "MAINTENANCE", to: "UP", healthFrom: "UP", healthTo: "UP" }],
    ["paused", 0, 1, "U P", { from: "UP", to: "PAUSED", healthFrom: "UP", healthTo: "UP" }],
    ["resumed", 0, 1, "D P R", { from: "PAUSED", to: "PENDING", healthFrom: "DOWN", healthTo: "PENDING" }],
    ["late: no push for 60 s", 0, 1, "U L", { from: "UP", to: "LATE", healthFrom: "UP", healthTo: "UP" }],
    ["1 failed round: TIMEOUT", 0, 1, "U M+ D", { from: "MAINTENANCE", to: "MAINTENANCE", healthFrom: "UP", healthTo: "DOWN" }],
  ] as const)("%s (retries=%d, recovery=%d after %s)", (reason, retries, recoveryThreshold, tokens, change) => {
    const { transitions } = run(tokens, { retries, recoveryThreshold });
    expect(transitions[transitions.length - 1]).toEqual({ ...change, reason });
  });

  it("returns no transition when neither status nor health changes", () => {
    const cfg = { retries: 2, recoveryThreshold: 3 };
    const up = run("U", cfg).state;
    expect(step(up, input("U"), cfg, at(5)).transition).toBeNull();
    const pending = run("U D", cfg).state;
    expect(step(pending, input("D"), cfg, at(5)).transition).toBeNull();
    const recovering = run("D D D U", cfg).state;
    expect(step(recovering, input("U"), cfg, at(5)).transition).toBeNull();
    expect(step(up, input("?"), cfg, at(5)).state).toBe(up);
  });

  it("counts one transition per change over a whole outage", () => {
    const { transitions } = run("U D D D D U U", { retries: 1, recoveryThreshold: 2 });
    expect(transitions.map((t) => `${t.from}>${t.to}`)).toEqual([
      "PENDING>UP",
      "UP>PENDING",
      "PENDING>DOWN",
      "DOWN>UP",
    ]);
  });
});

describe("state machine: times and counters", () => {
  it("since moves only when the displayed status changes", () => {
    const { states } = run("U U D D", { retries: 1, recoveryThreshold: 1 });
    expect(states.map((s) => s.since)).toEqual([at(1), at(1), at(3), at(4)].map((d) => d.toISOString()));
  });

  it("downSince is set when health becomes DOWN, kept through maintenance, cleared on recovery", () => {
    const { states } = run("U D D M+ D M- U", { retries: 0, recoveryThreshold: 1 });
    expect(states.map((s) => s.downSince)).toEqual([
      null,
      at(2).toISOString(),
      at(2).toISOString(),
      at(2).toISOString(),
      at(2).toISOString(),
      at(2).toISOString(),
      null,
    ]);
  });

  it("downSince is cleared by resume, which starts over", () => {
    expect(run("D P", { retries: 0, recoveryThreshold: 1 }).state.downSince).not.toBeNull();
    expect(run("D P R", { retries: 0, recoveryThreshold: 1 }).state).toMatchObject({
      downSince: null,
      failures: 0,
      successes: 0,
      health: "PENDING",
    });
  });

  it("counts consecutive failures and successes", () => {
    const cfg = { retries: 5, recoveryThreshold: 1 };
    expect(run("D D D", cfg).state).toMatchObject({ failures: 3, successes: 0 });
    expect(run("D D U U", cfg).state).toMatchObject({ failures: 0, successes: 2 });
  });

  it("starts PENDING", () => {
    expect(initialState(at(0))).toEqual({
      status: "PENDING",
      health: "PENDING",
      since: at(0).toISOString(),
      failures: 0,
      successes: 0,
      downSince: null,
    });
  });
});

describe("nextRoundDelayS", () => {
  const m = { interval: 60, retryInterval: 15 };
  it.each([
    ["new monitor", "", 60],
    ["UP", "U", 60],
    ["failing within retries", "U D", 15],
    ["failing within retries during maintenance", "U M+ D", 15],
    ["DOWN: back to the normal interval", "U D D D", 60],
    ["recovering from DOWN", "U D D D U", 60],
  ] as const)("%s → %ds", (_name, tokens, want) => {
    const state = tokens ? run(tokens, { retries: 2, recoveryThreshold: 2 }).state : initialState(at(0));
    expect(nextRoundDelayS(state, m)).toBe(want);
  });

  it("uses the interval when no retry interval is set", () => {
    const state = run("U D", { retries: 2, recoveryThreshold: 1 }).state;
    expect(nextRoundDelayS(state, { interval: 60, retryInterval: null })).toBe(60);
  });
});
