import { withoutCredentials, type CheckError } from "@uptop/core";
import { acceptedRanges, DEFAULT_RANGES } from "./accepted-codes.js";
import { BODY_CAP_BYTES, readBodyCapped } from "./body-reader.js";
import { describeCert, expiryWarning } from "./cert-info.js";
import { Deadline, timeoutMessage } from "./deadline.js";
import { checkJsonAssertion } from "./json-path.js";
import { networkError } from "./network-error.js";
import { vetTarget, type VetOptions, type VetResult } from "@uptop/ssrf-guard";
import { isLiteralHost, sendRequest, type HopRequest, type HopResponse, type HopTimes } from "./http-request.js";
import type { CheckOptions, HttpCheckResult, HttpCheckSpec, HttpDetails, HttpTimings } from "./types.js";

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Headers that must not follow a redirect to another origin. */
const CREDENTIAL_HEADERS = new Set(["authorization", "cookie", "proxy-authorization"]);
const DEFAULT_USER_AGENT = "uptop-checks";

/** The guard each hop passes; a parameter only so tests can stand in a public first hop. */
export type Vet = (host: string, options: VetOptions) => Promise<VetResult>;

export async function runHttpCheck(
  spec: HttpCheckSpec,
  options: CheckOptions,
  vet: Vet = vetTarget,
): Promise<HttpCheckResult> {
  const started = performance.now();
  const deadline = new Deadline((spec.timeoutS ?? 10) * 1000, options.signal);
  let hop: HopRequest = {
    url: new URL(spec.url),
    method: spec.method ?? "GET",
    headers: requestHeaders(spec, options),
    body: spec.body ?? undefined,
  };
  const timings: HttpTimings = { dns: null, connect: null, tls: null, firstByte: null };
  const details: HttpDetails = {
    statusCode: null,
    finalUrl: shownUrl(hop.url),
    redirects: 0,
    address: null,
    timings,
    cert: null,
    bodyBytes: 0,
    bodyTruncated: false,
  };
  let latencyMs: number | null = null;
  let warning: string | null = null;
  const finish = (error: CheckError | null): HttpCheckResult => ({
    type: "http",
    ok: error === null,
    latencyMs,
    checkedAt: new Date().toISOString(),
    error,
    warning,
    details,
  });

  const verify = !(spec.ignoreTls || options.insecureSkipVerify);
  const followRedirects = spec.followRedirects ?? true;
  const maxRedirects = spec.maxRedirects ?? 10;
  let visited: Set<string> | undefined;
  let response: HopResponse | undefined;
  try {
    for (;;) {
      details.finalUrl = shownUrl(hop.url);
      const dnsStart = performance.now();
      // An address literal needs no lookup, so its vetting cannot hang: no race to build for it.
      const literal = isLiteralHost(hop.url.hostname);
      const vetted = literal
        ? await vet(hop.url.hostname, options)
        : await deadline.race(vet(hop.url.hostname, options));
      timings.dns = literal ? null : round(performance.now() - dnsStart);
      if (!vetted.ok) return finish(vetted.error);
      details.address = vetted.target.address;

      const times: HopTimes = { startAt: 0, connectAt: 0, secureAt: 0, responseAt: 0, peerCert: null };
      try {
        response = await sendRequest(hop, vetted.target, verify, times, deadline);
      } finally {
        recordTimings(timings, times);
        if (times.peerCert) details.cert = describeCert(times.peerCert, spec.certExpiryDays ?? 14, new Date());
      }
      details.statusCode = response.status;

      const location = response.headers.location;
      if (!followRedirects || !REDIRECT_STATUSES.has(response.status) || typeof location !== "string") break;
      response.body.destroy();
      if (details.redirects >= maxRedirects)
        return finish({ code: "PROTOCOL", message: `more than ${maxRedirects} redirects` });
      let next: URL;
      try {
        next = new URL(location, hop.url);
      } catch {
        return finish({ code: "PROTOCOL", message: `redirect to an invalid location: ${location.slice(0, 200)}` });
      }
      if (next.protocol !== "http:" && next.protocol !== "https:") {
        return finish({ code: "PROTOCOL", message: `redirect to unsupported scheme ${next.protocol}` });
      }
      // A relative redirect keeps the URL's credentials; a result never shows them.
      visited ??= new Set([hop.url.href]);
      if (visited.has(next.href))
        return finish({ code: "PROTOCOL", message: `redirect loop at ${withoutCredentials(next.href)}` });
      visited.add(next.href);
      details.redirects++;
      hop = redirectedHop(hop, next, response.status);
    }

    const keep = Boolean(spec.keyword || spec.keywordAbsent || spec.jsonAssertion);
    const read =
      hop.method === "HEAD"
        ? { bytes: 0, truncated: false, text: "" }
        : await readBodyCapped(response.body, BODY_CAP_BYTES, keep, deadline);
    details.bodyBytes = read.bytes;
    details.bodyTruncated = read.truncated;
    latencyMs = round(performance.now() - started);
    if (details.cert && details.cert.daysLeft < 0)
      warning = `certificate expired ${details.cert.validTo} (TLS verification is off)`;
    else if (details.cert?.expiringSoon) warning = expiryWarning(details.cert);
    return finish(judge(spec, response.status, read.text));
  } catch (err) {
    response?.body.destroy();
    if (deadline.error) return finish({ code: "TIMEOUT", message: timeoutMessage(deadline) });
    return finish(networkError(err));
  } finally {
    deadline.dispose();
  }
}

function judge(spec: HttpCheckSpec, status: number, text: string | null): CheckError | null {
  const accepted = acceptedRanges(spec.acceptedCodes ?? undefined) ?? DEFAULT_RANGES;
  if (!accepted.some(([lo, hi]) => status >= lo && status <= hi)) {
    return { code: "HTTP_STATUS", message: `status ${status} is not in ${spec.acceptedCodes ?? "200-299"}` };
  }
  const body = text ?? "";
  if (spec.keyword && !body.includes(spec.keyword))
    return { code: "KEYWORD", message: `keyword "${spec.keyword}" not found` };
  if (spec.keywordAbsent && body.includes(spec.keywordAbsent)) {
    return { code: "KEYWORD", message: `keyword "${spec.keywordAbsent}" found but should be absent` };
  }
  if (spec.jsonAssertion) {
    let doc: unknown;
    try {
      doc = JSON.parse(body);
    } catch {
      return { code: "ASSERTION", message: "response body is not valid JSON" };
    }
    const failure = checkJsonAssertion(doc, spec.jsonAssertion);
    if (failure) return { code: "ASSERTION", message: failure };
  }
  return null;
}

function requestHeaders(spec: HttpCheckSpec, options: CheckOptions): Record<string, string> {
  const headers: Record<string, string> = { "user-agent": options.userAgent ?? DEFAULT_USER_AGENT };
  for (const [k, v] of Object.entries(spec.headers ?? {})) headers[k.toLowerCase()] = v;
  const auth = spec.auth;
  if (auth?.type === "basic")
    headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString("base64")}`;
  else if (auth?.type === "bearer") headers.authorization = `Bearer ${auth.token}`;
  return headers;
}

/** Browser rules: 303 (and 301/302 after a POST) become a GET; credentials stay on their origin. */
function redirectedHop(prev: HopRequest, next: URL, status: number): HopRequest {
  const toGet = status === 303 || ((status === 301 || status === 302) && prev.method === "POST");
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(prev.headers)) {
    if (next.origin !== prev.url.origin && CREDENTIAL_HEADERS.has(k)) continue;
    if (toGet && (k === "content-type" || k === "content-length")) continue;
    headers[k] = v;
  }
  return {
    url: next,
    method: toGet && prev.method !== "HEAD" ? "GET" : prev.method,
    headers,
    body: toGet ? undefined : prev.body,
  };
}

function recordTimings(t: HttpTimings, times: HopTimes): void {
  t.connect = times.connectAt ? round(times.connectAt - times.startAt) : null;
  t.tls = times.secureAt && times.connectAt ? round(times.secureAt - times.connectAt) : null;
  const ready = times.secureAt || times.connectAt;
  t.firstByte = times.responseAt && ready ? round(times.responseAt - ready) : null;
}

/** The URL as results show it: never with its credentials. */
function shownUrl(url: URL): string {
  return url.username || url.password ? withoutCredentials(url.href) : url.href;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
