export { runDashboard, type RunDashboardOptions, type DashboardHandle } from "./run-dashboard.js";
export { App, type AppProps } from "./app.js";
export { DashboardModel, type DashboardState, type ModelOptions } from "./data/dashboard-model.js";
export { createDashboardApi, DashboardApiError, type DashboardApi } from "./data/api-client.js";
export { followEvents, SseParser, type StreamState } from "./data/event-stream.js";
export { THEME_NAMES, isThemeName, pickTheme, type ThemeName } from "./theme.js";
export { orderMonitors, type SortKey, type TableLine } from "./table/monitor-order.js";
export type { MonitorRow, Me } from "./data/types.js";
