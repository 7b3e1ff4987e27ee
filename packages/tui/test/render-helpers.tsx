import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
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

/**
 * A front for the real server that answers `GET /api/me` with the role given and refuses what
 * that role may not do with the API's 403 body; everything else passes through. It stands in for
 * the users table until that lands: the dashboard sees exactly the answers the contract promises.
 */
export async function roleFront(
  upstream: string,
  role: "viewer" | "editor",
  refuseWrites: boolean,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    if (req.url === "/api/me") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ id: 7, name: `${role}-user`, role }));
      return;
    }
    if (req.method !== "GET" && refuseWrites) {
      res.writeHead(403, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "FORBIDDEN", message: `needs role editor; you are ${role}` } }));
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const answer = await fetch(upstream + req.url, {
      method: req.method,
      headers: {
        authorization: req.headers.authorization ?? "",
        "content-type": req.headers["content-type"] ?? "application/json",
      },
      body: chunks.length ? Buffer.concat(chunks) : undefined,
    });
    res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" });
    res.end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
