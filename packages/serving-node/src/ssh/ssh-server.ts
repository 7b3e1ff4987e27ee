import { createServer, type AddressInfo, type Server as NetServer, type Socket } from "node:net";
import type { Logger } from "@uptop/core";
import ssh2 from "ssh2";
import { SshConnection } from "./ssh-connection.js";
import type { SshHooks } from "./types.js";

export const DEFAULT_SSH_MAX_CONNECTIONS = 20;
/** Time from the TCP connect to a signed-in client; a connection that idles before that frees its slot. */
export const DEFAULT_SSH_LOGIN_TIMEOUT_MS = 30_000;
/** How long `close` waits for clients to go after being told the server stops, before cutting them. */
const STOP_GRACE_MS = 3000;

export interface SshServerOptions {
  host: string;
  port: number;
  /** The host key, OpenSSH format. */
  hostKey: string;
  idleTimeoutMs: number;
  hooks: SshHooks;
  logger: Logger;
  maxConnections?: number;
  loginTimeoutMs?: number;
}

interface Slot {
  socket: Socket;
  connection: SshConnection | null;
  loginTimer: NodeJS.Timeout;
  closed: Promise<void>;
}

function remoteOf(ip: string | undefined, port: number | undefined): string {
  return ip?.includes(":") ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/**
 * The dashboard over SSH: accepts connections (up to a limit), signs clients in by public key and
 * runs one session each. The TCP listener is ours rather than ssh2's so that the limit, the sign-in
 * deadline and the stop apply from the first byte, before a client has even said it speaks SSH.
 */
export class SshServer {
  private readonly ssh: ssh2.Server;
  private readonly listener: NetServer;
  private readonly slots = new Map<string, Slot>();
  private stopping = false;

  constructor(private readonly o: SshServerOptions) {
    this.ssh = new ssh2.Server({ hostKeys: [o.hostKey], ident: "uptop" }, (client, info) => {
      const remote = remoteOf(info.ip, info.port);
      const slot = this.slots.get(remote);
      if (!slot || this.stopping) return client.end();
      o.logger.info("ssh connection", { remote, client: info.header.versions.software });
      slot.connection = new SshConnection({
        client,
        remote,
        hooks: o.hooks,
        idleTimeoutMs: o.idleTimeoutMs,
        logger: o.logger,
      });
      client.on("ready", () => clearTimeout(slot.loginTimer));
    });
    this.listener = createServer((socket) => this.accept(socket));
  }

  get port(): number {
    return (this.listener.address() as AddressInfo | null)?.port ?? 0;
  }

  /** How many TCP connections are open, signed in or not. */
  get connectionCount(): number {
    return this.slots.size;
  }

  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.listener.once("error", onError);
      this.listener.listen(this.o.port, this.o.host, () => {
        this.listener.off("error", onError);
        this.listener.on("error", (err) => this.o.logger.error("ssh listener error", { error: err.message }));
        resolve(this.port);
      });
    });
  }

  private accept(socket: Socket): void {
    const { logger } = this.o;
    const remote = remoteOf(socket.remoteAddress, socket.remotePort);
    const max = this.o.maxConnections ?? DEFAULT_SSH_MAX_CONNECTIONS;
    if (this.stopping || this.slots.size >= max) {
      if (!this.stopping) logger.warn("ssh connection refused: too many connections", { remote, limit: max });
      socket.destroy();
      return;
    }
    const loginTimer = setTimeout(() => {
      logger.warn("ssh connection closed: not signed in in time", { remote });
      socket.destroy();
    }, this.o.loginTimeoutMs ?? DEFAULT_SSH_LOGIN_TIMEOUT_MS);
    const slot: Slot = {
      socket,
      connection: null,
      loginTimer,
      closed: new Promise((resolve) => socket.once("close", () => resolve())),
    };
    this.slots.set(remote, slot);
    void slot.closed.then(() => {
      clearTimeout(loginTimer);
      this.slots.delete(remote);
    });
    // A reset or a refused write on a socket that is already going away; ssh2 reports the rest on the client.
    socket.on("error", () => {});
    this.ssh.injectSocket(socket);
  }

  /** Stops accepting, tells every session the server is stopping, and waits (briefly) for all to go. */
  async close(): Promise<void> {
    this.stopping = true;
    const listening = new Promise<void>((resolve) => this.listener.close(() => resolve()));
    const slots = [...this.slots.values()];
    for (const slot of slots) {
      if (slot.connection?.signedIn) slot.connection.shutdown("server stopping", "uptop: the server is stopping");
      else slot.socket.destroy();
    }
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        for (const slot of slots) slot.socket.destroy();
        resolve();
      }, STOP_GRACE_MS);
    });
    await Promise.race([Promise.all(slots.map((s) => s.closed)), late]);
    clearTimeout(timer);
    await listening;
  }
}
