import { PassThrough, Writable } from "node:stream";
import type { TerminalOutput } from "./types.js";

/**
 * The client's key presses. A program such as Ink asks its input for raw mode before it reads
 * keys; over SSH the client's own terminal is already raw, so the request has nothing to change.
 */
export class TerminalInput extends PassThrough {
  readonly isTTY = true;
  isRaw = true;

  setRawMode(mode: boolean): this {
    this.isRaw = mode;
    return this;
  }

  // Asked for by programs written for process.stdin, which a socket can keep the process alive through.
  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }
}

/**
 * The client's screen. There is no pty line discipline on this side, so the "\n" a terminal
 * program writes becomes "\r\n" here, as a pty's output processing would make it; without the
 * carriage return every line would start where the previous one ended.
 */
export class TerminalOutputStream extends Writable implements TerminalOutput {
  readonly isTTY = true as const;
  private lastWasCr = false;

  constructor(
    private readonly sink: { write(chunk: Buffer): boolean },
    public columns: number,
    public rows: number,
    private readonly term: string,
  ) {
    super({ decodeStrings: true });
  }

  /** Takes the size the client reported (window-change) and tells the program, as a tty's SIGWINCH would. */
  resize(columns: number, rows: number): void {
    if (columns === this.columns && rows === this.rows) return;
    this.columns = columns;
    this.rows = rows;
    this.emit("resize");
  }

  /** Colours the client's TERM promises (what a tty WriteStream answers from the environment). */
  getColorDepth(): number {
    if (/-(24bit|truecolor|direct)$/.test(this.term)) return 24;
    if (this.term.endsWith("256color")) return 8;
    if (this.term === "dumb" || this.term === "") return 1;
    return 4;
  }

  hasColors(count = 16): boolean {
    return 2 ** this.getColorDepth() >= count;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    let start = 0;
    const parts: Buffer[] = [];
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      const prevCr = i === 0 ? this.lastWasCr : chunk[i - 1] === 0x0d;
      if (byte === 0x0a && !prevCr) {
        parts.push(chunk.subarray(start, i), CR);
        start = i;
      }
    }
    parts.push(chunk.subarray(start));
    if (chunk.length) this.lastWasCr = chunk[chunk.length - 1] === 0x0d;
    this.sink.write(parts.length === 1 ? chunk : Buffer.concat(parts));
    callback();
  }
}

const CR = Buffer.from([0x0d]);
