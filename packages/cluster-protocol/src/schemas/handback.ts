import { monitorStateSchema, NOTIFICATION_EVENTS, statusSchema, voteSchema } from "@uptop/core";
import { z } from "zod";

const isoTime = z.iso.datetime({ offset: true });

/**
 * Plaintext of `POST /api/cluster/handback` `{ sealed }`: what a follower did while it led.
 * Monitors are named as well as numbered because ids may differ between the two databases.
 */
export const handbackSchema = z.object({
  nodeId: z.string(),
  epoch: z.number().int().min(0),
  from: isoTime,
  to: isoTime,
  stateChanges: z.array(
    z.object({
      monitorId: z.number().int(),
      monitorName: z.string(),
      from: statusSchema,
      to: statusSchema,
      reason: z.string(),
      votes: z.array(voteSchema),
      at: isoTime,
      epoch: z.number().int().min(0),
    }),
  ),
  notifications: z.array(
    z.object({
      dedupeKey: z.string(),
      channelName: z.string(),
      monitorName: z.string().nullable(),
      event: z.enum(NOTIFICATION_EVENTS),
      sentAt: isoTime,
      epoch: z.number().int().min(0),
    }),
  ),
  /** Alerts the follower planned but had not delivered when it stood down: the leader sends them. */
  pending: z
    .array(
      z.object({
        dedupeKey: z.string(),
        channelName: z.string(),
        monitorName: z.string().nullable(),
        event: z.enum(NOTIFICATION_EVENTS),
        payload: z.record(z.string(), z.unknown()),
        createdAt: isoTime,
      }),
    )
    .default([]),
  /** The follower's final verdicts: the leader resumes from them. */
  states: z.array(monitorStateSchema).default([]),
  rollups: z.array(
    z.object({
      monitorName: z.string(),
      day: z.iso.date(),
      upS: z.number().min(0),
      downS: z.number().min(0),
      maintenanceS: z.number().min(0),
      checks: z.number().int().min(0),
      failures: z.number().int().min(0),
    }),
  ),
});
export type Handback = z.infer<typeof handbackSchema>;

export const handbackResponseSchema = z.looseObject({
  stateChanges: z.number().int().min(0),
  notifications: z.number().int().min(0),
  pending: z.number().int().min(0).optional(),
  /** The epoch the leader acts under after the merge; the follower adopts it. */
  epoch: z.number().int().min(0).optional(),
  rollups: z.number().int().min(0),
});
export type HandbackResponse = z.infer<typeof handbackResponseSchema>;
