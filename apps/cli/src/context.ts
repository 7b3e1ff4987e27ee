import type { Command } from "commander";
import { createApiClient, type ApiClient } from "./api-client.js";
import type { CliEnv } from "./cli-env.js";
import type { Paint } from "./colour.js";

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  isTty: boolean;
  /** The terminal's height in rows; undefined when standard output is not a terminal. */
  rows?: number | undefined;
  /** Standard input is a terminal: a person can answer a question. */
  stdinIsTty?: boolean;
  /** Asks a question on the terminal and resolves with the answer (only when stdinIsTty). */
  ask?(question: string): Promise<string>;
  /** The interactive terminal, when there is one: `uptop top` draws on it. */
  terminal?: { stdin: NodeJS.ReadStream; stdout: NodeJS.WriteStream } | undefined;
}

export interface CliContext {
  env: CliEnv;
  io: CliIo;
  paint: Paint;
}

export const DEFAULT_SERVER = "http://127.0.0.1:8080";

/** The API client for a command: flags win over UPTOP_SERVER / UPTOP_API_TOKEN. */
export function clientFor(cmd: Command, ctx: CliContext): ApiClient {
  const o = cmd.optsWithGlobals<{ server?: string; token?: string }>();
  return createApiClient(o.server ?? ctx.env.server ?? DEFAULT_SERVER, o.token ?? ctx.env.token);
}
