import type { NodeRole } from "@uptop/core";

/**
 * What the HTTP layer may ask of the process it serves: who it is and whether it is serving.
 * The leader is always active; a follower is standby until it promotes itself.
 */
export interface NodeRuntime {
  readonly role: NodeRole;
  readonly nodeId: string;
  state(): "active" | "standby";
  epoch(): number;
  /**
   * Extra health fields (write backlog, database reachability…), read from memory on every poll.
   * `degraded` lowers the status but still answers 200; `unavailable` (shutting down) answers
   * 503; `awaitingHandback` (a returning leader) keeps the node out of readiness.
   */
  healthDetails?(): { degraded?: boolean; unavailable?: boolean; awaitingHandback?: boolean; [key: string]: unknown };
}
