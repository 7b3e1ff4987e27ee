import type { IncomingMessage, ServerResponse } from "node:http";

/** Whether the request declares a body that has not yet arrived in full: nobody read it. */
export function bodyUnread(req: IncomingMessage): boolean {
  if (req.complete) return false;
  const length = Number(req.headers["content-length"] ?? 0);
  return req.headers["transfer-encoding"] !== undefined || length > 0;
}

/**
 * An answer given before the body was read (a refusal: 401, 413, 429, 404) closes the
 * connection once it is sent, so a client trickling a large body holds neither memory nor a
 * socket. Keeping it open would make the server read the rest only to throw it away.
 */
export function closeIfBodyUnread(req: IncomingMessage, res: ServerResponse): void {
  if (!res.headersSent && bodyUnread(req)) res.setHeader("Connection", "close");
}
