import { runDnsCheck } from "./dns-check.js";
import { runHttpCheck } from "./http-check.js";
import { runPingCheck } from "./ping-check.js";
import { runTcpCheck } from "./tcp-check.js";
import { runTlsCheck } from "./tls-check.js";
import type {
  CheckOptions,
  CheckResult,
  CheckSpec,
  DnsCheckResult,
  DnsCheckSpec,
  HttpCheckResult,
  HttpCheckSpec,
  PingCheckResult,
  PingCheckSpec,
  TcpCheckResult,
  TcpCheckSpec,
  TlsCheckResult,
  TlsCheckSpec,
} from "./types.js";
import { storableResult } from "./storable-result.js";
import { validateSpec } from "./validate-spec.js";

/**
 * Runs one check. Resolves for every failure of the target (`ok: false` with a coded error);
 * throws InvalidCheckSpecError only when the spec itself is malformed. Every text of the result
 * is storable (no NUL, no half character), however the target answered.
 */
export function runCheck(spec: HttpCheckSpec, options?: CheckOptions): Promise<HttpCheckResult>;
export function runCheck(spec: TcpCheckSpec, options?: CheckOptions): Promise<TcpCheckResult>;
export function runCheck(spec: DnsCheckSpec, options?: CheckOptions): Promise<DnsCheckResult>;
export function runCheck(spec: PingCheckSpec, options?: CheckOptions): Promise<PingCheckResult>;
export function runCheck(spec: TlsCheckSpec, options?: CheckOptions): Promise<TlsCheckResult>;
export function runCheck(spec: CheckSpec, options?: CheckOptions): Promise<CheckResult>;
export async function runCheck(spec: CheckSpec, options: CheckOptions = {}): Promise<CheckResult> {
  validateSpec(spec);
  return storableResult(await run(spec, options));
}

function run(spec: CheckSpec, options: CheckOptions): Promise<CheckResult> {
  switch (spec.type) {
    case "http":
      return runHttpCheck(spec, options);
    case "tcp":
      return runTcpCheck(spec, options);
    case "dns":
      return runDnsCheck(spec, options);
    case "ping":
      return runPingCheck(spec, options);
    case "tls":
      return runTlsCheck(spec, options);
  }
}
