import { Router } from "express";
import { z } from "zod";
import { NotFoundError, ValidationError, zodIssues, type SecretBox } from "@uptop/core";
import { findChannelByName, findMonitorByName, listAttempts, listNotifications, type Db } from "@uptop/store";
import { parseId } from "./monitors.js";

export interface NotificationRoutesDeps {
  db: Db;
  box: SecretBox;
}

const idOrName = z.string().trim().min(1).max(200);

const querySchema = z
  .object({
    state: z
      .enum(["pending", "sending", "sent", "failed", "unknown"], {
        error: "must be pending, sending, sent, failed or unknown",
      })
      .optional(),
    monitor: idOrName.optional(),
    channel: idOrName.optional(),
    limit: z.coerce
      .number({ error: "must be a whole number from 1 to 1000" })
      .int("must be a whole number from 1 to 1000")
      .min(1, "must be at least 1")
      .max(1000, "must be at most 1000")
      .default(100),
  })
  .strict();

/** Deliveries from the outbox, newest first: state and evidence, never payloads or secrets. */
export function notificationsRouter(deps: NotificationRoutesDeps): Router {
  const { db, box } = deps;
  const r = Router();

  r.get("/api/notifications", async (req, res) => {
    const parsed = querySchema.safeParse(req.query);
    if (!parsed.success) {
      const issues = zodIssues(parsed.error);
      throw new ValidationError(`${issues[0]?.field || "query"}: ${issues[0]?.message ?? "invalid"}`, issues);
    }
    const q = parsed.data;
    // Monitors and channels may be named by id or by name; an unknown name lists nothing.
    const resolve = async (value: string | undefined, find: (name: string) => Promise<{ id: number } | null>) => {
      if (value === undefined) return undefined;
      if (/^\d{1,9}$/.test(value)) return Number(value);
      return (await find(value))?.id ?? -1;
    };
    const monitorId = await resolve(q.monitor, (n) => findMonitorByName(db, box, n));
    const channelId = await resolve(q.channel, (n) => findChannelByName(db, box, n));
    res.json(
      await listNotifications(db, {
        limit: q.limit,
        ...(q.state ? { state: q.state } : {}),
        ...(monitorId !== undefined ? { monitorId } : {}),
        ...(channelId !== undefined ? { channelId } : {}),
      }),
    );
  });

  r.get("/api/notifications/:id/attempts", async (req, res) => {
    const id = parseId(req);
    const attempts = await listAttempts(db, id);
    if (attempts === null) throw new NotFoundError(`notification ${id}`);
    res.json(attempts);
  });

  return r;
}
