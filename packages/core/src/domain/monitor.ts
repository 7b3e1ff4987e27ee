import { z } from "zod";
import { DNS_RECORD_TYPES, MONITOR_TYPES, STRATEGIES } from "./types.js";

const httpAuthSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("basic"), username: z.string(), password: z.string() }),
  z.object({ type: z.literal("bearer"), token: z.string() }),
]);
export type HttpAuth = z.infer<typeof httpAuthSchema>;

const jsonAssertionSchema = z.object({
  /** Dotted path with optional [index] parts: `data.items[0].status`. */
  path: z.string(),
  equals: z.unknown().optional(),
  contains: z.string().optional(),
  exists: z.boolean().optional(),
});
export type JsonAssertion = z.infer<typeof jsonAssertionSchema>;

/**
 * A stored monitor, as the API, YAML and cluster wire show it: camelCase, durations in seconds
 * (the surface documents that unit once, and YAML writes them as "30s"). Every field a check
 * needs, credentials included. It checks shape, not the input rules: a monitor got here through
 * `normalizeMonitor` (monitor-schema.ts), and a reader must not refuse one stored under older rules.
 */
export const monitorSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  type: z.enum(MONITOR_TYPES),
  description: z.string().nullable(),
  url: z.string().nullable(),
  hostname: z.string().nullable(),
  port: z.number().int().nullable(),
  /** Seconds between rounds. */
  interval: z.number().positive(),
  /** Seconds a check may take. */
  timeout: z.number().positive(),
  retries: z.number().int().min(0),
  /** Seconds between rounds while failing within `retries`; null = `interval`. */
  retryInterval: z.number().positive().nullable(),
  recoveryThreshold: z.number().int().min(1),
  method: z.string(),
  headers: z.record(z.string(), z.string()),
  body: z.string().nullable(),
  auth: httpAuthSchema.nullable(),
  acceptedCodes: z.string(),
  keyword: z.string().nullable(),
  keywordAbsent: z.string().nullable(),
  jsonAssertion: jsonAssertionSchema.nullable(),
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
  /** Seconds a push monitor may stay silent past its interval before it is DOWN (push only). */
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
export type Monitor = z.infer<typeof monitorSchema>;
