import type { CheckError, ErrorCode } from "@uptop/core";

const TLS_EXPIRED = new Set(["CERT_HAS_EXPIRED"]);
const DNS_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_FAIL", "EAI_NONAME", "ENODATA"]);
const TIMEOUT_CODES = new Set(["ETIMEDOUT", "ESOCKETTIMEDOUT", "ECONNABORTED"]);

/** Maps a socket, TLS or HTTP parser error to the check error codes every type shares. */
export function networkErrorCode(err: unknown): ErrorCode {
  const code = String((err as { code?: unknown } | null)?.code ?? "");
  if (TLS_EXPIRED.has(code)) return "CERT_EXPIRED";
  if (DNS_CODES.has(code)) return "DNS";
  if (TIMEOUT_CODES.has(code)) return "TIMEOUT";
  if (code.startsWith("HPE_") || code === "ERR_FR_TOO_MANY_REDIRECTS") return "PROTOCOL";
  if (
    code.includes("CERT") ||
    code.startsWith("ERR_TLS") ||
    code.startsWith("ERR_SSL") ||
    code === "EPROTO" ||
    code.includes("SELF_SIGNED") ||
    code.includes("VERIFY") ||
    code.includes("ISSUER")
  ) {
    return "TLS";
  }
  return "CONNECT";
}

export function networkError(err: unknown, prefix = ""): CheckError {
  const message = err instanceof Error ? err.message : String(err);
  return { code: networkErrorCode(err), message: prefix + (message || "connection failed") };
}
