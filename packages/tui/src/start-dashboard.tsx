import { PassThrough } from "node:stream";
import { render } from "ink";
import { App } from "./app.js";
import { createDashboardApi } from "./data/api-client.js";
import { DashboardModel } from "./data/dashboard-model.js";
import type { DashboardHandle, RunDashboardOptions } from "./run-dashboard.js";

/**
 * Ink reads keys only from a stream with a TTY's raw mode. An SSH channel is a plain stream
 * (the client's pty already sends keys raw), so its bytes are passed through one that has it.
 */
function keyStream(stdin: NodeJS.ReadableStream): { stream: NodeJS.ReadStream; close(): void } {
  const s = stdin as NodeJS.ReadStream;
  if (s.isTTY && typeof s.setRawMode === "function") return { stream: s, close() {} };
  const through = new PassThrough() as unknown as NodeJS.ReadStream & PassThrough;
  Object.assign(through, { isTTY: true, setRawMode: () => through, ref: () => through, unref: () => through });
  const forward = (chunk: Buffer | string) => through.write(chunk);
  stdin.on("data", forward);
  return {
    stream: through,
    close() {
      stdin.off("data", forward);
      through.end();
    },
  };
}

export function startDashboard(options: RunDashboardOptions): DashboardHandle {
  const model = new DashboardModel(createDashboardApi(options.baseUrl, options.token), options.model);
  model.start();
  const keys = keyStream(options.stdin);
  let exited = false;
  const onExit = () => {
    if (exited) return;
    exited = true;
    options.onExit?.();
  };
  const ink = render(<App model={model} theme={options.theme ?? "dark"} onExit={onExit} />, {
    stdin: keys.stream,
    stdout: options.stdout as NodeJS.WriteStream,
    stderr: options.stdout as NodeJS.WriteStream,
    exitOnCtrlC: false,
    patchConsole: false,
    alternateScreen: true,
    // Always a live screen: an SSH channel is not a TTY stream, and Ink would otherwise draw
    // only once, at exit.
    interactive: true,
  });
  const done = ink.waitUntilExit().then(
    () => undefined,
    () => undefined,
  );
  void done.finally(() => {
    model.stop();
    keys.close();
    onExit();
  });
  return {
    waitUntilExit: () => done,
    unmount() {
      ink.unmount();
    },
  };
}
