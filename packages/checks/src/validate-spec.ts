import { DNS_RECORD_TYPES, monitorInputSchema, type FieldIssue } from "@uptop/core";
import { acceptedRanges } from "./accepted-codes.js";
import { InvalidCheckSpecError } from "./errors.js";
import type { CheckSpec } from "./types.js";

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
const RECORD_TYPES: ReadonlySet<string> = new Set(DNS_RECORD_TYPES);

type Fields = Record<string, unknown>;

/**
 * Why `value` breaks the monitor schema's rule for `field`, or undefined when it passes as it is.
 * One definition for the API and the checks, so the API stores no monitor that cannot run. A
 * value the schema would rewrite (a trimmed host, a "30s" timeout) is not a spec value.
 */
function schemaProblem(field: SharedField, value: unknown): string | undefined {
  // Every check validates its spec and the same few timeouts and host names come back all the
  // time: remembering the answer for plain values keeps the schema out of the per-check cost.
  if (typeof value === "object") return parseProblem(field, value);
  const key = `${field}\0${typeof value}\0${String(value)}`;
  const known = answers.get(key);
  if (known !== undefined) return known || undefined;
  if (answers.size >= ANSWERS_MAX) answers.clear();
  const problem = parseProblem(field, value);
  answers.set(key, problem ?? "");
  return problem;
}

type SharedField = "timeout" | "hostname" | "headers" | "resolver";
/** Schema answers for plain values; "" is "no problem". Bounded: host names are not. */
const answers = new Map<string, string>();
const ANSWERS_MAX = 4096;

function parseProblem(field: SharedField, value: unknown): string | undefined {
  const r = monitorInputSchema.shape[field].safeParse(value);
  if (!r.success) return r.error.issues[0]?.message ?? "is invalid";
  if (typeof value !== "object" && r.data !== value)
    return `must be ${typeof value === "string" ? "given without surrounding spaces" : "a number"}`;
  return undefined;
}

/**
 * Rejects a spec that cannot be run, naming every bad field. Specs built from stored monitors
 * pass already; this guards callers that assemble specs by hand.
 */
export function validateSpec(spec: CheckSpec): void {
  const issues: FieldIssue[] = [];
  const s = spec as unknown as Fields;
  const bad = (field: string, message: string) => issues.push({ field, message });
  if (s === null || typeof s !== "object")
    throw new InvalidCheckSpecError([{ field: "spec", message: "must be an object" }]);

  const optional = (field: string, test: (v: unknown) => boolean, message: string) => {
    const v = s[field];
    if (v !== undefined && v !== null && !test(v)) bad(field, message);
  };
  // A spec field named with its unit is checked by the monitor field it comes from.
  const shared = (field: Parameters<typeof schemaProblem>[0], specField: string = field) => {
    const v = s[specField];
    const problem = v === undefined || v === null ? undefined : schemaProblem(field, v);
    if (problem) bad(specField, problem);
  };
  const hostname = () => {
    if (typeof s.hostname !== "string" || s.hostname === "") bad("hostname", "must be a host name or IP address");
    else shared("hostname");
  };
  const isPort = (v: unknown) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 65535;
  const isDays = (v: unknown) => typeof v === "number" && Number.isFinite(v) && v >= 0;
  if (s.timeoutS !== undefined && typeof s.timeoutS !== "number") bad("timeoutS", "must be a number of seconds");
  else shared("timeout", "timeoutS");

  switch (s.type) {
    case "http": {
      let url: URL | undefined;
      try {
        url = typeof s.url === "string" ? new URL(s.url) : undefined;
      } catch {
        url = undefined;
      }
      if (!url || (url.protocol !== "http:" && url.protocol !== "https:"))
        bad("url", "must be an http:// or https:// URL");
      optional(
        "method",
        (v) => typeof v === "string" && METHODS.has(v),
        "must be GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS",
      );
      shared("headers");
      optional("body", (v) => typeof v === "string", "must be a string");
      optional(
        "auth",
        (v) => {
          const a = v as Fields;
          return (
            (a.type === "basic" && typeof a.username === "string" && typeof a.password === "string") ||
            (a.type === "bearer" && typeof a.token === "string")
          );
        },
        "must be {type: basic, username, password} or {type: bearer, token}",
      );
      optional(
        "acceptedCodes",
        (v) => typeof v === "string" && acceptedRanges(v) !== undefined,
        "must look like 200-299,301",
      );
      optional("keyword", (v) => typeof v === "string" && v !== "", "must be a non-empty string");
      optional("keywordAbsent", (v) => typeof v === "string" && v !== "", "must be a non-empty string");
      optional(
        "jsonAssertion",
        (v) => {
          const a = v as Fields;
          return (
            typeof a.path === "string" &&
            (a.equals !== undefined || typeof a.contains === "string" || typeof a.exists === "boolean")
          );
        },
        "needs a path and one of equals, contains or exists",
      );
      optional("followRedirects", (v) => typeof v === "boolean", "must be true or false");
      optional(
        "maxRedirects",
        (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 50,
        "must be a whole number from 0 to 50",
      );
      optional("ignoreTls", (v) => typeof v === "boolean", "must be true or false");
      optional("certExpiryDays", isDays, "must be a number of days");
      break;
    }
    case "tcp":
      hostname();
      if (!isPort(s.port)) bad("port", "must be a port number (1-65535)");
      break;
    case "tls":
      hostname();
      optional("port", isPort, "must be a port number (1-65535)");
      optional("ignoreTls", (v) => typeof v === "boolean", "must be true or false");
      optional("certExpiryDays", isDays, "must be a number of days");
      break;
    case "ping":
      hostname();
      optional(
        "pingCount",
        (v) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 100,
        "must be a whole number from 1 to 100",
      );
      break;
    case "dns":
      if (typeof s.hostname !== "string" || s.hostname === "" || s.hostname.length > 253 || /[\s]/.test(s.hostname)) {
        bad("hostname", "must be the name to resolve");
      }
      optional(
        "recordType",
        (v) => typeof v === "string" && RECORD_TYPES.has(v),
        `must be one of ${DNS_RECORD_TYPES.join(", ")}`,
      );
      shared("resolver");
      optional(
        "expected",
        (v) => Array.isArray(v) && v.every((e) => typeof e === "string"),
        "must be a list of strings",
      );
      optional("expectedMode", (v) => v === "any" || v === "all", "must be any or all");
      break;
    default:
      bad("type", "must be http, tcp, dns, ping or tls");
  }
  if (issues.length) throw new InvalidCheckSpecError(issues);
}
