import http from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A loopback HTTP endpoint that records what it receives and answers with `status`. */
export async function startReceiver(): Promise<{ url: string; received: Received[]; status: number; close(): Promise<void> }> {
  const state = { url: "", received: [] as Received[], status: 200, close: async () => {} };
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c));
    req.on("end", () => {
      state.received.push({ path: req.url ?? "", headers: req.headers, body });
      res.statusCode = state.status;
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ ok: state.status < 300 }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return state;
}
