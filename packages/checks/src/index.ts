export { runCheck } from "./run-check.js";
export { checkSpecFromMonitor } from "./from-monitor.js";
export { isBlockedAddress } from "@uptop/ssrf-guard";
export { InvalidCheckSpecError } from "./errors.js";
export { validateSpec } from "./validate-spec.js";
export { BODY_CAP_BYTES } from "./body-reader.js";
export type {
  CheckSpec,
  CheckType,
  HttpCheckSpec,
  TcpCheckSpec,
  DnsCheckSpec,
  PingCheckSpec,
  TlsCheckSpec,
  HttpMethod,
  CheckOptions,
  LookupFn,
  ResolvedAddress,
  CheckResult,
  HttpCheckResult,
  TcpCheckResult,
  DnsCheckResult,
  PingCheckResult,
  TlsCheckResult,
  HttpDetails,
  HttpTimings,
  TcpDetails,
  DnsDetails,
  PingDetails,
  TlsDetails,
  CertInfo,
} from "./types.js";
