import type { KumaMonitor } from "./kuma-backup.js";
import { unmappedFieldNotes } from "./kuma-monitor-fields.js";

/** A Kuma monitor as an uptop monitor entry, or the reason it cannot be one. */
export type MonitorMapping =
  | {
      ok: true;
      entry: Record<string, unknown> /** Kuma settings whose meaning changed, or that were not imported. */;
      notes: string[];
    }
  | Skip;

type Skip = { ok: false; reason: string };

const HTTP_LIKE = new Set(["http", "keyword", "json-query"]);
const DNS_TYPES = new Set(["A", "AAAA", "CNAME", "MX", "TXT", "NS", "SOA", "SRV", "PTR", "CAA"]);
/** A JSONata expression we can run as a plain path: `$.data.status`, `items[0].ok`. */
const SIMPLE_PATH = /^\$?\.?[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])*$/;

function skip(reason: string): Skip {
  return { ok: false, reason };
}

/** Kuma's resolver and its port (a field of its own) as uptop's `host:port`. */
function resolverOf(server: string, port: number | null | undefined): string {
  const bracketed = server.startsWith("[");
  const hasPort = bracketed ? /\]:\d+$/.test(server) : server.split(":").length === 2;
  if (!port || port === 53 || hasPort) return server;
  // A bare IPv6 address needs brackets before a port can follow it.
  return !bracketed && server.includes(":") ? `[${server}]:${port}` : `${server}:${port}`;
}

function isSkip(v: MonitorMapping | Record<string, unknown>): v is Skip {
  return v.ok === false && typeof v.reason === "string";
}

/**
 * The body as Kuma sends it: a JSON body parsed and sent again as compact JSON, XML and form
 * bodies as written, each with its Content-Type (a body without one would go out as form data).
 */
function requestBody(k: KumaMonitor): { text: string; contentType: string } | Skip | undefined {
  if (!k.body || k.body.trim() === "") return undefined;
  const encoding = k.httpBodyEncoding ?? "json";
  if (encoding === "json") {
    try {
      return { text: JSON.stringify(JSON.parse(k.body)), contentType: "application/json" };
    } catch {
      return skip("its JSON body is not valid JSON: Kuma refused to send it, so the monitor was always DOWN");
    }
  }
  if (encoding === "xml") return { text: k.body, contentType: "text/xml; charset=utf-8" };
  if (encoding === "form") return { text: k.body, contentType: "application/x-www-form-urlencoded" };
  return skip(`body encoding "${encoding}" is not one Kuma knows (json, xml or form)`);
}

function httpFields(k: KumaMonitor): MonitorMapping | Record<string, unknown> {
  const out: Record<string, unknown> = { url: k.url ?? undefined };
  if (k.method) out.method = k.method.toUpperCase();
  if (k.headers && k.headers.trim() !== "") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(k.headers);
    } catch {
      return skip("its headers are not valid JSON");
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
      return skip("its headers are not a JSON object");
    out.headers = Object.fromEntries(Object.entries(parsed as Record<string, unknown>).map(([h, v]) => [h, String(v)]));
  }
  const body = requestBody(k);
  if (body && "ok" in body) return body;
  if (body) {
    out.body = body.text;
    const headers = (out.headers ?? {}) as Record<string, string>;
    // Kuma's own headers come after its Content-Type, so a monitor's header wins, whatever its case.
    if (!Object.keys(headers).some((h) => h.toLowerCase() === "content-type"))
      out.headers = { "Content-Type": body.contentType, ...headers };
  }
  if (k.accepted_statuscodes?.length) out.acceptedCodes = k.accepted_statuscodes.join(",");
  if (k.ignoreTls) out.ignoreTls = true;
  if (typeof k.maxredirects === "number") {
    // Kuma's "0 redirects" means do not follow; ours keeps the two apart.
    out.maxRedirects = Math.min(k.maxredirects, 20);
    if (k.maxredirects === 0) out.followRedirects = false;
  }
  const basic = k.authMethod === "basic" || (!k.authMethod && k.basic_auth_user);
  if (basic && k.basic_auth_user)
    out.auth = { type: "basic", username: k.basic_auth_user, password: k.basic_auth_pass ?? "" };
  else if (k.authMethod && k.authMethod !== "basic")
    return skip(`authentication method "${k.authMethod}" is not supported`);
  if (k.type === "keyword") {
    if (!k.keyword) return skip("a keyword monitor without a keyword");
    out[k.invertKeyword ? "keywordAbsent" : "keyword"] = k.keyword;
  }
  if (k.type === "json-query") {
    const path = k.jsonPath?.trim() ?? "";
    if (!SIMPLE_PATH.test(path)) return skip(`JSON query "${path}" is a JSONata expression, not a plain path`);
    out.jsonAssertion = { path: path.startsWith("$") ? path : `$.${path}`, equals: k.expectedValue ?? "" };
  }
  return out;
}

/**
 * Maps one Kuma monitor's own fields (parent and notifications are linked by the caller).
 * Anything we would have to approximate is skipped with a reason rather than imported broken.
 */
export function mapKumaMonitor(k: KumaMonitor): MonitorMapping {
  if (k.upsideDown) return skip("upside-down mode is not supported");
  const common: Record<string, unknown> = { name: k.name.trim() };
  if (k.description) common.description = k.description;
  if (k.active === false || k.active === 0) common.paused = true;
  const intervalS = k.interval && k.interval > 0 ? k.interval : 60;
  common.interval = intervalS;
  if (typeof k.maxretries === "number" && k.maxretries > 0) common.retries = Math.min(k.maxretries, 100);
  if (k.retryInterval && k.retryInterval > 0 && k.retryInterval !== intervalS) common.retryInterval = k.retryInterval;
  // Kuma allows a timeout up to the interval; ours must be below it.
  if (typeof k.timeout === "number" && k.timeout > 0)
    common.timeout = k.timeout < intervalS ? k.timeout : Math.max(1, Math.floor(intervalS * 0.8));

  const notes: string[] = [];
  if (k.resendInterval && k.resendInterval > 0) {
    notes.push(
      `Kuma re-sent DOWN notifications every ${k.resendInterval} checks (about ${k.resendInterval * intervalS} s); uptop sets reminders per channel, so set reminderInterval on its channels`,
    );
  }

  if (k.tags?.length) {
    const tags = k.tags.map((t) => (t.value ? `${t.name ?? ""}:${t.value}` : (t.name ?? ""))).join(", ");
    notes.push(`its Kuma tags (${tags}) are not imported: uptop has no tags`);
  }
  if (typeof k.proxyId === "number" && HTTP_LIKE.has(k.type))
    notes.push(
      `Kuma sent its requests through an HTTP proxy (Kuma proxy id ${k.proxyId}), which is not imported: uptop connects directly`,
    );
  notes.push(...unmappedFieldNotes(k));

  let specific: Record<string, unknown>;
  if (HTTP_LIKE.has(k.type)) {
    const fields = httpFields(k);
    if (isSkip(fields)) return fields;
    specific = { type: "http", ...fields };
    if (typeof k.url === "string" && /^https:/i.test(k.url)) {
      // Kuma warns of an expiring certificate only when asked to, and never when it ignores TLS
      // errors; 0 days keeps uptop quiet too.
      if (!k.expiryNotification || k.ignoreTls) specific.certExpiryDays = 0;
      else
        notes.push(
          "Kuma's certificate-expiry reminder days are a server-wide setting; uptop warns once, when fewer than 14 days are left (certExpiryDays)",
        );
    }
  } else if (k.type === "port")
    specific = { type: "tcp", hostname: k.hostname ?? undefined, port: k.port ?? undefined };
  else if (k.type === "ping") specific = { type: "ping", hostname: k.hostname ?? undefined };
  else if (k.type === "dns") {
    const recordType = (k.dns_resolve_type ?? "A").toUpperCase();
    if (!DNS_TYPES.has(recordType)) return skip(`DNS record type ${recordType} is not supported`);
    // A DNS monitor's `port` is its resolver's port.
    const resolver = k.dns_resolve_server ? resolverOf(k.dns_resolve_server.trim(), k.port) : undefined;
    specific = { type: "dns", hostname: k.hostname ?? undefined, recordType, ...(resolver ? { resolver } : {}) };
  } else if (k.type === "push") {
    if (!k.pushToken) return skip("a push monitor without a push token");
    specific = { type: "push", token: k.pushToken };
  } else if (k.type === "group") specific = { type: "group" };
  else return skip(`monitor type "${k.type}" is not supported`);

  return { ok: true, entry: { ...common, ...specific }, notes };
}
