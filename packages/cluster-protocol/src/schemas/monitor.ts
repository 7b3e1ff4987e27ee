import { checkErrorSchema, DNS_RECORD_TYPES, MONITOR_TYPES, STATUSES, STRATEGIES, type Monitor, type Vote } from "@uptop/core";
import { z } from "zod";

const httpAuth = z.discriminatedUnion("type", [
  z.object({ type: z.literal("basic"), username: z.string(), password: z.string() }),
  z.object({ type: z.literal("bearer"), token: z.string() }),
]);

const jsonAssertion = z.object({
  path: z.string(),
  equals: z.unknown().optional(),
  contains: z.string().optional(),
  exists: z.boolean().optional(),
});

/**
 * Core's `Monitor` as a wire schema: every field a check needs, credentials included (the
 * channel is authenticated by the cluster secret). Loose, so an older probe accepts fields a
 * newer leader adds.
 */
export const monitorSchema = z.looseObject({
  id: z.number().int(),
  name: z.string(),
  type: z.enum(MONITOR_TYPES),
  description: z.string().nullable(),
  url: z.string().nullable(),
  hostname: z.string().nullable(),
  port: z.number().int().nullable(),
  interval: z.number().positive(),
  timeout: z.number().positive(),
  retries: z.number().int().min(0),
  retryInterval: z.number().positive().nullable(),
  recoveryThreshold: z.number().int().min(1),
  method: z.string(),
  headers: z.record(z.string(), z.string()),
  body: z.string().nullable(),
  auth: httpAuth.nullable(),
  acceptedCodes: z.string(),
  keyword: z.string().nullable(),
  keywordAbsent: z.string().nullable(),
  jsonAssertion: jsonAssertion.nullable(),
  followRedirects: z.boolean(),
  maxRedirects: z.number().int().min(0),
  ignoreTls: z.boolean(),
  certExpiryDays: z.number().int().min(0),
  recordType: z.enum(DNS_RECORD_TYPES).nullable(),
  resolver: z.string().nullable(),
  expected: z.array(z.string()),
  expectedMode: z.enum(["any", "all"]),
  pingCount: z.number().int().min(1),
  token: z.string().nullable(),
  grace: z.number().nullable(),
  parentId: z.number().int().nullable(),
  parent: z.string().nullable(),
  regions: z.array(z.string()),
  aggregation: z.enum(STRATEGIES).nullable(),
  paused: z.boolean(),
  channels: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** A monitor as a probe receives it: exactly core's Monitor (plus whatever the leader adds). */
export type AssignedMonitor = z.infer<typeof monitorSchema>;
export const assignedMonitorSchema = monitorSchema;


export const statusSchema = z.enum(STATUSES);

export const voteSchema = z.object({
  node: z.string(),
  region: z.string(),
  ok: z.boolean(),
  latencyMs: z.number().nullable(),
  error: checkErrorSchema.nullable(),
  at: z.string(),
});

// Compile-time guards that the schemas stay in step with core's interfaces: a probe hands an
// AssignedMonitor to code typed for Monitor, and every Monitor field has a schema entry.
type VoteWire = z.infer<typeof voteSchema>;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
type _WireIsMonitor = Assert<AssignedMonitor extends Monitor ? true : false>;
type _NoFieldMissing = Assert<Same<keyof Monitor, Exclude<keyof typeof monitorSchema.shape, never>>>;
type _VoteWireIsVote = Assert<VoteWire extends Vote ? (Vote extends VoteWire ? true : false) : false>;
