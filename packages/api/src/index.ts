export { createApp, BODY_LIMIT, type AppRouters, type CreateAppOptions } from "./app.js";
export { adminAuth } from "./admin-auth.js";
export { errorBody, errorHandler, notFoundHandler, type ErrorBody } from "./errors.js";
export type { NodeRuntime } from "./node-runtime.js";
export { healthRouter } from "./routes/health.js";
export { monitorsRouter, parseId, type MonitorRoutesDeps, type MonitorChangeListener } from "./routes/monitors.js";
export { monitorView, maskMonitorSecrets, restoreMaskedSecrets, MASK, type MonitorView } from "./monitor-view.js";
export { startServer, type RunningServer } from "./server.js";
