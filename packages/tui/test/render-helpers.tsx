import { render } from "ink-testing-library";
import { ADMIN_TOKEN, until } from "@uptop/test-kit";
import { App } from "../src/app.js";
import { createDashboardApi } from "../src/data/api-client.js";
import { DashboardModel } from "../src/data/dashboard-model.js";
import type { ThemeName } from "../src/theme.js";

export const KEY = {
  up: "\u001b[A",
  down: "\u001b[B",
  enter: "\r",
  escape: "\u001b",
  backspace: "\u007f",
  tab: "\t",
};

export interface Rendered {
  model: DashboardModel;
  frame(): string;
  press(...keys: string[]): Promise<void>;
  waitFor(text: string | RegExp): Promise<string>;
  unmount(): void;
}

/** The dashboard against `url`, drawn at a fixed size, as the user would see it (colours stripped). */
export function renderDashboard(
  url: string,
  opts: { token?: string; columns?: number; rows?: number; theme?: ThemeName; live?: boolean } = {},
): Rendered {
  const model = new DashboardModel(createDashboardApi(url, opts.token ?? ADMIN_TOKEN), {
    live: opts.live ?? false,
    pollMs: 60_000,
    flushMs: 20,
  });
  model.start();
  const r = render(
    <App model={model} theme={opts.theme ?? "none"} size={{ columns: opts.columns ?? 80, rows: opts.rows ?? 24 }} />,
  );
  const frame = () => stripAnsi(r.lastFrame() ?? "");
  return {
    model,
    frame,
    async press(...keys) {
      for (const k of keys) {
        r.stdin.write(k);
        // Ink tells a lone Esc from the start of an escape sequence by waiting a moment.
        await new Promise((resolve) => setTimeout(resolve, k === KEY.escape ? 120 : 30));
      }
    },
    async waitFor(text) {
      try {
        await until(
          String(text),
          () => (typeof text === "string" ? frame().includes(text) : text.test(frame())),
          10_000,
          25,
        );
      } catch (err) {
        throw new Error(`${(err as Error).message}\nlast frame:\n${frame()}`);
      }
      return frame();
    },
    unmount() {
      r.unmount();
      model.stop();
    },
  };
}

export function stripAnsi(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes start with ESC.
  return text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, "").replace(/\u001b\][^\u0007]*\u0007/g, "");
}

/** A user of the real server with `role`, and a token of theirs. */
export async function userWithToken(
  url: string,
  name: string,
  role: "viewer" | "editor",
): Promise<{ id: number; token: string }> {
  const admin = async <T,>(method: string, path: string, body: unknown): Promise<T> => {
    const res = await fetch(url + path, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const { id } = await admin<{ id: number }>("POST", "/api/users", { name, role });
  const { token } = await admin<{ token: string }>("POST", `/api/users/${id}/tokens`, { name: "dashboard" });
  return { id, token };
}
