import http, { type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders } from "node:http";
import net from "node:net";
import { pipeline, type Readable } from "node:stream";
import tls, { type PeerCertificate, type TLSSocket } from "node:tls";
import zlib from "node:zlib";
import type { AbortSource } from "./deadline.js";
import type { ResolvedAddress } from "./types.js";

/** When each phase of one request happened (performance.now()), and the peer's certificate. */
export interface HopTimes {
  startAt: number;
  connectAt: number;
  secureAt: number;
  responseAt: number;
  peerCert: PeerCertificate | null;
}

export interface HopRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

export interface HopResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body, decompressed when the server compressed it. */
  body: Readable;
}

/** What we offer; each is decoded below so a keyword is searched in the text, not in gzip. */
const ACCEPT_ENCODING = "gzip, deflate, br";
/** The Accept header checks have always sent; kept so content negotiation answers as before. */
const ACCEPT = "application/json, text/plain, */*";
/** Lenient like browsers: a body cut short after the last full block still yields its text. */
const ZLIB_OPTIONS = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };

/**
 * Sends one request over a connection of its own to the address the SSRF guard vetted: no agent
 * (nothing pooled, no TLS session reused, so every check does a full handshake and sees the
 * certificate), no name lookup (the socket is opened to the vetted address; the URL's host goes
 * into the Host header and SNI). Socket events are recorded for the phase timings. The caller's
 * signal destroys the request at any point.
 */
export function sendRequest(
  hop: HopRequest,
  target: ResolvedAddress,
  verify: boolean,
  times: HopTimes,
  signal: AbortSource,
): Promise<HopResponse> {
  const { url } = hop;
  const secure = url.protocol === "https:";
  const port = url.port ? Number(url.port) : secure ? 443 : 80;
  const headers: OutgoingHttpHeaders = { host: url.host, accept: ACCEPT, "accept-encoding": ACCEPT_ENCODING };
  for (const k in hop.headers) headers[k] = hop.headers[k];
  if (url.username || url.password) {
    // Credentials in the URL are basic auth, and win over an auth header, as they always have.
    const user = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    headers.authorization = `Basic ${Buffer.from(user).toString("base64")}`;
  }
  if (hop.body !== undefined) headers["content-length"] = Buffer.byteLength(hop.body);

  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    times.startAt = performance.now();
    const createConnection = (): net.Socket => {
      if (!secure) {
        const socket = net.connect({ host: target.address, port });
        socket.once("connect", () => (times.connectAt = performance.now()));
        return socket;
      }
      const socket: TLSSocket = tls.connect({
        host: target.address,
        port,
        // SNI and the identity check use the name; an IP literal is checked as itself.
        servername: isLiteralHost(url.hostname) ? undefined : url.hostname,
        rejectUnauthorized: verify,
      });
      socket.once("connect", () => (times.connectAt = performance.now()));
      socket.once("secureConnect", () => {
        times.secureAt = performance.now();
        times.peerCert = socket.getPeerCertificate();
      });
      return socket;
    };
    const req = http.request(
      { method: hop.method, path: `${url.pathname}${url.search}`, headers, setHost: false, createConnection },
      (res) => {
        times.responseAt = performance.now();
        signal.removeEventListener("abort", onAbort);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: decoded(res, hop.method) });
      },
    );
    const onAbort = () => req.destroy(signal.reason as Error);
    signal.addEventListener("abort", onAbort, { once: true });
    // `on`, not `once`: a second error from the same request must not become an uncaught one.
    req.on("error", (err) => {
      signal.removeEventListener("abort", onAbort);
      reject(err);
    });
    req.end(hop.body);
  });
}

function decoded(res: IncomingMessage, method: string): Readable {
  if (method === "HEAD" || res.statusCode === 204 || res.statusCode === 304) return res;
  const encoding = String(res.headers["content-encoding"] ?? "").toLowerCase();
  let decoder: zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress;
  if (encoding === "gzip" || encoding === "x-gzip") decoder = zlib.createGunzip(ZLIB_OPTIONS);
  else if (encoding === "deflate") decoder = zlib.createInflate(ZLIB_OPTIONS);
  else if (encoding === "br") {
    decoder = zlib.createBrotliDecompress({
      flush: zlib.constants.BROTLI_OPERATION_FLUSH,
      finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
    });
  } else return res;
  // pipeline destroys both ends when either fails or the reader stops at the body cap.
  return pipeline(res, decoder, () => undefined);
}

export function isLiteralHost(hostname: string): boolean {
  return hostname.startsWith("[") || /^[\d.]+$/.test(hostname);
}
