import http, { type IncomingMessage, type RequestOptions } from "node:http";
import https from "node:https";
import type { Readable } from "node:stream";
import type { PeerCertificate, TLSSocket } from "node:tls";
import axios, { type AxiosResponse } from "axios";
import { parseAcceptedCodes, withoutCredentials, type CheckError } from "@uptop/core";
import { BODY_CAP_BYTES, readBodyCapped } from "./body-reader.js";
import { describeCert, expiryWarning } from "./cert-info.js";
import { Deadline, timeoutMessage } from "./deadline.js";
import { checkJsonAssertion } from "./json-path.js";
import { networkError } from "./network-error.js";
import { pinnedLookup, vetTarget, type VetOptions, type VetResult } from "@uptop/ssrf-guard";
import type {
  CheckOptions,
  HttpCheckResult,
  HttpCheckSpec,
  HttpDetails,
  HttpTimings,
  ResolvedAddress,
} from "./types.js";

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Headers that must not follow a redirect to another origin. */
const CREDENTIAL_HEADERS = new Set(["authorization", "cookie", "proxy-authorization"]);
const DEFAULT_USER_AGENT = "uptop-checks";

/**
 * One stateless client for every check: redirects are ours (each hop is vetted), statuses are
 * judged by us, bodies are streamed so the cap holds, and proxies from the environment are
 * ignored because they would bypass the pinned address.
 */
const client = axios.create({
  maxRedirects: 0,
  validateStatus: () => true,
  responseType: "stream",
  proxy: false,
  decompress: true,
  adapter: "http",
});

/**
 * `agent: false` would build a new Agent for every request; these shared ones pool nothing
 * either (no keep-alive, so each check opens and closes its own connection, and no TLS session
 * cache, so each check does a full handshake and sees the certificate) but cost nothing per check.
 */
const httpAgent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
const httpsAgent = new https.Agent({ keepAlive: false, maxSockets: Infinity, maxCachedSessions: 0 });

interface HopTimes {
  startAt: number;
  connectAt: number;
  secureAt: number;
  responseAt: number;
  peerCert: PeerCertificate | null;
}

interface Hop {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** The guard each hop passes; a parameter only so tests can stand in a public first hop. */
export type Vet = (host: string, options: VetOptions) => Promise<VetResult>;

export async function runHttpCheck(
  spec: HttpCheckSpec,
  options: CheckOptions,
  vet: Vet = vetTarget,
): Promise<HttpCheckResult> {
  const started = performance.now();
  const deadline = new Deadline((spec.timeoutS ?? 10) * 1000, options.signal);
  const timings: HttpTimings = { dns: null, connect: null, tls: null, firstByte: null };
  const details: HttpDetails = {
    statusCode: null,
    finalUrl: withoutCredentials(spec.url),
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
  let hop: Hop = {
    url: new URL(spec.url),
    method: spec.method ?? "GET",
    headers: requestHeaders(spec, options),
    body: spec.body ?? undefined,
  };
  const visited = new Set<string>([hop.url.href]);
  let response: AxiosResponse<Readable> | undefined;
  try {
    for (;;) {
      details.finalUrl = withoutCredentials(hop.url.href);
      const dnsStart = performance.now();
      const vetted = await deadline.race(vet(hop.url.hostname, options));
      timings.dns = isLiteralHost(hop.url.hostname) ? null : round(performance.now() - dnsStart);
      if (!vetted.ok) return finish(vetted.error);
      details.address = vetted.target.address;

      const times: HopTimes = { startAt: 0, connectAt: 0, secureAt: 0, responseAt: 0, peerCert: null };
      try {
        response = await client.request<Readable>({
          url: hop.url.href,
          method: hop.method,
          headers: hop.headers,
          data: hop.body,
          transport: timedTransport(hop.url.protocol === "https:", vetted.target, verify, times, deadline.signal),
        });
      } finally {
        recordTimings(timings, times);
        if (times.peerCert) details.cert = describeCert(times.peerCert, spec.certExpiryDays ?? 14, new Date());
      }
      details.statusCode = response.status;

      const location = response.headers.location;
      if (!followRedirects || !REDIRECT_STATUSES.has(response.status) || typeof location !== "string") break;
      response.data.destroy();
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
        : await readBodyCapped(response.data, BODY_CAP_BYTES, keep, deadline.signal);
    details.bodyBytes = read.bytes;
    details.bodyTruncated = read.truncated;
    latencyMs = round(performance.now() - started);
    if (details.cert && details.cert.daysLeft < 0)
      warning = `certificate expired ${details.cert.validTo} (TLS verification is off)`;
    else if (details.cert?.expiringSoon) warning = expiryWarning(details.cert);
    return finish(judge(spec, response.status, read.text));
  } catch (err) {
    response?.data.destroy();
    if (deadline.error) return finish({ code: "TIMEOUT", message: timeoutMessage(deadline) });
    return finish(networkError(err));
  } finally {
    deadline.dispose();
  }
}

function judge(spec: HttpCheckSpec, status: number, text: string | null): CheckError | null {
  const accepted = parseAcceptedCodes(spec.acceptedCodes ?? "200-299") ?? [[200, 299]];
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
function redirectedHop(prev: Hop, next: URL, status: number): Hop {
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

/**
 * The transport axios calls for one request: a fresh connection (no keep-alive) to the vetted
 * address, TLS verification as asked, and socket events recorded for the phase timings.
 */
function timedTransport(
  secure: boolean,
  target: ResolvedAddress,
  verify: boolean,
  times: HopTimes,
  signal: AbortSignal,
) {
  return {
    request(opts: RequestOptions, onResponse: (res: IncomingMessage) => void) {
      times.startAt = performance.now();
      const requestOptions = {
        ...opts,
        agent: secure ? httpsAgent : httpAgent,
        lookup: pinnedLookup(target),
        rejectUnauthorized: verify,
      } as RequestOptions;
      const req = (secure ? https : http).request(requestOptions, (res) => {
        times.responseAt = performance.now();
        onResponse(res);
      });
      // The deadline destroys the request we hold, which is cheaper than axios' own signal plumbing.
      if (signal.aborted) req.destroy(signal.reason as Error);
      const onAbort = () => req.destroy(signal.reason as Error);
      signal.addEventListener("abort", onAbort, { once: true });
      req.once("close", () => signal.removeEventListener("abort", onAbort));
      req.once("socket", (socket) => {
        socket.once("connect", () => (times.connectAt = performance.now()));
        if (secure) {
          socket.once("secureConnect", () => {
            times.secureAt = performance.now();
            times.peerCert = (socket as TLSSocket).getPeerCertificate();
          });
        }
      });
      return req;
    },
  };
}

function recordTimings(t: HttpTimings, times: HopTimes): void {
  t.connect = times.connectAt ? round(times.connectAt - times.startAt) : null;
  t.tls = times.secureAt && times.connectAt ? round(times.secureAt - times.connectAt) : null;
  const ready = times.secureAt || times.connectAt;
  t.firstByte = times.responseAt && ready ? round(times.responseAt - ready) : null;
}

function isLiteralHost(hostname: string): boolean {
  return hostname.startsWith("[") || /^[\d.]+$/.test(hostname);
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
