import type { Status } from "@uptop/core";
import {
  alertsForDeletion,
  alertsForSupersededIncident,
  alertsForTransition,
  certWarning,
  reminderFor,
  type AlertPlan,
} from "../src/alert-rules.js";
import { incidentKey, recipients, type ChannelRef } from "../src/alert-recipients.js";
import { groupStep } from "../src/group.js";
import { pushDeadlineInput } from "../src/push-deadline.js";
import { initialState, step, type MachineInput, type MachineState, type StepResult } from "../src/state-machine.js";

// Who hears what, as traces: a world of one monitor `m` (in some traces a group `g` holding `m`
// and `n`), channels, and an outbox that keeps each dedupe key once, driven by the same pure
// rules the engine calls. Each token advances the clock by a minute, then:
//   U D      a round up / down (for a push monitor: a push, ok or reporting down)
//   M+ M-    a maintenance window on the target starts / ends (a group's covers its children)
//   P R X    pause / resume / delete the target
//   r        the reminder tick          t   the push-deadline tick
//   cN       a check sees the certificate that expires on day N (threshold: 14 days)
//   ~        the engine restarts: what it remembered in memory is gone, the outbox stays
//   +5m +2h +7d   the clock moves on
// A token is for `m` unless prefixed (`g:P`, `n:D`). Each token's output lists what the outbox
// gained: `event@channel` (the channel is left out when there is one), prefixed with the monitor
// when it is not `m`; `held:down` for a DOWN planned but held back; `.` for nothing.

const MIN = 60_000;
const DAY = 86_400_000;
const T0 = Date.parse("2026-01-01T00:00:00.000Z");

interface Sim {
  id: number;
  name: string;
  parent: Sim | null;
  children: Sim[];
  machine: MachineState;
  paused: boolean;
  ownWindow: boolean;
  maintenance: boolean;
  certWarned: string | null;
  lastPushAt: number | null;
}

interface Options {
  retries?: number;
  recovery?: number;
  push?: { intervalS: number; graceS?: number };
  group?: boolean;
  /** Channel name → the monitors it belongs to and its reminder interval. */
  channels?: Record<string, { on: string[]; remindS?: number }>;
}

function run(tokens: string, o: Options = {}): string {
  let now = T0;
  let servingSince = T0;
  const channelDefs = o.channels ?? { a: { on: ["m"] } };
  const channels = Object.entries(channelDefs).map(([name, c], i) => ({ id: i + 1, name, ...c }));
  const outbox = new Map<string, { event: string; monitor: string; channel: string }>();
  const sims = new Map<string, Sim>();
  const add = (id: number, name: string, parent: Sim | null): Sim => {
    const s: Sim = {
      id,
      name,
      parent,
      children: [],
      machine: initialState(new Date(now)),
      paused: false,
      ownWindow: false,
      maintenance: false,
      certWarned: null,
      lastPushAt: null,
    };
    parent?.children.push(s);
    sims.set(name, s);
    return s;
  };
  const g = o.group ? add(10, "g", null) : null;
  add(1, "m", g);
  if (g) add(2, "n", g);
  const ancestors = (s: Sim): Sim[] => (s.parent ? [s.parent, ...ancestors(s.parent)] : []);
  const refs = (names: (name: string) => boolean): ChannelRef[] =>
    channels.filter((c) => c.on.some(names)).map((c) => ({ id: c.id, reminderIntervalS: c.remindS ?? null }));

  let out: string[] = [];
  const tell = (s: Sim, plan: AlertPlan) => {
    if (plan.suppressed) return void out.push(`held:${plan.event}`);
    const incident = incidentKey(s.id, plan.downSince);
    const heard = channels.filter((c) => outbox.has(`down:${incident}::c${c.id}`));
    const covered = new Set(
      refs((n) => (plan.coveredBy ?? []).some((id) => [...sims.values()].find((x) => x.id === id)?.name === n)).map(
        (c) => c.id,
      ),
    );
    const to = recipients(
      { ...plan, incidentKey: incident, at: new Date(now).toISOString() },
      {
        monitorChannels: refs((n) => n === s.name),
        heardDown: heard.map((c) => ({ id: c.id, reminderIntervalS: c.remindS ?? null })),
        coveredChannels: covered,
      },
    );
    for (const r of to) {
      if (outbox.has(r.dedupeKey)) continue;
      const channel = channels.find((c) => c.id === r.channelId)!.name;
      outbox.set(r.dedupeKey, { event: plan.event, monitor: s.name, channel });
      const who = s.name === "m" ? "" : `${s.name}:`;
      out.push(`${who}${plan.event}${channels.length > 1 ? `@${channel}` : ""}`);
    }
  };

  const record = (s: Sim, r: StepResult) => {
    const before = s.machine;
    s.machine = r.state;
    const t = r.transition;
    if (!t) return;
    const alerting = ancestors(s)
      .filter((a) => !a.paused && !a.maintenance)
      .map((a) => a.id);
    const ctx = {
      before,
      after: r.state,
      at: new Date(now),
      inMaintenance: s.maintenance,
      alertingAncestors: alerting,
    };
    for (const plan of alertsForTransition(t, ctx)) tell(s, plan);
    if (t.from !== t.to) for (const a of ancestors(s)) updateGroup(a);
  };
  const apply = (s: Sim, input: MachineInput) => {
    const cfg = o.push
      ? { retries: 0, recoveryThreshold: 1 }
      : { retries: o.retries ?? 0, recoveryThreshold: o.recovery ?? 1 };
    record(s, step(s.machine, input, cfg, new Date(now)));
  };
  const updateGroup = (grp: Sim) => {
    if (grp.paused || grp.maintenance) return;
    const kids = grp.children.filter((c) => sims.has(c.name));
    const statuses = kids.map((c) => ({ name: c.name, status: (c.paused ? "PAUSED" : c.machine.status) as Status }));
    record(grp, groupStep(grp.machine, statuses, new Date(now)));
  };
  const updateMaintenance = () => {
    for (const s of sims.values()) {
      const active = s.ownWindow || ancestors(s).some((a) => a.ownWindow);
      if (active === s.maintenance) continue;
      s.maintenance = active;
      apply(s, { kind: "maintenance", active });
      if (!active && s.children.length) updateGroup(s);
    }
  };

  const outputs: string[] = [];
  for (const token of tokens.split(" ")) {
    out = [];
    now += MIN;
    const [target, verb] = token.includes(":") ? (token.split(":") as [string, string]) : ["m", token];
    const s = sims.get(target)!;
    const moved = /^\+(\d+)([mhd])$/.exec(verb);
    if (moved) now += Number(moved[1]) * { m: MIN, h: 60 * MIN, d: DAY }[moved[2] as "m" | "h" | "d"];
    else if (verb === "U" || verb === "D") {
      if (o.push) s.lastPushAt = now;
      if (!s.paused) apply(s, { kind: "round", outcome: verb === "U" ? "up" : "down", reason: verb });
    } else if (verb === "M+" || verb === "M-") {
      s.ownWindow = verb === "M+";
      updateMaintenance();
    } else if (verb === "P" || verb === "R") {
      s.paused = verb === "P";
      apply(s, { kind: s.paused ? "pause" : "resume" });
    } else if (verb === "X") {
      for (const plan of alertsForDeletion(s.machine)) tell(s, plan);
      sims.delete(s.name);
      for (const grp of sims.values()) if (grp.children.length) updateGroup(grp);
    } else if (verb === "r") {
      for (const x of sims.values()) {
        const plan = reminderFor(x.machine, x.maintenance, new Date(now));
        if (plan) tell(x, plan);
      }
    } else if (verb === "t") {
      const p = o.push!;
      const clock = {
        intervalS: p.intervalS,
        graceS: p.graceS ?? null,
        createdAtMs: T0,
        lastPushAtMs: s.lastPushAt,
        servingSinceMs: servingSince,
      };
      const input = s.paused ? null : pushDeadlineInput(s.machine, clock, now);
      if (input) apply(s, input);
    } else if (/^c\d+$/.test(verb)) {
      const validTo = new Date(T0 + Number(verb.slice(1)) * DAY).toISOString();
      const sighting = {
        validTo,
        thresholdDays: 14,
        warned: s.certWarned,
        inMaintenance: s.maintenance,
        status: s.machine.status,
        now: new Date(now),
      };
      const plan = certWarning(sighting);
      if (plan) {
        s.certWarned = validTo;
        tell(s, plan);
      }
    } else if (verb === "~") {
      for (const x of sims.values()) x.certWarned = null;
      servingSince = now;
    } else throw new Error(`bad token ${token}`);
    outputs.push(out.length ? out.join("+") : ".");
  }
  return outputs.join(" ");
}

const twoChannels = { a: { on: ["m"], remindS: 600 }, b: { on: ["m"], remindS: 1800 } };
const groupChannels = { a: { on: ["m", "g"] }, b: { on: ["m"] } };

describe("alert rules: what the outbox gains after each event", () => {
  // biome-ignore format: a table reads best one case per line
  it.each<[string, string, string, Options?]>([
    // incidents
    ["a failure alerts, a recovery resolves", "U D U", ". down up"],
    ["retries=2: failures within retries are silent, the third alerts", "D D D U", ". . down up", { retries: 2 }],
    ["recovery threshold 2: one success is not the end of the incident", "D U U", "down . up", { recovery: 2 }],
    ["a monitor that stays DOWN alerts once", "D D D", "down . ."],
    ["a new failure after a recovery is a new incident", "D U D U", "down up down up"],
    // maintenance
    ["UP, maintenance starts, DOWN, maintenance ends: held, then told when the window ends", "U M+ D M-", ". . held:down down"],
    ["DOWN before a window and still DOWN after it: told once", "D M+ D M-", "down . . ."],
    ["an alerted incident that recovers inside a window is resolved inside it", "D M+ U M-", "down . up ."],
    ["an incident that begins and ends inside a window tells nobody", "U M+ D U M-", ". . held:down . ."],
    ["an incident that outlasts its window is told at the end and resolved later", "U M+ D M- U", ". . held:down down up"],
    ["reminders wait while a window is open", "D M+ +20m r M- r", "down . . . . reminder", { channels: { a: { on: ["m"], remindS: 600 } } }],
    ["a certificate warning waits for the window's end", "M+ c10 M- c10", ". . . cert"],
    // pause and delete
    ["pausing a DOWN monitor closes its incident", "D P", "down up"],
    ["a resume that fails again is a new incident", "D P R D", "down up . down"],
    ["pausing and resuming an UP monitor is silent", "U P R U", ". . . ."],
    ["rounds that arrive while paused count for nothing", "D P D U", "down up . ."],
    ["deleting a DOWN monitor closes its incident", "D X", "down up"],
    ["deleting an UP monitor is silent", "U X", ". ."],
    ["deleting a monitor whose DOWN was held tells nobody", "M+ D X", ". held:down ."],
    ["pausing a monitor DOWN inside a window tells nobody", "M+ D P", ". held:down ."],
    // reminders
    [
      "each channel is reminded on its own interval while DOWN, and not after UP",
      "D +11m r +20m r r U +40m r",
      "down@a+down@b . reminder@a . reminder@a+reminder@b . up@a+up@b . .",
      { channels: twoChannels },
    ],
    ["a channel without a reminder interval is never reminded", "D +2h r", "down . ."],
    ["a paused monitor is not reminded", "D P +1h r", "down up . .", { channels: { a: { on: ["m"], remindS: 600 } } }],
    ["a reminder goes only to the channels that heard the DOWN", "D +20m r", "down@b+g:down@a . g:reminder@a+reminder@b", {
      group: true,
      channels: { a: { on: ["m", "g"], remindS: 600 }, b: { on: ["m"], remindS: 600 } },
    }],
    // certificates
    ["warns once when a certificate crosses the threshold", "c40 +20d c40 +7d c40 c40", ". . . . cert ."],
    ["warns at once about a certificate first seen inside the threshold", "c10", "cert"],
    ["a restart warns again in memory, and the outbox keeps it to one", "c10 ~ c10", "cert . ."],
    ["a renewed certificate inside the threshold is a new warning", "c10 c13", "cert cert"],
    ["14 days left is not below a 14-day threshold; 13 is", "c15 c14", ". cert"],
    // groups
    ["a child's DOWN is spared only on the channels its group's alert reaches", "D", "down@b+g:down@a", { group: true, channels: groupChannels }],
    ["a group without channels hides nothing", "D", "down", { group: true }],
    ["a paused group does not cover its child", "g:P D", ". down@a+down@b", { group: true, channels: groupChannels }],
    ["a window on a group holds its children's DOWNs", "g:M+ D", ". held:down", { group: true, channels: groupChannels }],
    ["a group and its child recover together", "D U", "down@b+g:down@a up@b+g:up@a", { group: true, channels: groupChannels }],
    ["a group whose failing child recovers while another has no verdict closes its incident", "n:U D U", ". down@b+g:down@a up@b+g:up@a", { group: true, channels: groupChannels }],
    ["a group stays DOWN while any child is DOWN", "D n:D U n:U", "g:down . . g:up", { group: true, channels: { a: { on: ["g"] } } }],
    ["deleting the only DOWN child recovers the group", "D X", "g:down g:up", { group: true, channels: { a: { on: ["g"] } } }],
    // pushes
    ["a silent job is LATE after its interval, DOWN after the grace", "U +1m t +1m t U", ". . . . down up", { push: { intervalS: 120, graceS: 120 } }],
    ["a push reporting down alerts at once, whatever the retries", "D", "down", { push: { intervalS: 120 }, retries: 2 }],
    ["a job that never pushed is DOWN after interval and grace from its creation", "+5m t", ". down", { push: { intervalS: 60, graceS: 60 } }],
    ["pushes while no node served do not count against the job", "U +10m ~ t +3m t", ". . . . . down", { push: { intervalS: 120, graceS: 120 } }],
    ["a paused job is never late", "P +1h t", ". . .", { push: { intervalS: 60 } }],
    ["a late job's next push clears LATE without an alert", "U +2m t U", ". . . .", { push: { intervalS: 120, graceS: 120 } }],
    // A callback taking more arguments than a row has would be handed jest's `done`: keep it at three.
  ])("%s", (_name, tokens, expected, ...options) => {
    expect(run(tokens, options[0])).toBe(expected);
  });
});

describe("an incident a hand-back superseded", () => {
  const OPEN = "2030-01-01T00:00:00.000Z";
  const machine = (status: Status, health: MachineState["health"], downSince: string | null): MachineState => ({
    status,
    health,
    since: "2030-01-01T00:05:00.000Z",
    failures: 0,
    successes: 0,
    downSince,
  });
  // biome-ignore format: a table reads best one case per line
  it.each([
    ["the verdict still continues it: nothing", machine("DOWN", "DOWN", OPEN), []],
    ["the other node saw it recover: its UP", machine("UP", "UP", null), ["up UP"]],
    ["the other node has it DOWN since another time: its UP", machine("DOWN", "DOWN", "2030-01-01T00:02:00.000Z"), ["up DOWN"]],
    ["the other node paused it: its UP", machine("PAUSED", "PENDING", null), ["up PAUSED"]],
    ["in maintenance but still the same incident: nothing", machine("MAINTENANCE", "DOWN", OPEN), []],
  ])("%s", (...[, state, expected]) => {
    const plans = alertsForSupersededIncident(state, OPEN);
    expect(plans.map((p) => `${p.event} ${p.status}`)).toEqual(expected);
    for (const p of plans) expect(p).toMatchObject({ downSince: OPEN, onlyIfAlerted: true, previousStatus: "DOWN" });
  });
});
