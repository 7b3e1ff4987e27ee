// The entry point loads no React: `runDashboard` loads it on first use (see run-dashboard.ts).
// The component and its model, for tests, captures and benchmarks, are under "@uptop/tui/app".
export { runDashboard, type RunDashboardOptions, type DashboardHandle } from "./run-dashboard.js";
export { createDashboardApi, DashboardApiError, type DashboardApi } from "./data/api-client.js";
export { followEvents, SseParser, type StreamState } from "./data/event-stream.js";
export { THEME_NAMES, isThemeName, pickTheme, type ThemeName } from "./theme.js";
