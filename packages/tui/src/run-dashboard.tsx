import { render } from "ink";
import { createDashboardApi } from "./data/api-client.js";
import { DashboardModel, type ModelOptions } from "./data/dashboard-model.js";
import { App } from "./app.js";
import type { ThemeName } from "./theme.js";

export interface RunDashboardOptions {
  /** The API's base URL, e.g. http://127.0.0.1:8080. */
  baseUrl: string;
  /** A bearer token: the admin API token, a user's token or an SSH session's token. */
  token: string;
  /** Where keys come from and frames go: a terminal, or an SSH channel (its `columns`/`rows` and `resize` are followed). */
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  theme?: ThemeName;
  /** Called once when the user quits (q or Ctrl-C). */
  onExit?: () => void;
  /** Polling and live-stream settings; the defaults suit a person at a terminal. */
  model?: ModelOptions;
}

export interface DashboardHandle {
  waitUntilExit(): Promise<void>;
  unmount(): void;
}

/**
 * Runs the dashboard on the given streams until the user quits or `unmount` is called. It
 * never reads or writes the process's own stdin/stdout, so the same call serves an SSH channel.
 */
export function runDashboard(options: RunDashboardOptions): DashboardHandle {
  const model = new DashboardModel(createDashboardApi(options.baseUrl, options.token), options.model);
  model.start();
  let exited = false;
  const onExit = () => {
    if (exited) return;
    exited = true;
    options.onExit?.();
  };
  const ink = render(<App model={model} theme={options.theme ?? "dark"} onExit={onExit} />, {
    stdin: options.stdin,
    stdout: options.stdout,
    stderr: options.stdout,
    exitOnCtrlC: false,
    patchConsole: false,
    alternateScreen: true,
  });
  const done = ink.waitUntilExit().then(
    () => undefined,
    () => undefined,
  );
  void done.finally(() => {
    model.stop();
    onExit();
  });
  return {
    waitUntilExit: () => done,
    unmount() {
      ink.unmount();
    },
  };
}
