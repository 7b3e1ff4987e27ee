import net from "node:net";
import { listenOnLoopback } from "./loopback-server.js";

/**
 * A loopback TCP proxy a test cuts and restores, to take a peer away from one client only: the
 * shared Postgres server away from one engine, or the leader away from a follower (a network
 * partition), while everything else still reaches it. Cutting destroys every connection and
 * stops listening; restoring listens on the same port, so clients configured with it reconnect.
 */
export class TcpProxy {
  private sockets = new Set<net.Socket>();
  private pairs = new Map<net.Socket, net.Socket>();
  // Server ends left open by cutClientsOnly: the server still sees a live session on each.
  private orphans = new Set<net.Socket>();
  private server: net.Server | null = null;
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async open(): Promise<this> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.targetPort, this.targetHost);
      this.sockets.add(client).add(upstream);
      this.pairs.set(client, upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
        this.pairs.delete(client);
      };
      client.on("error", drop).on("close", drop);
      upstream.on("error", drop).on("close", drop);
      client.pipe(upstream).pipe(client);
    });
    this.port = await listenOnLoopback(server, this.port);
    this.server = server;
    return this;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of [...this.sockets, ...this.orphans]) s.destroy();
    this.sockets.clear();
    this.pairs.clear();
    this.orphans.clear();
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }

  /**
   * Drops the clients' ends of every connection and keeps the server's open, as a NAT or a proxy
   * that forgot its connections does: each client sees its connection die while the server still
   * holds the session. New connections pass as before; `cut` ends the orphaned ones.
   */
  cutClientsOnly(): void {
    for (const [client, upstream] of this.pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      for (const end of [client, upstream])
        end
          .removeAllListeners("close")
          .removeAllListeners("error")
          .on("error", () => {});
      this.sockets.delete(upstream);
      this.sockets.delete(client);
      this.orphans.add(upstream);
      client.destroy();
    }
    this.pairs.clear();
  }

  /** Listens again on the same port, so clients configured with it reconnect. */
  restore(): Promise<this> {
    return this.open();
  }

  /** The same DSN, reached through this proxy. */
  dsnThrough(dsn: string): string {
    const url = new URL(dsn);
    url.hostname = "127.0.0.1";
    url.port = String(this.port);
    return url.toString();
  }
}
