import { spawn } from "node:child_process";

const TAIL_CHARS = 200_000;

/**
 * One uptop process with its output kept in memory (bounded), so a failure can print the last
 * lines of every log without files to clean up.
 */
export class Proc {
  constructor(name, main, env) {
    this.name = name;
    this.out = "";
    this.child = spawn(process.execPath, [main], { env, stdio: ["ignore", "pipe", "pipe"] });
    const keep = (b) => {
      this.out += b;
      if (this.out.length > TAIL_CHARS) this.out = this.out.slice(-TAIL_CHARS / 2);
    };
    this.child.stdout.on("data", keep);
    this.child.stderr.on("data", keep);
    this.exited = new Promise((r) => this.child.on("exit", (code, signal) => r({ code, signal })));
  }

  get running() {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async kill(signal) {
    if (this.running) this.child.kill(signal);
    return this.exited;
  }

  /** Resolves to the exit code, or throws when the process outlives `timeoutMs`. */
  async stop(timeoutMs) {
    if (!this.running) return (await this.exited).code;
    this.child.kill("SIGTERM");
    const timer = new Promise((_, reject) =>
      setTimeout(
        () => reject(new Error(`${this.name} still running ${timeoutMs / 1000} s after SIGTERM`)),
        timeoutMs,
      ).unref(),
    );
    const { code, signal } = await Promise.race([this.exited, timer]);
    return code ?? signal;
  }

  tail(lines) {
    return this.out.trimEnd().split("\n").slice(-lines);
  }
}

/** Runs a command to completion and returns its exit code and output. */
export function run(main, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (b) => (out += b));
    child.stderr.on("data", (b) => (out += b));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, out }));
  });
}
