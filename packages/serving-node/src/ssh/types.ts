import type { Readable, Writable } from "node:stream";
import type { Role } from "@uptop/core";

/** Who an accepted public key belongs to; `id` is null for a user that is not in the users table. */
export interface SshUser {
  id: number | null;
  name: string;
  role: Role;
}

/** The public key a client offers, as the SSH wire format carries it (algorithm name and key blob). */
export interface OfferedKey {
  algo: string;
  data: Buffer;
}

/** The user a key belongs to, or null to refuse it. Asked before and after the client proves it holds the key. */
export type Authenticate = (key: OfferedKey) => Promise<SshUser | null>;

/**
 * What a session writes to: the client's terminal. `columns` and `rows` follow the client's window,
 * and it emits "resize" when they change, as a tty's stdout does.
 */
export interface TerminalOutput extends Writable {
  readonly isTTY: true;
  readonly columns: number;
  readonly rows: number;
}

export interface SessionStart {
  user: SshUser;
  /** The client's key presses, raw (the client's terminal is in raw mode). */
  stdin: Readable;
  stdout: TerminalOutput;
  /** The client's TERM, such as "xterm-256color". */
  term: string;
}

export interface RunningSession {
  /** Ends the session from the server's side (idle, shutdown); `done` settles afterwards. */
  close(): void;
  /** Settles when the program on the terminal has ended, by the user's choice or after `close`. */
  done: Promise<void>;
}

/** Runs the program a user sees on the terminal (the dashboard) for one SSH session. */
export type StartSession = (start: SessionStart) => RunningSession;

/** The two parts an SSH server needs from the rest of the node. */
export interface SshHooks {
  authenticate: Authenticate;
  startSession: StartSession;
}
