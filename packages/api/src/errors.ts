import { STATUS_CODES } from "node:http";
import type { ErrorRequestHandler, Request, RequestHandler } from "express";
import { UptopError, type Logger } from "@uptop/core";
import { isDatabaseUnavailable } from "@uptop/store";
import { closeIfBodyUnread } from "./unread-body.js";

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/** body-parser's error types → our codes: bad input is never a 500. */
const PARSER_ERRORS: Record<string, [number, string, string]> = {
  "entity.too.large": [413, "PAYLOAD_TOO_LARGE", "request body is larger than this route takes"],
  "entity.parse.failed": [400, "INVALID_JSON", "request body is not a valid JSON object or array"],
  "encoding.unsupported": [415, "UNSUPPORTED_ENCODING", "unsupported content encoding"],
  "charset.unsupported": [415, "UNSUPPORTED_CHARSET", "unsupported charset"],
  "request.aborted": [400, "ABORTED", "request aborted"],
  "request.size.invalid": [400, "INVALID_SIZE", "request size did not match content length"],
  "stream.encoding.set": [500, "INTERNAL", "internal error"],
};

interface LibraryError {
  type?: unknown;
  status?: unknown;
  statusCode?: unknown;
  expose?: unknown;
  message?: unknown;
}

/**
 * Any other error a library raises as the client's fault keeps its 4xx status, with a code and a
 * message that say what was wrong: the router's URIError for a malformed `%` escape in a path
 * parameter, zlib's for a corrupt compressed body, whatever comes next.
 */
function clientError(err: unknown, req: Request): [number, string, string] | undefined {
  if (err === null || typeof err !== "object") return undefined;
  const e = err as LibraryError;
  const status = typeof e.status === "number" ? e.status : e.statusCode;
  if (typeof status !== "number" || !Number.isInteger(status) || status < 400 || status > 499) return undefined;
  const detail = typeof e.message === "string" ? e.message : "";
  if (err instanceof URIError)
    return [status, "INVALID_PATH", `the request path has a malformed percent-escape (${detail})`];
  // http-errors marks the errors meant for the client with `expose`; anything else carrying a
  // status (an upstream's response, say) is a bug of ours and stays a 500.
  if (e.expose !== true) return undefined;
  // body-parser gives every error it raises a `type`, except a failed decompression, which it
  // passes on from zlib.
  const encoding = req.get("content-encoding");
  if (e.type === undefined && encoding && encoding.toLowerCase() !== "identity") {
    return [status, "INVALID_ENCODING", `the request body is not valid ${encoding} data (${detail})`];
  }
  const phrase = STATUS_CODES[status] ?? "Client Error";
  return [status, phrase.toUpperCase().replace(/[^A-Z0-9]+/g, "_"), detail || phrase.toLowerCase()];
}

/** Seconds a client is asked to wait while the database is away: about a pool's connect timeout. */
const DATABASE_RETRY_AFTER_S = 5;

/** The one place errors become HTTP answers. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (res.headersSent) return;
    closeIfBodyUnread(req, res);
    if (err instanceof UptopError && err.httpStatus < 500) {
      res.status(err.httpStatus).json(errorBody(err.code, err.message, err.details));
      return;
    }
    const type = (err as { type?: string })?.type;
    const mapped =
      (typeof type === "string" && Object.hasOwn(PARSER_ERRORS, type) ? PARSER_ERRORS[type] : undefined) ??
      clientError(err, req);
    if (mapped && mapped[0] < 500) {
      res.status(mapped[0]).json(errorBody(mapped[1], mapped[2]));
      return;
    }
    if (isDatabaseUnavailable(err)) {
      // The database is down or restarting: the client should retry, and nothing is broken here.
      logger.warn("database unavailable", { method: req.method, path: req.path, error: (err as Error).message });
      res.setHeader("Retry-After", String(DATABASE_RETRY_AFTER_S));
      res.status(503).json(errorBody("DATABASE_UNAVAILABLE", "the database is unavailable; retry shortly"));
      return;
    }
    if (err instanceof UptopError) {
      logger.error("request failed", { method: req.method, path: req.path, code: err.code, error: err.message });
      res.status(err.httpStatus).json(errorBody(err.code, err.message));
      return;
    }
    logger.error("unexpected error", { method: req.method, path: req.path, error: err });
    res.status(500).json(errorBody("INTERNAL", "internal error"));
  };
}

export const notFoundHandler: RequestHandler = (req, res) => {
  closeIfBodyUnread(req, res);
  res.status(404).json(errorBody("NOT_FOUND", `no route for ${req.method} ${req.path}`));
};
