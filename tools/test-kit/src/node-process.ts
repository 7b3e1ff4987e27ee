import { spawn, type ChildProcess } from "node:child_process";
import { StopWaiting, until } from "./poll-until.js";

/** Environment variables by name; only these (and PATH) reach a child. */
export type Env = Record<string, string>;

function nodeChild(main: string, args: readonly string[], env: Env, cwd?: string, input?: string): ChildProcess {
  const child = spawn(process.execPath, [main, ...args], {
    env: { PATH: process.env.PATH ?? "", ...env },
    cwd,
    stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
  });
  if (input !== undefined) child.stdin?.end(input);
  return child;
}

/** One node process with its output kept in memory: stdout, stderr, and both interleaved. */
export class Proc {
  stdout = "";
  stderr = "";
  out = "";
  /** The exit code (null when a signal ended it), once the output is complete. */
  readonly exited: Promise<number | null>;
  private closed = false;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    child.stdout?.on("data", (b: Buffer) => {
      this.stdout += b;
      this.out += b;
    });
    child.stderr?.on("data", (b: Buffer) => {
      this.stderr += b;
      this.out += b;
    });
    this.exited = new Promise((r) =>
      child.on("close", (code) => {
        this.closed = true;
        r(code);
      }),
    );
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Waits until the output contains `text`; fails at once if the process ends first. */
  async waitFor(text: string, timeoutMs = 60_000): Promise<void> {
    await until(
      `${this.name} to log "${text}"`,
      () => {
        if (this.out.includes(text)) return true;
        // Output may still arrive between exit and close: only a closed process has said everything.
        if (!this.closed) return false;
        throw new StopWaiting(`${this.name} exited before logging "${text}":\n${this.out.slice(-2000)}`);
      },
      timeoutMs,
      100,
    );
  }

  /** Sends `sig` unless the process already ended; resolves its exit code. */
  kill(sig: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
    if (this.running) this.child.kill(sig);
    return this.exited;
  }
}

/** Starts `node <main> [args]` with only `env` (and PATH), so no setting leaks in from the test. */
export function spawnNode(name: string, main: string, env: Env = {}, args: readonly string[] = []): Proc {
  return new Proc(name, nodeChild(main, args, env));
}

export interface NodeRun {
  /** The exit code; null when a signal ended the process (the timeout's SIGKILL, say). */
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node <main> [args]` to its end, with only `env` (and PATH), `input` on its stdin (none
 * unless given); SIGKILL after `timeoutMs`.
 */
export function runNode(
  main: string,
  args: readonly string[] = [],
  options: { env?: Env; cwd?: string; timeoutMs?: number; input?: string } = {},
): Promise<NodeRun> {
  const child = nodeChild(main, args, options.env ?? {}, options.cwd, options.input);
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (b: Buffer) => (stdout += b));
  child.stderr?.on("data", (b: Buffer) => (stderr += b));
  const timer = options.timeoutMs ? setTimeout(() => child.kill("SIGKILL"), options.timeoutMs) : undefined;
  return new Promise((resolve, reject) => {
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
