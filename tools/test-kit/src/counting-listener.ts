import http from "node:http";
import net from "node:net";
import { closeServer } from "./loopback-server.js";

/**
 * A listener on every local address, IPv6 and IPv4 alike (dual stack), that counts the
 * connections it gets: the proof an SSRF test needs is the count, and a bypass aimed at ::1,
 * 0.0.0.0, 127.0.0.2 or a mapped address is counted as surely as one at 127.0.0.1. `"close"`
 * hangs up at once; `"http"` answers every request 200 `{"ok":true}`, so a send that is let
 * through succeeds.
 */
export class CountingListener {
  port = 0;
  connections = 0;
  private server: net.Server | null = null;

  constructor(private readonly mode: "close" | "http" = "close") {}

  async start(): Promise<this> {
    const server =
      this.mode === "http"
        ? http.createServer((_req, res) =>
            res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}'),
          )
        : net.createServer((socket) => {
            socket.on("error", () => undefined);
            socket.destroy();
          });
    server.on("connection", () => this.connections++);
    this.port = await new Promise<number>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "::", () => resolve((server.address() as net.AddressInfo).port));
    });
    this.server = server;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await closeServer(server);
  }
}
