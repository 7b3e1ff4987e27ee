import tls, { type PeerCertificate, type TLSSocket } from "node:tls";
import type { CheckError } from "@uptop/core";
import { describeChain, expiryWarning, isExpired } from "./cert-info.js";
import { Deadline, timeoutMessage, type AbortSource } from "./deadline.js";
import { networkError } from "./network-error.js";
import { ipLiteral, vetTarget } from "@uptop/ssrf-guard";
import type { CheckOptions, TlsCheckResult, TlsCheckSpec, TlsDetails } from "./types.js";

export async function runTlsCheck(spec: TlsCheckSpec, options: CheckOptions): Promise<TlsCheckResult> {
  const deadline = new Deadline((spec.timeoutS ?? 10) * 1000, options.signal);
  const port = spec.port ?? 443;
  const details: TlsDetails = { address: null, port, protocol: null, authorized: false, cert: null, chain: [] };
  let latencyMs: number | null = null;
  let warning: string | null = null;
  const finish = (error: CheckError | null): TlsCheckResult => ({
    type: "tls",
    ok: error === null,
    latencyMs,
    checkedAt: new Date().toISOString(),
    error,
    warning,
    details,
  });
  try {
    const vetted = await deadline.race(vetTarget(spec.hostname, options));
    if (!vetted.ok) return finish(vetted.error);
    details.address = vetted.target.address;
    const servername = ipLiteral(spec.hostname) ? undefined : spec.hostname;
    const hs = await handshake(vetted.target.address, port, servername, deadline);
    latencyMs = hs.ms;
    details.protocol = hs.protocol;
    const now = new Date();
    const warnDays = spec.certExpiryDays ?? 14;
    details.chain = describeChain(hs.cert, warnDays, now);
    details.cert = details.chain[0] ?? null;
    // Identity is checked against the name the user gave, not the vetted IP we dialled.
    const identityError = tls.checkServerIdentity(spec.hostname.replace(/^\[|\]$/g, ""), hs.cert);
    details.authorized = hs.authorizationError === null && identityError === undefined;

    // Expiry is what a tls monitor watches, so it is judged even when verification is off.
    const expired = details.chain.find((c) => isExpired(c, now));
    if (expired)
      return finish({
        code: "CERT_EXPIRED",
        message: `certificate for ${expired.subject || spec.hostname} expired ${expired.validTo}`,
      });
    const verifyOn = !(spec.ignoreTls || options.insecureSkipVerify);
    if (verifyOn && hs.authorizationError)
      return finish({ code: "TLS", message: `certificate not trusted: ${hs.authorizationError}` });
    if (verifyOn && identityError) return finish({ code: "TLS", message: identityError.message });
    const soonest = [...details.chain].sort((a, b) => a.daysLeft - b.daysLeft)[0];
    if (soonest?.expiringSoon) warning = expiryWarning(soonest);
    return finish(null);
  } catch (err) {
    if (deadline.error) return finish({ code: "TIMEOUT", message: timeoutMessage(deadline) });
    return finish(networkError(err));
  } finally {
    deadline.dispose();
  }
}

interface Handshake {
  ms: number;
  protocol: string | null;
  cert: PeerCertificate;
  authorizationError: string | null;
}

/**
 * Completes a handshake without rejecting the peer, so the certificate can be described even
 * when it is expired or untrusted; nothing but the handshake is ever sent, so accepting an
 * untrusted peer here leaks nothing. The verdict is made by the caller.
 */
function handshake(
  host: string,
  port: number,
  servername: string | undefined,
  signal: AbortSource,
): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const socket: TLSSocket = tls.connect({
      host,
      port,
      servername,
      rejectUnauthorized: false,
      ALPNProtocols: ["http/1.1"],
    });
    const onAbort = () => socket.destroy(signal.reason as Error);
    signal.addEventListener("abort", onAbort, { once: true });
    socket.once("secureConnect", () => {
      signal.removeEventListener("abort", onAbort);
      const ms = Math.round((performance.now() - start) * 100) / 100;
      const cert = socket.getPeerCertificate(true);
      const authError = socket.authorizationError;
      const result: Handshake = {
        ms,
        protocol: socket.getProtocol(),
        cert,
        authorizationError: authError ? String((authError as Error & { code?: string }).code ?? authError) : null,
      };
      socket.destroy();
      if (!cert?.valid_to) reject(Object.assign(new Error("peer sent no certificate"), { code: "ERR_TLS_NO_CERT" }));
      else resolve(result);
    });
    socket.once("error", (err) => {
      signal.removeEventListener("abort", onAbort);
      socket.destroy();
      reject(err);
    });
  });
}
