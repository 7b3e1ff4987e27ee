import type { HttpAuth } from "./monitor.js";

/**
 * Which parts of a monitor are credentials — kept encrypted at rest, masked in API answers,
 * placeholders in an export, and never put in a notification:
 * - `auth` (a basic password, a bearer token);
 * - the value of a header whose name says it carries one (`Authorization`, `Cookie`,
 *   `X-Api-Key`, `Private-Token`, `X-Session-Id`…);
 * - the user information of the URL (`https://user:pass@host/`, `https://token@host/`);
 * - the request body, which for a login or an API call is where the credentials go.
 */

/** What an API answer shows instead of a credential; sent back unchanged, it keeps the stored one. */
export const MASK = "********";

/** Header names that carry credentials: any that speaks of auth, tokens, keys, cookies, sessions. */
const SECRET_HEADER = /auth|cookie|token|secret|passw|session|credential|signature|(^|[-_])(api[-_]?)?key([-_]|$)/i;

export function isSecretHeader(name: string): boolean {
  return SECRET_HEADER.test(name);
}

function parsed(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** True when the URL carries a user name or a password. */
export function urlHasCredentials(url: string | null | undefined): boolean {
  if (!url) return false;
  const u = parsed(url);
  return u ? u.username !== "" || u.password !== "" : /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(url);
}

/** The URL without its user information: what a notification may show of a monitor. */
export function withoutCredentials(url: string): string {
  const u = parsed(url);
  if (!u) return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, "$1");
  if (!u.username && !u.password) return url;
  u.username = "";
  u.password = "";
  return u.toString();
}

/**
 * The URL with its credential replaced by `shown`: the password when there is one (the user name
 * identifies the account), else the user name (then it is the token, as in `https://token@host/`).
 */
export function urlWithCredentialAs(url: string, shown: string): string {
  const u = parsed(url);
  if (!u || (!u.username && !u.password)) return url;
  const userinfo = u.password ? `${u.username}:${shown}` : shown;
  return `${u.protocol}//${userinfo}@${u.host}${u.pathname}${u.search}${u.hash}`;
}

/** The monitor fields that hold credentials, as both the stored monitor and a draft have them. */
export interface MonitorCredentials {
  url: string | null;
  headers: Record<string, string>;
  body: string | null;
  auth: HttpAuth | null;
}

/** The monitor with every credential replaced by the mask. */
export function maskMonitorSecrets<M extends MonitorCredentials>(m: M): M {
  const headers = Object.fromEntries(Object.entries(m.headers).map(([k, v]) => [k, isSecretHeader(k) ? MASK : v]));
  let auth = m.auth;
  if (auth?.type === "basic") auth = { ...auth, password: MASK };
  else if (auth?.type === "bearer") auth = { ...auth, token: MASK };
  return {
    ...m,
    url: m.url === null ? null : urlWithCredentialAs(m.url, MASK),
    headers,
    body: m.body === null || m.body === "" ? m.body : MASK,
    auth,
  };
}

/**
 * Puts the stored credentials back where a client echoed the mask, in a body (or patch) about
 * to be validated: so a client can round-trip a monitor without ever holding its secrets.
 * Anything that is not the mask in the right place is left for the validator to judge.
 */
export function restoreMaskedSecrets(
  body: Record<string, unknown>,
  current: MonitorCredentials,
): Record<string, unknown> {
  const out = { ...body };
  const auth = out.auth as Record<string, unknown> | null | undefined;
  if (auth && typeof auth === "object" && current.auth && auth.type === current.auth.type) {
    if (current.auth.type === "basic" && auth.password === MASK)
      out.auth = { ...auth, password: current.auth.password };
    if (current.auth.type === "bearer" && auth.token === MASK) out.auth = { ...auth, token: current.auth.token };
  }
  const headers = out.headers;
  // Only a map: the schema must still see an array (or anything else) as it was sent.
  if (headers && typeof headers === "object" && !Array.isArray(headers)) {
    out.headers = Object.fromEntries(
      Object.entries(headers).map(([k, v]) => [
        k,
        v === MASK && Object.hasOwn(current.headers, k) ? current.headers[k] : v,
      ]),
    );
  }
  if (out.body === MASK && current.body !== null) out.body = current.body;
  if (typeof out.url === "string" && current.url !== null) out.url = restoreUrlCredential(out.url, current.url);
  return out;
}

/** `https://user:********@host/x` → the stored password (or user name) in that place. */
function restoreUrlCredential(sent: string, stored: string): string {
  const u = parsed(sent);
  const s = parsed(stored);
  if (!u || !s) return sent;
  if (u.password === MASK && s.password) u.password = s.password;
  else if (u.username === MASK && !u.password && s.username && !s.password) u.username = s.username;
  else return sent;
  return u.toString();
}
