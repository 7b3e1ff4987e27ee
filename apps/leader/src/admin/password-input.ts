// A new password for `uptop-admin user add --password-stdin` and `user passwd`: typed at a terminal
// without echo (twice, to catch a typo), or read from a pipe, so no password is ever an argument
// that `ps` or the shell history would show.
import { passwordSchema } from "@uptop/api";
import { UsageError } from "./secret-commands.js";

/** What a reading gives up on: a password is at most 1024 characters, so a pipe is never read whole. */
const MAX_INPUT_BYTES = 8 * 1024;

async function readPipe(input: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of input) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += b.length;
    if (size > MAX_INPUT_BYTES) throw new UsageError("the password on stdin is longer than 1024 characters");
    chunks.push(b);
  }
  // One line; the newline `echo` or a here-string adds is not part of the password.
  const text = Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
  if (text.includes("\n")) throw new UsageError("stdin holds more than one line: give the password on one line");
  return text;
}

/** One line typed at the terminal, shown as nothing. Ctrl-C or Ctrl-D gives up. */
function readHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding("utf8");
  return new Promise((resolve, reject) => {
    let typed = "";
    const done = (err: Error | null) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off("data", onData);
      process.stderr.write("\n");
      if (err) reject(err);
      else resolve(typed);
    };
    const onData = (data: string) => {
      for (const ch of data) {
        if (ch === "\r" || ch === "\n") return done(null);
        if (ch === "\u0003" || ch === "\u0004") return done(new UsageError("cancelled: no password set"));
        if (ch === "\u007f" || ch === "\b") typed = typed.slice(0, -1);
        else typed += ch;
      }
    };
    stdin.on("data", onData);
  });
}

/** The new password, checked as the API checks it (10 to 1024 characters, not only whitespace). */
export async function readNewPassword(): Promise<string> {
  let password: string;
  if (process.stdin.isTTY) {
    password = await readHidden("New password: ");
    if ((await readHidden("Repeat it: ")) !== password) throw new UsageError("the two passwords differ");
  } else password = await readPipe(process.stdin);
  const checked = passwordSchema.safeParse(password);
  if (!checked.success) throw new UsageError(`password: ${checked.error.issues[0]?.message ?? "not accepted"}`);
  return checked.data;
}
