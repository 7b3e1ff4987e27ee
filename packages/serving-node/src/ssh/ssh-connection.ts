import type { Logger } from "@uptop/core";
import ssh2, { type AuthContext, type Connection, type ServerChannel, type Session } from "ssh2";
import { keyFingerprint } from "./host-key.js";
import { TerminalInput, TerminalOutputStream } from "./terminal-streams.js";
import type { RunningSession, SshHooks, SshUser } from "./types.js";

/** Key offers and other sign-in attempts one connection may make before it is cut: a client with many keys still fits. */
const MAX_AUTH_ATTEMPTS = 10;
/** A signed-in client that opens no session in this time is disconnected: it holds a connection slot for nothing. */
const SESSION_OPEN_TIMEOUT_MS = 30_000;
/** How long a session's program gets to end on its own after it is told to close, before the channel is closed anyway. */
const CLOSE_GRACE_MS = 2000;

export interface SshConnectionOptions {
  client: Connection;
  remote: string;
  hooks: SshHooks;
  idleTimeoutMs: number;
  logger: Logger;
}

function describeMs(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/**
 * One SSH client, from sign-in to the end of its single dashboard session. It signs in with a
 * public key only, and is let in only after proving it holds the key (its signature checks out).
 */
export class SshConnection {
  private user: SshUser | null = null;
  private attempts = 0;
  private sessionOpened = false;
  private running: RunningSession | null = null;
  private channel: ServerChannel | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private endReason: { reason: string; message: string | null } | null = null;
  private ended = false;
  private startedAt = 0;
  private input: TerminalInput | null = null;

  constructor(private readonly o: SshConnectionOptions) {
    const { client } = o;
    client.on("authentication", (ctx) => void this.authenticate(ctx));
    client.on("session", (accept, reject) => {
      // One dashboard per connection: a second session channel (ssh's ControlMaster, for instance) is refused.
      if (this.sessionOpened || !this.user) return reject();
      this.sessionOpened = true;
      this.onSession(accept());
    });
    client.on("ready", () => {
      setTimeout(() => {
        if (!this.sessionOpened) client.end();
      }, SESSION_OPEN_TIMEOUT_MS).unref();
    });
    // A dropped network may close the connection without closing the channel first.
    client.on("close", () => this.endSession("client closed", null));
    client.on("error", (err) => o.logger.debug("ssh connection error", { remote: o.remote, error: err.message }));
  }

  get signedIn(): SshUser | null {
    return this.user;
  }

  /** Ends the connection from the server's side, telling the user why when a session is on screen. */
  shutdown(reason: string, message: string): void {
    if (this.running) this.endSession(reason, message);
    else this.o.client.end();
  }

  private async authenticate(ctx: AuthContext): Promise<void> {
    const { remote, logger } = this.o;
    // "none" is how every client asks which methods exist; it is not an attempt.
    if (ctx.method !== "none" && ++this.attempts > MAX_AUTH_ATTEMPTS) {
      logger.warn("ssh sign-in refused: too many attempts", { remote, username: ctx.username });
      ctx.reject();
      this.o.client.end();
      return;
    }
    if (ctx.method !== "publickey") {
      if (ctx.method !== "none")
        logger.warn("ssh sign-in refused: only public keys are accepted", { remote, method: ctx.method });
      return ctx.reject(["publickey"]);
    }
    const fingerprint = keyFingerprint(ctx.key.data);
    let user: SshUser | null;
    try {
      user = await this.o.hooks.authenticate({ algo: ctx.key.algo, data: ctx.key.data });
    } catch (err) {
      logger.error("ssh sign-in failed: the key could not be looked up", { remote, error: (err as Error).message });
      return ctx.reject(["publickey"]);
    }
    if (!user) {
      logger.warn("ssh sign-in refused: unknown key", { remote, keyType: ctx.key.algo, fingerprint });
      return ctx.reject(["publickey"]);
    }
    // Without a signature the client only asks whether this key would do; it is not signed in yet.
    if (!ctx.signature || !ctx.blob) return ctx.accept();
    const key = ssh2.utils.parseKey(ctx.key.data);
    const parsed = Array.isArray(key) ? key[0] : key;
    if (parsed instanceof Error || !parsed || parsed.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true) {
      logger.warn("ssh sign-in refused: bad signature", {
        remote,
        user: user.name,
        keyType: ctx.key.algo,
        fingerprint,
      });
      return ctx.reject(["publickey"]);
    }
    this.user = user;
    logger.info("ssh signed in", { remote, user: user.name, role: user.role, fingerprint });
    ctx.accept();
  }

  private onSession(session: Session): void {
    let pty: { term: string; columns: number; rows: number } | null = null;
    let output: TerminalOutputStream | null = null;
    session.on("pty", (accept, _reject, info) => {
      pty = { term: info.term, columns: info.cols || 80, rows: info.rows || 24 };
      accept?.();
    });
    session.on("window-change", (accept, _reject, info) => {
      if (pty) pty = { ...pty, columns: info.cols || pty.columns, rows: info.rows || pty.rows };
      if (info.cols && info.rows) output?.resize(info.cols, info.rows);
      accept?.();
    });
    session.on("exec", (accept, _reject, info) => {
      const channel = accept();
      this.o.logger.warn("ssh command refused", {
        remote: this.o.remote,
        user: this.user?.name,
        command: info.command,
      });
      this.refuse(channel, "uptop: this server serves only the dashboard; connect without a command");
    });
    session.on("subsystem", (_accept, reject) => reject());
    session.on("shell", (accept) => {
      const channel = accept();
      if (!pty) {
        this.o.logger.warn("ssh session refused: no terminal", { remote: this.o.remote, user: this.user?.name });
        this.refuse(channel, "uptop: the dashboard needs a terminal; connect with ssh -t");
        return;
      }
      output = new TerminalOutputStream(channel, pty.columns, pty.rows, pty.term);
      this.start(channel, output, pty.term);
    });
  }

  private refuse(channel: ServerChannel, line: string): void {
    channel.write(`${line}\r\n`);
    this.closeChannel(channel, 1);
  }

  /**
   * Sends the exit status and closes the channel, then lets the client hang up: a client cut off
   * at once (OpenSSH does this) drops the last lines it had not printed yet and reports a
   * disconnect instead of the exit status. One that does not hang up is cut after a moment.
   */
  private closeChannel(channel: ServerChannel, code: number): void {
    const hangUp = setTimeout(() => this.o.client.end(), CLOSE_GRACE_MS);
    hangUp.unref();
    // Its own close answering ours means the client has taken in everything before it.
    channel.once("close", () => {
      clearTimeout(hangUp);
      this.o.client.end();
    });
    channel.exit(code);
    channel.end();
  }

  private start(channel: ServerChannel, output: TerminalOutputStream, term: string): void {
    const { remote, logger, idleTimeoutMs } = this.o;
    const user = this.user!;
    this.startedAt = Date.now();
    this.channel = channel;
    const input = new TerminalInput();
    this.input = input;
    const idle = () => {
      if (this.idleTimer) clearTimeout(this.idleTimer);
      this.idleTimer = setTimeout(
        () => this.endSession("idle", `uptop: closed after ${describeMs(idleTimeoutMs)} without input`),
        idleTimeoutMs,
      );
    };
    idle();
    channel.on("data", (data: Buffer) => {
      idle();
      input.write(data);
    });
    // The client went away (closed its terminal, lost its network): nobody is watching any more.
    channel.on("close", () => this.endSession("client closed", null));
    logger.info("ssh session started", {
      remote,
      user: user.name,
      role: user.role,
      term,
      columns: output.columns,
      rows: output.rows,
    });
    let running: RunningSession;
    try {
      running = this.o.hooks.startSession({ user, stdin: input, stdout: output, term });
    } catch (err) {
      logger.error("ssh session could not start", { remote, user: user.name, error: (err as Error).message });
      this.refuse(channel, "uptop: the dashboard could not start; see the server's log");
      return;
    }
    this.running = running;
    running.done.then(
      () => this.finish(null, 0),
      (err: Error) => {
        logger.error("ssh session failed", { remote, user: user.name, error: err.message });
        this.endReason ??= {
          reason: "failed",
          message: "uptop: the dashboard stopped on an error; see the server's log",
        };
        this.finish("failed", 1);
      },
    );
  }

  /** Tells the session's program to end; `finish` closes the channel once it has (or after a grace period). */
  private endSession(reason: string, message: string | null): void {
    if (this.ended || this.endReason || !this.running) return;
    this.endReason = { reason, message };
    this.running.close();
    setTimeout(() => this.finish("did not end in time", 1), CLOSE_GRACE_MS).unref();
  }

  /** Logs the end of the session once, and closes its channel and the connection. */
  private finish(problem: string | null, code: number): void {
    if (this.ended) return;
    this.ended = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.input?.end();
    this.o.logger.info("ssh session ended", {
      remote: this.o.remote,
      user: this.user?.name,
      reason: this.endReason?.reason ?? problem ?? "user quit",
      ...(problem && this.endReason && this.endReason.reason !== problem ? { problem } : {}),
      durationMs: Date.now() - this.startedAt,
    });
    const channel = this.channel;
    if (channel?.writable) {
      const message = this.endReason?.message;
      if (message) channel.write(`\r\n${message}\r\n`);
      this.closeChannel(channel, code);
    } else this.o.client.end();
  }
}
