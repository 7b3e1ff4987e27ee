import { initialState, type MachineState } from "@uptop/aggregation";
import type { Monitor, NodeInfo, Status, Vote } from "@uptop/core";
import type { LastCheck, MonitorStateRecord } from "@uptop/store";

/** A node's vote, with the slot it answers (a vote for an older slot never replaces a newer one). */
export type SlotVote = Vote & { slotMs: number };

/** What the engine knows of one monitor between rounds; persisted as a `MonitorStateRecord`. */
export interface MonitorRuntime {
  monitor: Monitor;
  machine: MachineState;
  votes: Map<string, SlotVote>;
  lastCheck: LastCheck | null;
  lastPushAt: number | null;
  noData: boolean;
  /** The round being collected: decided once every expected node voted or at its deadline. */
  round: { slotMs: number; deadlineMs: number } | null;
  lastDecidedSlot: number;
  maintenance: boolean;
  certValidTo: string | null;
  /** The certificate (by its expiry) whose warning this process has already planned. */
  certWarned: string | null;
}

/** What the API and metrics see of a monitor (the database copy may lag by a flush). */
export interface MonitorSnapshot {
  id: number;
  name: string;
  type: string;
  status: Status;
  noData: boolean;
  latencyMs: number | null;
  certValidTo: string | null;
}

/** The monitor types whose rounds come from checks (push and group have none). */
export const CHECKABLE = new Set(["http", "tcp", "dns", "ping", "tls"]);

export function machineOf(saved: MonitorStateRecord): MachineState {
  const { status, health, since, failures, successes, downSince } = saved;
  return { status, health, since, failures, successes, downSince };
}

/**
 * Which stored votes still count after a restart or a hand-over: our own and the probes'. A
 * vote of the other serving node (the leader a follower took over from, or the follower that
 * handed back) must not linger for its freshness window — that node is not checking any more.
 */
export function carriedVotes(
  votes: readonly Vote[],
  selfId: string,
  nodes: readonly NodeInfo[],
): Map<string, SlotVote> {
  const probes = new Set(nodes.filter((n) => n.role === "probe").map((n) => n.id));
  const kept = votes.filter((v) => v.node === selfId || probes.has(v.node));
  return new Map(kept.map((v) => [v.node, { ...v, slotMs: Date.parse(v.at) }]));
}

export function newRuntime(
  m: Monitor,
  saved: MonitorStateRecord | undefined,
  votes: Map<string, SlotVote>,
  now: Date,
): MonitorRuntime {
  const machine = saved ? machineOf(saved) : initialState(now);
  return {
    monitor: m,
    machine,
    votes,
    lastCheck: saved?.lastCheck ?? null,
    lastPushAt: saved?.lastPushAt ? Date.parse(saved.lastPushAt) : null,
    noData: saved?.noData ?? false,
    round: null,
    lastDecidedSlot: 0,
    maintenance: machine.status === "MAINTENANCE",
    certValidTo: null,
    certWarned: null,
  };
}

/** A verdict another node reached (a hand-back) replaces ours. */
export function adoptSaved(rt: MonitorRuntime, saved: MonitorStateRecord, votes: Map<string, SlotVote>): void {
  rt.machine = machineOf(saved);
  rt.votes = votes;
  rt.lastPushAt = saved.lastPushAt ? Date.parse(saved.lastPushAt) : rt.lastPushAt;
  rt.noData = saved.noData;
  rt.maintenance = saved.status === "MAINTENANCE";
  rt.round = null;
}

export function stateRecord(rt: MonitorRuntime): MonitorStateRecord {
  const s = rt.machine;
  return {
    monitorId: rt.monitor.id,
    status: s.status,
    health: s.health,
    since: s.since,
    failures: s.failures,
    successes: s.successes,
    lastCheck: rt.lastCheck,
    votes: [...rt.votes.values()].map(({ slotMs: _slot, ...v }) => v),
    lastPushAt: rt.lastPushAt === null ? null : new Date(rt.lastPushAt).toISOString(),
    downSince: s.downSince,
    noData: rt.noData,
  };
}
