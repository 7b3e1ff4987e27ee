export { createApp, type AppRouters, type CreateAppOptions } from "./app.js";
export { adminAuth, adminTokenRefusal } from "./admin-auth.js";
export {
  BODY_LIMITS,
  RATE_LIMITS_PER_MINUTE,
  routePolicy,
  type RoutePolicy,
  type RouteAuth,
  type RateGroup,
} from "./route-policy.js";
export { errorBody, errorHandler, notFoundHandler, type ErrorBody } from "./errors.js";
export type { NodeRuntime } from "./node-runtime.js";
export { healthRouter } from "./routes/health.js";
export { readinessRouter } from "./routes/readiness.js";
export { monitorsRouter, parseId, type MonitorRoutesDeps, type MonitorChangeListener } from "./routes/monitors.js";
export { monitorView, type MonitorView } from "./monitor-view.js";
export { startServer, type RunningServer } from "./server.js";
export { pushRouter, type PushRoutesDeps, type PushReport } from "./routes/push.js";
export { metricsRouter } from "./routes/metrics.js";
export {
  maintenanceRouter,
  maintenanceView,
  parseMaintenanceInput,
  maintenanceInputSchema,
  type MaintenanceRoutesDeps,
  type MaintenanceInput,
  type MaintenanceView,
} from "./routes/maintenance.js";
export { historyRouter, type HistoryRoutesDeps } from "./routes/history.js";
export { monitorSummaryRouter, type MonitorSummaryRoutesDeps } from "./routes/monitor-summary.js";
export { monitorsSummary, type MonitorSummary, type MonitorsSummary } from "./monitor-summary.js";
export { monitorSla, type MonitorSla } from "./sla-report.js";
export { webDashboardRouter, type WebDashboardDeps } from "./routes/web-dashboard.js";
export { buildPublicStatusPage, statusPageRouter, type StatusPageRoutesDeps } from "./routes/status-page.js";
export { statusPageSettingsRouter, type StatusPageSettingsRoutesDeps } from "./routes/status-page-settings.js";
export { StatusPageSettingsSource, type StatusPageSettingsSourceOptions } from "./status-page-settings.js";
export {
  buildStatusPage,
  type StatusPageOptions,
  type StatusPageData,
  type StatusPageItem,
  type StatusPageWindow,
  type OverallStatus,
} from "./status-page-data.js";
export { renderStatusPage, escapeHtml } from "./status-page-html.js";
export { probeRouter, assignedTo, type ProbeRoutesDeps, type ProbeIngest } from "./routes/probe.js";
export { nodesRouter, type NodeRoutesDeps, type NodeView } from "./routes/nodes.js";
export {
  channelsRouter,
  channelView,
  parseChannelInput,
  channelInputSchema,
  type ChannelRoutesDeps,
  type ChannelView,
} from "./routes/channels.js";
export { notificationsRouter, type NotificationRoutesDeps } from "./routes/notifications.js";
export { configRouter, type ConfigRoutesDeps, type ApplyOutcome } from "./routes/config.js";
export { eventsRouter, type EventRoutesDeps } from "./routes/events.js";
export { usersRouter, userView, USER_NAME, type UserRoutesDeps } from "./routes/users.js";
export { API_TOKEN_CALLER, callerOf, type Caller } from "./auth/caller.js";
export { CallerAuth, type CallerAuthOptions, type WebSessionCaller } from "./auth/caller-auth.js";
export { signInRouter, type SignInRoutesDeps } from "./routes/sign-in.js";
export { LoginThrottle, type LoginThrottleOptions } from "./auth/login-throttle.js";
export {
  ARGON2_PARAMS,
  hashPassword,
  PASSWORD_MAX_CHARS,
  PASSWORD_MIN_CHARS,
  passwordSchema,
  verifyPassword,
} from "./auth/password-hash.js";
export { SESSION_COOKIE } from "./auth/web-session-cookie.js";
export { WEB_SESSION_LIFETIME } from "./auth/web-session.js";
export { SessionTokens } from "./auth/session-tokens.js";
export { authenticatePublicKey } from "./auth/public-key-auth.js";
export { parseSshPublicKey, sshFingerprint, type SshPublicKey } from "./auth/ssh-public-key.js";
export { hashUserToken, mintUserToken, USER_TOKEN_PATTERN } from "./auth/user-token.js";
export { requiredRole } from "./route-policy.js";
export {
  adminKeySeed,
  configuredSeeds,
  parseKeysFile,
  readKeysFile,
  seedUsers,
  type SeedReport,
  type SeedUser,
} from "./auth/seed-users.js";
