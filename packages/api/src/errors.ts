import type { ErrorRequestHandler, RequestHandler } from "express";
import { UptopError, type Logger } from "@uptop/core";

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/** body-parser's error types → our codes: bad input is never a 500. */
const PARSER_ERRORS: Record<string, [number, string, string]> = {
  "entity.too.large": [413, "PAYLOAD_TOO_LARGE", "request body is larger than 1 MiB"],
  "entity.parse.failed": [400, "INVALID_JSON", "request body is not a valid JSON object or array"],
  "encoding.unsupported": [415, "UNSUPPORTED_ENCODING", "unsupported content encoding"],
  "charset.unsupported": [415, "UNSUPPORTED_CHARSET", "unsupported charset"],
  "request.aborted": [400, "ABORTED", "request aborted"],
  "request.size.invalid": [400, "INVALID_SIZE", "request size did not match content length"],
  "stream.encoding.set": [500, "INTERNAL", "internal error"],
};

/** The one place errors become HTTP answers. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (res.headersSent) return;
    if (err instanceof UptopError && err.httpStatus < 500) {
      res.status(err.httpStatus).json(errorBody(err.code, err.message, err.details));
      return;
    }
    const type = (err as { type?: string })?.type;
    const mapped = type ? PARSER_ERRORS[type] : undefined;
    if (mapped && mapped[0] < 500) {
      res.status(mapped[0]).json(errorBody(mapped[1], mapped[2]));
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
  res.status(404).json(errorBody("NOT_FOUND", `no route for ${req.method} ${req.path}`));
};
