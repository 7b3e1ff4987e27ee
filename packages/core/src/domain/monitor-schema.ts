import { z } from "zod";
import { parseDuration } from "./duration.js";
import { unstorableIssues, ValidationError, type FieldIssue } from "./errors.js";
import type { Monitor } from "./monitor.js";
import { DNS_RECORD_TYPES, MONITOR_TYPES, STRATEGIES } from "./types.js";

/** Seconds as a number, or a duration string such as "30s" / "5m". */
const seconds = z.union([z.number(), z.string()]).transform((v, ctx) => {
  // A number passes as it is: through milliseconds and back, 1.005 would come out 1.0049999….
  const s = typeof v === "number" ? v : (parseDuration(v) ?? NaN) / 1000;
  if (!Number.isFinite(s) || s < 0) {
    ctx.addIssue({ code: "custom", message: `"${v}" is not a duration (seconds, or e.g. "30s", "5m")` });
    return z.NEVER;
  }
  return s;
});

// biome-ignore lint/suspicious/noControlCharactersInRegex: a name must not carry control characters.
const NAME = /^[^\u0000-\u001f]{1,200}$/;
const REGION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
/**
 * A push token. Ten characters is the length of the tokens older Uptime Kuma versions generated,
 * which imported monitors keep because the jobs pushing them cannot change (docs/security.md).
 */
export const PUSH_TOKEN = /^[A-Za-z0-9_-]{10,128}$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Empty means "not set"; a leading "-" would read as an option to the ping binary. */
const HOST = /^(?:(?!-)[A-Za-z0-9._:[\]-]+)?$/;

/**
 * Header values and bodies may be stored encrypted, as `enc:…`; a value of that shape stored in
 * clear would read as a broken ciphertext, so it is refused at the door.
 */
const notEncryptedLooking = (v: string) => !v.startsWith("enc:");
const ENCRYPTED_PREFIX_MESSAGE = 'must not start with "enc:", which marks a value stored encrypted';

/** The longest a check may run. */
const MAX_TIMEOUT_S = 3600;

/**
 * `1.1.1.1`, `dns.example`, `1.1.1.1:5353`, `[2606:4700::1111]:53` or a bare IPv6 address, read
 * as the dns check reads it: a port after a bracketed address or after a single colon.
 */
function isResolver(text: string): boolean {
  if (!/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._:-]+)(:\d{1,5})?$/.test(text)) return false;
  const parts = text.split(":");
  const port = /^\[[^\]]+\]:(.*)$/.exec(text)?.[1] ?? (parts.length === 2 ? parts[1] : "53");
  return /^\d{1,5}$/.test(port!) && Number(port) >= 1 && Number(port) <= 65535;
}

/** `200-299,301` → validated ranges. Exported for the http check. */
export function parseAcceptedCodes(text: string): Array<[number, number]> | undefined {
  const ranges: Array<[number, number]> = [];
  for (const part of text.split(",").map((s) => s.trim())) {
    const m = /^(\d{3})(?:-(\d{3}))?$/.exec(part);
    if (!m) return undefined;
    const lo = Number(m[1]);
    const hi = Number(m[2] ?? m[1]);
    if (lo < 100 || hi > 599 || lo > hi) return undefined;
    ranges.push([lo, hi]);
  }
  return ranges.length ? ranges : undefined;
}

export const httpAuthSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("basic"), username: z.string().max(1000), password: z.string().max(10_000) }),
  z.strictObject({ type: z.literal("bearer"), token: z.string().min(1).max(10_000) }),
]);

export const jsonAssertionSchema = z
  .strictObject({
    path: z.string().min(1).max(500),
    equals: z.unknown().optional(),
    contains: z.string().optional(),
    exists: z.boolean().optional(),
  })
  .refine((a) => a.equals !== undefined || a.contains !== undefined || a.exists !== undefined, {
    message: "needs one of equals, contains or exists",
  });

/**
 * What a client may send for a monitor. Every field is optional here so the same schema checks
 * a create body, a partial update and a YAML entry; `normalizeMonitor` then applies defaults and
 * the rules that span fields. Unknown fields are errors, never silently dropped.
 *
 * The check runner validates `timeout`, `hostname`, `headers` and `resolver` of a spec with these
 * very field schemas (checks' validate-spec.ts), so no monitor stored through here is one the
 * checks refuse to run.
 */
export const monitorInputSchema = z.strictObject({
  name: z.string().trim().regex(NAME, "must be 1-200 printable characters"),
  type: z.enum(MONITOR_TYPES),
  description: z.string().max(2000).nullish(),
  url: z.string().max(4096).nullish(),
  hostname: z.string().trim().max(253).regex(HOST, "is not a host name or IP address").nullish(),
  port: z.number().int().min(1).max(65535).nullish(),
  interval: seconds.optional(),
  timeout: seconds
    .refine((t) => t > 0 && t <= MAX_TIMEOUT_S, `must be more than 0 s and at most ${MAX_TIMEOUT_S} s`)
    .optional(),
  retries: z.number().int().min(0).max(100).optional(),
  retryInterval: seconds.nullish(),
  recoveryThreshold: z.number().int().min(1).max(100).optional(),
  method: z.enum(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]).optional(),
  headers: z
    .record(
      z.string().regex(HEADER_NAME, "is not a valid header name"),
      z
        .string()
        .max(8192)
        .regex(/^[^\r\n]*$/, "must be one line (no CR or LF)")
        .refine(notEncryptedLooking, ENCRYPTED_PREFIX_MESSAGE),
    )
    .optional(),
  body: z
    .string()
    .max(64 * 1024)
    .refine(notEncryptedLooking, ENCRYPTED_PREFIX_MESSAGE)
    .nullish(),
  auth: httpAuthSchema.nullish(),
  acceptedCodes: z
    .string()
    .refine((s) => parseAcceptedCodes(s) !== undefined, "must look like 200-299,301")
    .optional(),
  keyword: z.string().min(1).max(1000).nullish(),
  keywordAbsent: z.string().min(1).max(1000).nullish(),
  jsonAssertion: jsonAssertionSchema.nullish(),
  followRedirects: z.boolean().optional(),
  maxRedirects: z.number().int().min(0).max(20).optional(),
  ignoreTls: z.boolean().optional(),
  certExpiryDays: z.number().int().min(0).max(365).optional(),
  recordType: z.enum(DNS_RECORD_TYPES).nullish(),
  resolver: z
    .string()
    .max(300)
    .refine(isResolver, "must be host or host:port, like 1.1.1.1 or [2606:4700:4700::1111]:53")
    .nullish(),
  expected: z.array(z.string().max(1000)).max(100).optional(),
  expectedMode: z.enum(["any", "all"]).optional(),
  pingCount: z.number().int().min(1).max(20).optional(),
  token: z.string().regex(PUSH_TOKEN, "must be 10-128 letters, digits, _ or -").nullish(),
  grace: seconds.nullish(),
  parent: z.string().trim().min(1).max(200).nullish(),
  regions: z.array(z.string().regex(REGION, "is not a region name")).max(100).optional(),
  aggregation: z.enum(STRATEGIES).nullish(),
  paused: z.boolean().optional(),
  channels: z.array(z.string().min(1).max(200)).max(100).optional(),
});

export type MonitorInput = z.input<typeof monitorInputSchema>;

/** A monitor's settings, defaults applied and rules checked, before the store gives it an id. */
export type MonitorDraft = Omit<Monitor, "id" | "createdAt" | "updatedAt" | "parentId">;

/** Turns zod's issues into `field: message` pairs the API and CLI print; each unknown key is named. */
export function zodIssues(error: z.ZodError, prefix = ""): FieldIssue[] {
  return error.issues.flatMap((i) => {
    const at = i.path.join(".");
    if (i.code === "unrecognized_keys")
      return i.keys.map((key) => ({ field: prefix + (at ? `${at}.${key}` : key), message: "unknown field" }));
    return [{ field: prefix + at, message: i.message }];
  });
}

function fail(issues: FieldIssue[]): never {
  throw ValidationError.fromIssues(issues, "invalid monitor");
}

/**
 * Validates a monitor body and returns the complete monitor with defaults. Throws
 * ValidationError naming every bad field.
 */
export function normalizeMonitor(body: unknown): MonitorDraft {
  // The API refuses such bodies already; YAML reaches here too, and "\0" is a YAML escape.
  const unstorable = unstorableIssues(body);
  if (unstorable.length) fail(unstorable);
  const parsed = monitorInputSchema.safeParse(body);
  if (!parsed.success) fail(zodIssues(parsed.error));
  const m = parsed.data;
  const issues: FieldIssue[] = [];
  const need = (field: keyof typeof m, why: string) => {
    if (m[field] === undefined || m[field] === null || m[field] === "") issues.push({ field, message: why });
  };

  const intervalS = m.interval ?? 60;
  if (intervalS < 5 || intervalS > 86_400) issues.push({ field: "interval", message: "must be between 5 s and 1 day" });
  const timeoutS = m.timeout ?? Math.min(10, Math.max(1, Math.floor(intervalS * 0.8)));
  if (timeoutS >= intervalS)
    issues.push({ field: "timeout", message: `must be less than the interval (${intervalS} s)` });
  if (m.retryInterval != null && (m.retryInterval < 5 || m.retryInterval > 86_400)) {
    issues.push({ field: "retryInterval", message: "must be between 5 s and 1 day" });
  }

  let url: string | null = m.url ?? null;
  const hostname = m.hostname || null;
  switch (m.type) {
    case "http": {
      need("url", "is required for http monitors");
      if (url) {
        try {
          const u = new URL(url);
          if (u.protocol !== "http:" && u.protocol !== "https:")
            issues.push({ field: "url", message: "must be http:// or https://" });
          url = u.toString();
        } catch {
          issues.push({ field: "url", message: "is not a valid URL" });
        }
      }
      break;
    }
    case "tcp":
      need("hostname", "is required for tcp monitors");
      need("port", "is required for tcp monitors");
      break;
    case "tls":
    case "ping":
      need("hostname", `is required for ${m.type} monitors`);
      break;
    case "dns":
      need("hostname", "is required for dns monitors (the name to resolve)");
      break;
    case "push":
    case "group":
      break;
  }
  if (m.type !== "http" && m.url && m.type !== "push" && m.type !== "group") {
    issues.push({ field: "url", message: `is only for http monitors; ${m.type} uses hostname` });
  }
  if (m.token && m.type !== "push") issues.push({ field: "token", message: "is only for push monitors" });
  if (m.grace != null && m.type !== "push") issues.push({ field: "grace", message: "is only for push monitors" });
  if (m.parent && m.parent === m.name) issues.push({ field: "parent", message: "a monitor cannot be its own parent" });
  if (issues.length) fail(issues);

  const channels = [...new Set(m.channels ?? [])];
  const regions = [...new Set(m.regions ?? [])];
  return {
    name: m.name,
    type: m.type,
    description: m.description ?? null,
    url: m.type === "http" ? url : null,
    hostname,
    port: m.port ?? (m.type === "tls" ? 443 : null),
    interval: intervalS,
    timeout: timeoutS,
    retries: m.retries ?? 0,
    retryInterval: m.retryInterval ?? null,
    recoveryThreshold: m.recoveryThreshold ?? 1,
    method: m.method ?? "GET",
    headers: m.headers ?? {},
    body: m.body ?? null,
    auth: m.auth ?? null,
    acceptedCodes: m.acceptedCodes ?? "200-299",
    keyword: m.keyword ?? null,
    keywordAbsent: m.keywordAbsent ?? null,
    jsonAssertion: m.jsonAssertion ?? null,
    followRedirects: m.followRedirects ?? true,
    maxRedirects: m.maxRedirects ?? 10,
    ignoreTls: m.ignoreTls ?? false,
    certExpiryDays: m.certExpiryDays ?? 14,
    recordType: m.type === "dns" ? (m.recordType ?? "A") : null,
    resolver: m.resolver ?? null,
    expected: m.expected ?? [],
    expectedMode: m.expectedMode ?? "any",
    pingCount: m.pingCount ?? 3,
    token: m.type === "push" ? (m.token ?? null) : null,
    grace: m.type === "push" ? (m.grace ?? Math.max(intervalS / 2, 60)) : null,
    parent: m.parent ?? null,
    regions,
    aggregation: m.aggregation ?? null,
    paused: m.paused ?? false,
    channels,
  };
}

/** The writable fields of a stored monitor, as a body that `normalizeMonitor` accepts again. */
export function monitorToInput(m: Monitor | MonitorDraft): Record<string, unknown> {
  const { name, type } = m;
  const out: Record<string, unknown> = { name, type };
  const keys = Object.keys(monitorInputSchema.shape) as Array<keyof MonitorDraft>;
  for (const k of keys) {
    if (k === "name" || k === "type") continue;
    const v = (m as MonitorDraft)[k];
    if (v !== null && v !== undefined) out[k] = v;
  }
  return out;
}
