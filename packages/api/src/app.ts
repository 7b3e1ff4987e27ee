import express, { type Express, type RequestHandler } from "express";
import helmet from "helmet";
import { unstorableIssues, UptopError, ValidationError, type Config, type Logger } from "@uptop/core";
import { CallerAuth } from "./auth/caller-auth.js";
import { errorHandler, notFoundHandler } from "./errors.js";
import { gatedPolicy, requestGate } from "./request-gate.js";

export interface AppRouters {
  /**
   * Health and readiness, answered from memory. Mounted right after the security headers, before
   * the request gate (rate limits, credentials, body reading) and every other router, so no load
   * elsewhere can queue them.
   */
  health?: RequestHandler[];
  /**
   * Open routes: status page, push, public metrics. The gate judges a request by its path
   * (`routePolicy`): an open route it does not list needs a user's token under /api/.
   */
  open?: RequestHandler[];
  /** Cluster routes; the gate checks the cluster secret first, and each router its own guard too. */
  cluster?: RequestHandler[];
  /**
   * The API users call, behind a bearer token whose role the gate has held to the request
   * (`requiredRole`); a plain middleware here runs before the routes after it.
   */
  admin?: RequestHandler[];
}

export interface CreateAppOptions {
  config: Config;
  logger: Logger;
  apiToken: string;
  /**
   * Who a bearer token stands for (users' tokens, sessions); without it only the admin API token
   * is accepted. Share it with the users routes, which drop its cache on every change.
   */
  auth?: CallerAuth;
  routers: AppRouters;
}

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
  app.use(
    requestGate({
      auth: options.auth ?? new CallerAuth({ apiToken: options.apiToken, logger }),
      clusterSecret: config.cluster.secret,
      metricsPublic: config.metricsPublic,
      metricsToken: config.metricsToken,
    }),
  );
  app.use(refuseUnstorable);

  for (const r of routers.open ?? []) app.use(r);
  for (const r of routers.cluster ?? []) app.use(r);
  const admin = express.Router();
  admin.use(refuseUnparsedBody);
  for (const r of routers.admin ?? []) admin.use(r);
  // Only a request the gate judged a user's request (token and role checked) reaches these
  // routers; they are mounted at the root so they keep their full paths.
  app.use((req, res, next) => (gatedPolicy(res)?.auth === "user" ? admin(req, res, next) : next()));

  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
}
