import { hostname } from "node:os";
import { RefusedToRunError } from "@uptop/core";

/** The node holding a database: what a refused node prints so the operator can find it. */
export interface LockHolder {
  nodeId: string;
  role: string;
  pid: number;
  host: string;
  startedAt: Date;
}

/** Who is asking; pid, host and start time default to this process's. */
export interface LockIdentity {
  nodeId: string;
  /** `admin`: uptop-admin, holding the database while it copies it. */
  role: "leader" | "follower" | "admin";
  pid?: number;
  host?: string;
  startedAt?: Date;
}

/** `leader "node-a" (pid 4242 on host-a, since 2026-05-01T10:00:00.000Z)` */
export function describeHolder(h: LockHolder): string {
  return `${h.role} "${h.nodeId}" (pid ${h.pid} on ${h.host}, since ${h.startedAt.toISOString()})`;
}

/**
 * The database is held by another live node. `who` names it: the holder record when there is one,
 * else what the server knows of the session. `lost` says this node held it first and lost it.
 */
export class DatabaseLockedError extends RefusedToRunError {
  readonly where: string;
  readonly holder: LockHolder | null;
  constructor(o: { where: string; who: string; holder: LockHolder | null; lost?: boolean; hint?: string }) {
    const message = o.lost
      ? `${o.where} was taken by ${o.who} while this node's connection to it was down: ` +
        "this node stops so that only one node acts on that database"
      : `${o.where} is already in use by ${o.who}: two nodes on one database would both check and alert. ` +
        "Stop that node first, or give this node a database of its own (UPTOP_DB_DSN; a follower never " +
        `shares its leader's)${o.hint ? `; ${o.hint}` : ""}`;
    const holder = o.holder && { ...o.holder, startedAt: o.holder.startedAt.toISOString() };
    super("DATABASE_LOCKED", message, { where: o.where, holder });
    this.where = o.where;
    this.holder = o.holder;
  }
}

const PROCESS_STARTED_AT = new Date(Date.now() - process.uptime() * 1000);

/** The identity with this process's pid, host and start time filled in where not given. */
export function fullIdentity(id: LockIdentity): LockHolder {
  return {
    nodeId: id.nodeId,
    role: id.role,
    pid: id.pid ?? process.pid,
    host: id.host ?? hostname(),
    startedAt: id.startedAt ?? PROCESS_STARTED_AT,
  };
}
