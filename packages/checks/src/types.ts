import type { CheckError, DnsRecordType, HttpAuth, JsonAssertion } from "@uptop/core";
import type { LookupFn } from "@uptop/ssrf-guard";

export type HttpMethod = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS";

/** Fields shared by every check type. */
interface CheckSpecBase {
  /** Seconds for the whole check, redirects and body included. Default 10. */
  timeoutS?: number;
}

export interface HttpCheckSpec extends CheckSpecBase {
  type: "http";
  url: string;
  method?: HttpMethod;
  headers?: Record<string, string>;
  body?: string | null;
  auth?: HttpAuth | null;
  /** `200-299,301`. Default `200-299`. */
  acceptedCodes?: string;
  keyword?: string | null;
  keywordAbsent?: string | null;
  jsonAssertion?: JsonAssertion | null;
  /** Default true. */
  followRedirects?: boolean;
  /** Default 10. */
  maxRedirects?: number;
  /** Skip certificate verification and expiry judgement for this target. Default false. */
  ignoreTls?: boolean;
  /** Warn when the peer certificate expires within this many days. Default 14. */
  certExpiryDays?: number;
}

export interface TcpCheckSpec extends CheckSpecBase {
  type: "tcp";
  hostname: string;
  port: number;
}

export interface DnsCheckSpec extends CheckSpecBase {
  type: "dns";
  /** The name to resolve (an IP address is turned into its reverse name for PTR). */
  hostname: string;
  /** Default A. */
  recordType?: DnsRecordType;
  /** `host` or `host:port` (`[v6]:port`); default the system's first resolver. */
  resolver?: string | null;
  /** Values the answer must contain; empty means any non-empty answer is fine. */
  expected?: string[];
  /** `any` (default): one expected value is enough; `all`: every one must be present. */
  expectedMode?: "any" | "all";
}

export interface PingCheckSpec extends CheckSpecBase {
  type: "ping";
  hostname: string;
  /** Echo requests to send. Default 3. */
  pingCount?: number;
}

export interface TlsCheckSpec extends CheckSpecBase {
  type: "tls";
  hostname: string;
  /** Default 443. */
  port?: number;
  /** Skip chain and host-name verification; expiry is still judged. Default false. */
  ignoreTls?: boolean;
  /** Warn when a certificate of the chain expires within this many days. Default 14. */
  certExpiryDays?: number;
}

export type CheckSpec = HttpCheckSpec | TcpCheckSpec | DnsCheckSpec | PingCheckSpec | TlsCheckSpec;
export type CheckType = CheckSpec["type"];

export type { LookupFn, ResolvedAddress } from "@uptop/ssrf-guard";

export interface CheckOptions {
  /** Let checks reach loopback, private and link-local addresses. Default false. */
  allowPrivateTargets?: boolean;
  /** Skip TLS verification for every check, whatever the spec says. Default false. */
  insecureSkipVerify?: boolean;
  /** Aborting ends the check early with a TIMEOUT result. */
  signal?: AbortSignal;
  /** Sent as User-Agent by http checks unless the spec sets one. */
  userAgent?: string;
  /** Replaces the system resolver for target names (tests, custom resolution). */
  lookup?: LookupFn;
}

export interface CertInfo {
  subject: string;
  issuer: string;
  validFrom: string;
  /** ISO time. */
  validTo: string;
  /** Whole days until expiry; negative once expired. */
  daysLeft: number;
  /** True when daysLeft is below the spec's certExpiryDays. */
  expiringSoon: boolean;
}

/** Milliseconds spent in each phase of the last request; null when a phase did not happen. */
export interface HttpTimings {
  dns: number | null;
  connect: number | null;
  tls: number | null;
  firstByte: number | null;
}

export interface HttpDetails {
  statusCode: number | null;
  /** The URL of the last request made (after redirects). */
  finalUrl: string;
  redirects: number;
  /** The address the last request connected to. */
  address: string | null;
  timings: HttpTimings;
  cert: CertInfo | null;
  bodyBytes: number;
  /** True when the body was longer than the read cap and reading stopped there. */
  bodyTruncated: boolean;
}

export interface TcpDetails {
  address: string | null;
  port: number;
}

export interface DnsDetails {
  resolver: string | null;
  rcode: string | null;
  /** Records of the requested type, formatted as text (MX: `10 mail.example.com`). */
  answers: string[];
}

export interface PingDetails {
  address: string | null;
  sent: number;
  received: number;
  lossPercent: number | null;
  avgRttMs: number | null;
}

export interface TlsDetails {
  address: string | null;
  port: number;
  protocol: string | null;
  /** Whether the chain and host name verified (always reported, even when ignored). */
  authorized: boolean;
  /** The leaf certificate. */
  cert: CertInfo | null;
  /** Every certificate the peer sent, leaf first. */
  chain: CertInfo[];
}

interface CheckResultBase {
  ok: boolean;
  /** Null when the check failed before it could measure anything. */
  latencyMs: number | null;
  /** ISO time the check finished. */
  checkedAt: string;
  error: CheckError | null;
  /** Set when the check passed but something needs attention (a certificate expiring soon, packet loss). */
  warning: string | null;
}

export interface HttpCheckResult extends CheckResultBase {
  type: "http";
  details: HttpDetails;
}
export interface TcpCheckResult extends CheckResultBase {
  type: "tcp";
  details: TcpDetails;
}
export interface DnsCheckResult extends CheckResultBase {
  type: "dns";
  details: DnsDetails;
}
export interface PingCheckResult extends CheckResultBase {
  type: "ping";
  details: PingDetails;
}
export interface TlsCheckResult extends CheckResultBase {
  type: "tls";
  details: TlsDetails;
}

export type CheckResult = HttpCheckResult | TcpCheckResult | DnsCheckResult | PingCheckResult | TlsCheckResult;
