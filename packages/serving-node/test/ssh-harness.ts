import { PassThrough } from "node:stream";
import { createLogger, type Logger } from "@uptop/core";
import { until } from "@uptop/test-kit";
import ssh2, { type ClientChannel } from "ssh2";
import type { SshUser, StartSession } from "../src/index.js";
import { generateEd25519Key } from "../src/ssh/openssh-key.js";

/** A key pair in OpenSSH format, as a user would have in ~/.ssh. */
export function userKey(): { private: string; public: string } {
  const key = generateEd25519Key("test user");
  return { private: key.privateKey, public: key.publicLine };
}

/** The key blob a client offers for a private key (what `authenticate` is asked about). */
export function publicBlob(privateKey: string): Buffer {
  const parsed = ssh2.utils.parseKey(privateKey);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || key instanceof Error) throw new Error("not a key");
  return key.getPublicSSH();
}

/** `authenticate` that knows the given keys (by their blob) and no others. */
export function keyring(entries: Array<{ privateKey: string; user: SshUser }>) {
  const asked: Array<{ algo: string; data: Buffer }> = [];
  const authenticate = async (key: { algo: string; data: Buffer }) => {
    asked.push(key);
    return entries.find((e) => publicBlob(e.privateKey).equals(key.data))?.user ?? null;
  };
  return { authenticate, asked };
}

/**
 * A stand-in for the dashboard: a title line naming the user, the terminal size (and again on
 * every resize), an echo of each key, and "q" to quit.
 */
export const textScreen: StartSession = ({ user, stdin, stdout, term }) => {
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => (finish = resolve));
  const size = () => stdout.write(`size ${stdout.columns}x${stdout.rows}\n`);
  stdout.write(`uptop — ${user.name} (${user.role}) on ${term}\n`);
  size();
  stdout.on("resize", size);
  stdin.on("data", (data: Buffer) => {
    const text = data.toString("utf8");
    stdout.write(`key ${JSON.stringify(text)}\n`);
    if (text === "q") finish();
  });
  return {
    close: () => {
      stdout.write("bye\n");
      finish();
    },
    done,
  };
};

/** A logger at info level whose JSON lines the test reads back. */
export function recordingLogger(): { logger: Logger; lines: () => Array<Record<string, unknown>>; text: () => string } {
  const stream = new PassThrough();
  let text = "";
  stream.on("data", (d: Buffer) => (text += d.toString("utf8")));
  return {
    logger: createLogger({ level: "debug", stream }),
    text: () => text,
    lines: () =>
      text
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

export interface SshSession {
  client: ssh2.Client;
  stream: ClientChannel;
  hostKey: Buffer;
  screen(): string;
  exitCode(): number | null;
  closed: Promise<void>;
  waitFor(text: string): Promise<string>;
}

/** Signs in with `privateKey` and returns the client and the host key it was shown. */
export function connect(
  port: number,
  privateKey: string | { password: string },
): Promise<{ client: ssh2.Client; hostKey: Buffer }> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    let hostKey = Buffer.alloc(0);
    client.on("ready", () => resolve({ client, hostKey }));
    client.on("error", reject);
    client.connect({
      host: "127.0.0.1",
      port,
      username: "admin",
      ...(typeof privateKey === "string" ? { privateKey } : privateKey),
      tryKeyboard: typeof privateKey !== "string",
      readyTimeout: 10_000,
      hostVerifier: (key: Buffer) => {
        hostKey = key;
        return true;
      },
    });
  });
}

/** Opens the shell with a pty (or without, with `pty: false`) and records what the server writes. */
export async function openShell(
  port: number,
  privateKey: string,
  pty: { term: string; cols: number; rows: number } | false = { term: "xterm-256color", cols: 80, rows: 24 },
): Promise<SshSession> {
  const { client, hostKey } = await connect(port, privateKey);
  let screen = "";
  let code: number | null = null;
  let closed: Promise<void> = Promise.resolve();
  // Listeners go on inside the callback: a short session's exit and close can arrive in the same read.
  const stream = await new Promise<ClientChannel>((resolve, reject) => {
    const cb = (err: Error | undefined, s: ClientChannel) => {
      if (err) return reject(err);
      s.on("data", (d: Buffer) => (screen += d.toString("utf8")));
      s.on("exit", (c: number) => (code = c));
      closed = new Promise<void>((r) => s.on("close", () => r()));
      resolve(s);
    };
    if (pty) client.shell(pty, cb);
    else client.shell(false, cb);
  });
  return {
    client,
    stream,
    hostKey,
    screen: () => screen,
    exitCode: () => code,
    closed,
    waitFor: (text) => until(`"${text}" on screen`, () => screen.includes(text) && screen, 10_000, 20),
  };
}
