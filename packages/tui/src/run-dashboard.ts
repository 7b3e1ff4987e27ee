import type { ModelOptions } from "./data/dashboard-model.js";
import type { ThemeName } from "./theme.js";

export interface RunDashboardOptions {
  /** The API's base URL, e.g. http://127.0.0.1:8080. */
  baseUrl: string;
  /** A bearer token: the admin API token, a user's token or an SSH session's token. */
  token: string;
  /**
   * Where keys come from: a terminal, or an SSH channel (a stream that is not a TTY is given
   * raw mode's interface here; the SSH client's pty does the raw part).
   */
  stdin: NodeJS.ReadableStream;
  /** Where frames go; its `columns`/`rows` give the size (80×24 when absent) and its `resize` events are followed. */
  stdout: NodeJS.WritableStream;
  theme?: ThemeName;
  /** Called once when the dashboard ends: the user quit (q or Ctrl-C) or `unmount` was called. */
  onExit?: () => void;
  /** Polling and live-stream settings; the defaults suit a person at a terminal. */
  model?: ModelOptions;
}

export interface DashboardHandle {
  waitUntilExit(): Promise<void>;
  unmount(): void;
}

/**
 * Runs the dashboard on the given streams until the user quits or `unmount` is called. It never
 * touches the process's own stdin/stdout, so the same call serves an SSH channel.
 *
 * React is loaded on first use, after NODE_ENV defaults to "production": React's development
 * build (what an unset NODE_ENV selects) times every render and makes a frame several times slower.
 */
export function runDashboard(options: RunDashboardOptions): DashboardHandle {
  process.env.NODE_ENV ??= "production";
  const started = import("./start-dashboard.js").then((m) => m.startDashboard(options));
  return {
    waitUntilExit: () => started.then((h) => h.waitUntilExit()),
    unmount() {
      void started.then((h) => h.unmount());
    },
  };
}
