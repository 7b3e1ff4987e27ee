import type { PeerCertificate } from "node:tls";
import type { CertInfo } from "./types.js";

const DAY_MS = 86_400_000;

/** Describes one certificate relative to `now`; pure so expiry arithmetic is testable. */
export function describeCert(cert: PeerCertificate, warnDays: number, now: Date): CertInfo | null {
  const validTo = Date.parse(cert.valid_to);
  const validFrom = Date.parse(cert.valid_from);
  if (!Number.isFinite(validTo)) return null;
  const daysLeft = Math.floor((validTo - now.getTime()) / DAY_MS);
  return {
    subject: nameOf(cert.subject),
    issuer: nameOf(cert.issuer),
    validFrom: Number.isFinite(validFrom) ? new Date(validFrom).toISOString() : "",
    validTo: new Date(validTo).toISOString(),
    daysLeft,
    expiringSoon: daysLeft < warnDays,
  };
}

/** The leaf first, then each issuer the peer sent, stopping at a self-signed root. */
export function describeChain(leaf: PeerCertificate, warnDays: number, now: Date): CertInfo[] {
  const out: CertInfo[] = [];
  const seen = new Set<string>();
  let cert: PeerCertificate | undefined = leaf;
  while (cert?.valid_to && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    const info = describeCert(cert, warnDays, now);
    if (info) out.push(info);
    const next: PeerCertificate | undefined = (cert as PeerCertificate & { issuerCertificate?: PeerCertificate })
      .issuerCertificate;
    cert = next === cert ? undefined : next;
  }
  return out;
}

export function isExpired(info: CertInfo, now: Date): boolean {
  return Date.parse(info.validTo) <= now.getTime();
}

export function expiryWarning(info: CertInfo): string {
  return `certificate for ${info.subject || "the peer"} expires in ${info.daysLeft} day(s) (${info.validTo})`;
}

function nameOf(name: PeerCertificate["subject"] | undefined): string {
  if (!name) return "";
  const cn = (name as unknown as Record<string, string | string[] | undefined>).CN;
  if (Array.isArray(cn)) return cn.join(",");
  return (
    cn ??
    Object.entries(name)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(", ")
  );
}
