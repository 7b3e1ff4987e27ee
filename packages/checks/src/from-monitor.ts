import type { Monitor } from "@uptop/core";
import type { CheckSpec, HttpMethod } from "./types.js";

/**
 * The check a stored monitor describes, or null for push and group monitors, which the engine
 * evaluates itself. The engine and the probes both map monitors here, so they run the same check.
 */
export function checkSpecFromMonitor(m: Monitor): CheckSpec | null {
  const timeoutS = m.timeout;
  switch (m.type) {
    case "http":
      return {
        type: "http",
        url: m.url ?? "",
        method: m.method as HttpMethod,
        headers: m.headers,
        body: m.body,
        auth: m.auth,
        acceptedCodes: m.acceptedCodes,
        keyword: m.keyword,
        keywordAbsent: m.keywordAbsent,
        jsonAssertion: m.jsonAssertion,
        followRedirects: m.followRedirects,
        maxRedirects: m.maxRedirects,
        ignoreTls: m.ignoreTls,
        certExpiryDays: m.certExpiryDays,
        timeoutS,
      };
    case "tcp":
      return { type: "tcp", hostname: m.hostname ?? "", port: m.port ?? 0, timeoutS };
    case "dns":
      return {
        type: "dns",
        hostname: m.hostname ?? "",
        recordType: m.recordType ?? "A",
        resolver: m.resolver,
        expected: m.expected,
        expectedMode: m.expectedMode,
        timeoutS,
      };
    case "ping":
      return { type: "ping", hostname: m.hostname ?? "", pingCount: m.pingCount, timeoutS };
    case "tls":
      return {
        type: "tls",
        hostname: m.hostname ?? "",
        port: m.port ?? 443,
        ignoreTls: m.ignoreTls,
        certExpiryDays: m.certExpiryDays,
        timeoutS,
      };
    case "push":
    case "group":
      return null;
  }
}
