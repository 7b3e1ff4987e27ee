import express, { type NextFunction, type Request, type RequestHandler, type Response } from "express";
import { rateLimit } from "express-rate-limit";
import { clusterSecretRefusal } from "@uptop/cluster-protocol";
import { UptopError } from "@uptop/core";
import type { CallerAuth } from "./auth/caller-auth.js";
import { setCaller } from "./auth/caller.js";
import { isMetricsScrape, METRICS_TOKEN_CALLER } from "./auth/metrics-token.js";
import { userRefusal } from "./auth/user-gate.js";
import { errorBody } from "./errors.js";
import { isPushToken } from "./routes/push.js";
import { formatBytes, RATE_LIMITS_PER_MINUTE, routePolicy, type RateGroup, type RoutePolicy } from "./route-policy.js";
import { closeIfBodyUnread } from "./unread-body.js";

export interface RequestGateOptions {
  /** Who a bearer token stands for, on the routes users call. */
  auth: CallerAuth;
  clusterSecret: string | null;
  metricsPublic: boolean;
  /** The scrape-only bearer token (UPTOP_METRICS_TOKEN): GET /metrics and nothing else; null: none. */
  metricsToken?: string | null;
}

function limiter(limit: number): RequestHandler {
  const windowMs = 60_000;
  return rateLimit({
    windowMs,
    limit,
    standardHeaders: "draft-7",
    legacyHeaders: false,
    handler: (req, res) => {
      closeIfBodyUnread(req, res);
      res.setHeader("Retry-After", String(Math.ceil(windowMs / 1000)));
      res.status(429).json(errorBody("RATE_LIMITED", "too many requests, slow down"));
    },
  });
}

/** The error the router raises for a path segment it cannot decode, so both answer alike. */
function undecodable(segment: string): Error {
  return Object.assign(new URIError(`Failed to decode param '${segment}'`), { status: 400 });
}

/** Why a push names no token of a valid shape (in the path, or as a bearer token); null when it does. */
function pushRefusal(req: Request): Error | null {
  const segment = /^\/api\/push\/([^/]+)\/?$/i.exec(req.path)?.[1];
  let token: string | undefined;
  if (segment !== undefined) {
    try {
      token = decodeURIComponent(segment);
    } catch {
      return undecodable(segment);
    }
  } else {
    token = /^Bearer\s+(\S+)$/i.exec(req.get("authorization") ?? "")?.[1];
  }
  return isPushToken(token) ? null : new UptopError("NOT_FOUND", "unknown push token", 404);
}

function authRefusal(
  policy: RoutePolicy,
  req: Request,
  res: Response,
  options: RequestGateOptions,
): Error | null | Promise<Error | null> {
  switch (policy.auth) {
    case "none":
      return null;
    case "push-token":
      return pushRefusal(req);
    case "user":
      if (isMetricsScrape(req, options.metricsToken ?? null)) {
        setCaller(res, METRICS_TOKEN_CALLER);
        return null;
      }
      return userRefusal(options.auth, req, res);
    case "cluster-secret": {
      const refusal = clusterSecretRefusal(options.clusterSecret, req);
      // The cluster guard's own shape: `details` is null rather than absent.
      return refusal === null ? null : new UptopError("UNAUTHORIZED", refusal, 401, null);
    }
  }
}

function tooLarge(policy: RoutePolicy, limitBytes: number): UptopError {
  return new UptopError(
    "PAYLOAD_TOO_LARGE",
    `request body is larger than ${formatBytes(limitBytes)}, the limit for ${policy.name} requests`,
    413,
  );
}

/**
 * A body of any type but the parsed ones is read too, only to hold it to the same limit (413);
 * then it is dropped, remembering whether there was one.
 */
const dropUnparsedBody: RequestHandler = (req, res, next) => {
  if (Buffer.isBuffer(req.body)) {
    res.locals.unparsedBody = req.body.length > 0;
    req.body = undefined;
  }
  next();
};

/** JSON, text and YAML parsed; anything else read and dropped; all held to one limit. */
function bodyReader(limitBytes: number): express.Router {
  const r = express.Router();
  r.use(express.json({ limit: limitBytes, type: ["application/json", "application/*+json"] }));
  r.use(express.text({ limit: limitBytes, type: ["text/*", "application/yaml", "application/x-yaml"] }));
  r.use(express.raw({ limit: limitBytes, type: () => true }), dropUnparsedBody);
  return r;
}

/**
 * Everything a request must pass before its body is read, judged from the headers alone, in
 * order: the client's rate limit, the route's credentials, the declared length against the
 * route's limit. Only then is the body read, held to that same limit. A refusal never reads the
 * body and closes the connection, so unauthenticated clients cannot pin memory with slow bodies.
 */
export function requestGate(options: RequestGateOptions): RequestHandler {
  const limiters = Object.fromEntries(
    Object.entries(RATE_LIMITS_PER_MINUTE).map(([group, perMinute]) => [group, limiter(perMinute)]),
  ) as Record<RateGroup, RequestHandler>;
  const readers = new Map<number, express.Router>();
  const readerFor = (limitBytes: number) => {
    const known = readers.get(limitBytes);
    if (known) return known;
    const reader = bodyReader(limitBytes);
    readers.set(limitBytes, reader);
    return reader;
  };

  const afterAuth = (policy: RoutePolicy, req: Request, res: Response, next: NextFunction) => {
    const limitBytes = policy.bodyLimitBytes;
    if (limitBytes === null) return next();
    if (Number(req.get("content-length") ?? 0) > limitBytes) return next(tooLarge(policy, limitBytes));
    readerFor(limitBytes)(req, res, (err?: unknown) => {
      const type = (err as { type?: unknown } | undefined)?.type;
      next(type === "entity.too.large" ? tooLarge(policy, limitBytes) : err);
    });
  };

  // Only a user token needs the database; every other check answers at once.
  const afterRateLimit = (policy: RoutePolicy, req: Request, res: Response, next: NextFunction) => {
    const refusal = authRefusal(policy, req, res, options);
    if (refusal instanceof Promise) {
      refusal.then(
        (err) => (err ? next(err) : afterAuth(policy, req, res, next)),
        (err: unknown) => next(err),
      );
      return;
    }
    if (refusal) return next(refusal);
    afterAuth(policy, req, res, next);
  };

  return (req, res, next) => {
    const policy = routePolicy(req.path, options);
    res.locals.routePolicy = policy;
    if (policy.rate === null) return afterRateLimit(policy, req, res, next);
    limiters[policy.rate](req, res, (err?: unknown) =>
      err === undefined ? afterRateLimit(policy, req, res, next) : next(err),
    );
  };
}

/** The policy the gate applied to this request; the user routers are reached only under "user". */
export function gatedPolicy(res: Response): RoutePolicy | undefined {
  return res.locals.routePolicy as RoutePolicy | undefined;
}
