import { createContext, useContext } from "react";
import type { Role } from "@uptop/core";
import type { DashboardApi } from "./data/api-client.js";
import type { DashboardModel } from "./data/dashboard-model.js";
import type { Theme } from "./theme.js";

export interface Flash {
  text: string;
  kind: "info" | "error";
}

export interface DashboardContext {
  api: DashboardApi;
  model: DashboardModel;
  theme: Theme;
  role: Role;
  /** Shows a one-line message above the key help. */
  flash(text: string, kind?: Flash["kind"]): void;
  /** Runs an action against the API and reports its outcome (a 403 included) as a message. */
  act<T>(label: string, action: () => Promise<T>): Promise<T | undefined>;
}

export const Dashboard = createContext<DashboardContext | null>(null);

export function useDashboard(): DashboardContext {
  const ctx = useContext(Dashboard);
  if (!ctx) throw new Error("useDashboard outside <Dashboard.Provider>");
  return ctx;
}
