import express, { type Express, type RequestHandler } from "express";
import helmet from "helmet";
import { rateLimit } from "express-rate-limit";
import { unstorableIssues, UptopError, ValidationError, type Config, type Logger } from "@uptop/core";
import { adminAuth } from "./admin-auth.js";
import { errorBody, errorHandler, notFoundHandler } from "./errors.js";

export const BODY_LIMIT = "1mb";

export interface AppRouters {
  /**
   * Health and readiness, answered from memory. Mounted right after the security headers, before
   * body parsing, rate limits and every other router, so no load elsewhere can queue them.
   */
  health?: RequestHandler[];
  /** Open routes: status page, push. */
  open?: RequestHandler[];
  /** Cluster routes; each router brings its own secret middleware. */
  cluster?: RequestHandler[];
  /** Admin routes behind the bearer token (a plain middleware here runs before the routes after it). */
  admin?: RequestHandler[];
}

export interface CreateAppOptions {
  config: Config;
  logger: Logger;
  apiToken: string;
  routers: AppRouters;
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

/**
 * Routes whose text comes from machines, not people: a cron job's push message, a probe's error
 * text. Refusing it would lose a heartbeat or a vote over one bad byte, so these routes make it
 * storable themselves; only absurd nesting is refused here.
 */
const CLEANS_OWN_TEXT = /^\/api\/(?:push(?:\/[^/]*)?|probe\/results)\/?$/i;

/**
 * A query or body the database layer could not store (a NUL, half a surrogate pair, absurd
 * nesting) stops here, with a 400 naming the field.
 */
const refuseUnstorable: RequestHandler = (req, _res, next) => {
  const options = { text: !CLEANS_OWN_TEXT.test(req.path) };
  const issues = [
    ...unstorableIssues(req.query, "", options),
    ...unstorableIssues(req.body, typeof req.body === "string" ? "body" : "", options),
  ];
  next(issues.length ? ValidationError.fromIssues(issues) : undefined);
};

/** Admin routes take JSON (and YAML text where they say so); a body of another type is a 415. */
const refuseUnparsedBody: RequestHandler = (req, res, next) => {
  if (!res.locals.unparsedBody) return next();
  const type = req.get("content-type") ?? "none";
  next(
    new UptopError(
      "UNSUPPORTED_MEDIA_TYPE",
      `Content-Type ${type} is not accepted: send JSON with Content-Type: application/json (or YAML as application/yaml where a route takes it)`,
      415,
    ),
  );
};

function limiter(windowMs: number, limit: number): RequestHandler {
  return rateLimit({
    windowMs,
    limit,
    standardHeaders: "draft-7",
    legacyHeaders: false,
    handler: (_req, res, _next, options) => {
      res.setHeader("Retry-After", String(Math.ceil(options.windowMs / 1000)));
      res.status(429).json(errorBody("RATE_LIMITED", "too many requests, slow down"));
    },
  });
}

/**
 * The express app every serving node exposes. Routers are supplied by the caller so the same
 * shell serves the leader and a promoted follower.
 */
export function createApp(options: CreateAppOptions): Express {
  const { config, logger, routers } = options;
  const app = express();
  app.disable("x-powered-by");
  // X-Forwarded-For is believed only from the proxies the operator named.
  app.set("trust proxy", config.http.trustedProxies.length ? [...config.http.trustedProxies] : false);

  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'none'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", "data:"],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
          formAction: ["'none'"],
        },
      },
      frameguard: { action: "deny" },
      referrerPolicy: { policy: "no-referrer" },
      hsts: config.http.tlsCert ? { maxAge: 31_536_000, includeSubDomains: true } : false,
      crossOriginResourcePolicy: { policy: "same-origin" },
    }),
  );
  for (const r of routers.health ?? []) app.use(r);
  app.use(express.json({ limit: BODY_LIMIT, type: ["application/json", "application/*+json"] }));
  app.use(express.text({ limit: BODY_LIMIT, type: ["text/*", "application/yaml", "application/x-yaml"] }));
  app.use(express.raw({ limit: BODY_LIMIT, type: () => true }), dropUnparsedBody);
  app.use(refuseUnstorable);

  app.use("/api/push", limiter(60_000, 600));
  app.use("/api/probe", limiter(60_000, 6000));
  // Every probe reports to the follower every 2 s, and probes behind one NAT share an address: a
  // refused report would count as a probe that still sees the leader, and hold a take-over back.
  const clusterLimit = limiter(60_000, 600);
  const witnessLimit = limiter(60_000, 6000);
  app.use("/api/cluster", (req, res, next) => (req.path === "/witness" ? witnessLimit : clusterLimit)(req, res, next));
  app.use("/status", limiter(60_000, 300));

  for (const r of routers.open ?? []) app.use(r);
  for (const r of routers.cluster ?? []) app.use(r);
  const admin = express.Router();
  admin.use(limiter(60_000, 1200));
  admin.use(adminAuth(options.apiToken));
  admin.use(refuseUnparsedBody);
  for (const r of routers.admin ?? []) admin.use(r);
  // Mounted at the root (not under "/api") so routers keep their full paths; anything under /api
  // or /metrics that no open or cluster router answered needs the admin token.
  app.use((req, res, next) =>
    req.path.startsWith("/api/") || req.path === "/metrics" ? admin(req, res, next) : next(),
  );

  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
}
