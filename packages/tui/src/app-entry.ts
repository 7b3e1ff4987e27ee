export { App, type AppProps } from "./app.js";
export { DashboardModel, type DashboardState, type ModelOptions } from "./data/dashboard-model.js";
export { createDashboardApi } from "./data/api-client.js";
export { orderMonitors, type SortKey, type TableLine } from "./table/monitor-order.js";
export type { MonitorRow, Me } from "./data/types.js";
