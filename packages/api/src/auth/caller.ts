import type { Response } from "express";
import type { Role } from "@uptop/core";

/** Who made a request: a user, or the admin API token (id null). */
export interface Caller {
  id: number | null;
  name: string;
  role: Role;
}

/** The admin API token (UPTOP_API_TOKEN or the generated data/api-token) acts as this admin. */
export const API_TOKEN_CALLER: Caller = Object.freeze({ id: null, name: "api-token", role: "admin" });

/** Set by the request gate once the bearer token is known. */
export function setCaller(res: Response, caller: Caller): void {
  res.locals.caller = caller;
}

/** The caller the gate found; null on routes that take no user credentials (push, status, cluster). */
export function callerOf(res: Response): Caller | null {
  return (res.locals.caller as Caller | undefined) ?? null;
}
