import type { Request, Response } from "express";

export const SESSION_COOKIE = "uptop_session";

/** The session token of a request's `uptop_session` cookie; null when it sends none. */
export function sessionCookieOf(req: Pick<Request, "get">): string | null {
  const header = req.get("cookie");
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    return part.slice(eq + 1).trim();
  }
  return null;
}

/**
 * A session cookie only scripts cannot read, sent to this host alone, never on a request another
 * site starts, and over HTTPS only when the request came over HTTPS (directly or through a
 * trusted proxy): a plain-HTTP install on a LAN must still be able to sign in.
 */
function attributes(req: Pick<Request, "secure">): string {
  return `HttpOnly; SameSite=Strict; Path=/${req.secure ? "; Secure" : ""}`;
}

export function setSessionCookie(req: Pick<Request, "secure">, res: Response, token: string): void {
  res.append("Set-Cookie", `${SESSION_COOKIE}=${token}; ${attributes(req)}`);
}

export function clearSessionCookie(req: Pick<Request, "secure">, res: Response): void {
  res.append("Set-Cookie", `${SESSION_COOKIE}=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; ${attributes(req)}`);
}
