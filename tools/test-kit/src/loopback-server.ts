import http from "node:http";
import net from "node:net";

/** A port nobody listens on right now, for a process that must be told its port up front. */
export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** Listens on 127.0.0.1 (`port` 0: any free port) and resolves the port it got. */
export function listenOnLoopback(server: net.Server, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

/** Closes a server now: open keep-alive connections are cut, not waited for. */
export function closeServer(server: net.Server): Promise<void> {
  if (server instanceof http.Server) server.closeAllConnections();
  return new Promise((r) => server.close(() => r()));
}

/** An HTTP server on a loopback port; subclasses say how it answers. */
export abstract class LoopbackServer {
  port = 0;
  private server: http.Server | null = null;

  protected abstract handle(req: http.IncomingMessage, res: http.ServerResponse): void;

  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  urlOf(path: string): string {
    return this.origin + path;
  }

  async start(): Promise<this> {
    const server = http.createServer((req, res) => this.handle(req, res));
    this.port = await listenOnLoopback(server);
    this.server = server;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await closeServer(server);
  }
}
