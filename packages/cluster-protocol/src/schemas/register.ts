import { z } from "zod";

const NODE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
export const nodeIdSchema = z.string().regex(NODE_ID, "may hold only letters, digits, '.', '_' and '-' (max 63)");

/** `POST /api/probe/register` */
export const registerRequestSchema = z.object({
  nodeId: nodeIdSchema,
  name: z.string().min(1).max(200),
  region: nodeIdSchema,
  version: z.string().min(1).max(50),
  role: z.enum(["probe", "follower"]),
});
export type RegisterRequest = z.infer<typeof registerRequestSchema>;

export const registerResponseSchema = z.looseObject({
  epoch: z.number().int().min(0),
  leaderId: z.string(),
  version: z.string(),
  assignmentsUrl: z.string().optional(),
  /** The leader may ask probes to sync at another pace than their own setting. */
  syncIntervalMs: z.number().int().positive().optional(),
});
export type RegisterResponse = z.infer<typeof registerResponseSchema>;
