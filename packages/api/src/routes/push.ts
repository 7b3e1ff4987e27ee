import { Router, type Request, type Response } from "express";
import { PUSH_TOKEN, storableText } from "@uptop/core";
import { errorBody } from "../errors.js";

/** The longest push message kept; a longer one is cut on a character boundary. */
export const PUSH_MESSAGE_MAX_CHARS = 500;

export interface PushReport {
  down: boolean;
  message: string | null;
}

/** Null while this node is not serving (a standby follower): pushes are refused with 503. */
type PushAnswer = { found: boolean } | null;

export interface PushRoutesDeps {
  /** May wait for a monitor created a moment ago to be loaded. */
  push(token: string, report: PushReport): PushAnswer | Promise<PushAnswer>;
}

/** Whether a string has the shape of a push token; anything else is unknown without a lookup. */
export function isPushToken(token: string | undefined): token is string {
  return token !== undefined && PUSH_TOKEN.test(token);
}

/**
 * Heartbeats from cron jobs and the like: `GET|POST /api/push/:token`, or `/api/push` with
 * `Authorization: Bearer <token>`; `?status=down&msg=…` reports a failure.
 */
export function pushRouter(deps: PushRoutesDeps): Router {
  const r = Router();
  const handle = async (req: Request, res: Response) => {
    const fromPath = typeof req.params.token === "string" ? req.params.token : undefined;
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.get("authorization") ?? "")?.[1];
    const token = fromPath ?? bearer;
    if (!isPushToken(token)) {
      res.status(404).json(errorBody("NOT_FOUND", "unknown push token"));
      return;
    }
    const status = String(req.query.status ?? "up").toLowerCase();
    if (status !== "up" && status !== "down") {
      res.status(400).json(
        errorBody("VALIDATION", 'status: must be "up" or "down"', {
          issues: [{ field: "status", message: 'must be "up" or "down"' }],
        }),
      );
      return;
    }
    // A job's message is whatever its output was: made storable (no NUL, no half emoji), never refused.
    const msg = typeof req.query.msg === "string" ? storableText(req.query.msg, PUSH_MESSAGE_MAX_CHARS) : null;
    const result = await deps.push(token, { down: status === "down", message: msg });
    if (result === null) {
      res
        .status(503)
        .json(
          errorBody("STANDBY", "this node is a standby follower and does not accept pushes; send them to the leader"),
        );
      return;
    }
    if (!result.found) {
      res.status(404).json(errorBody("NOT_FOUND", "unknown push token"));
      return;
    }
    res.json({ ok: true });
  };
  r.all("/api/push/:token", handle);
  r.all("/api/push", handle);
  return r;
}
