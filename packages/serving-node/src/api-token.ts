import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { makePrivateDir, RefusedToRunError, writePrivateFile, type Logger } from "@uptop/core";

export const API_TOKEN_FILE = "api-token";

/**
 * What a token file may hold: one line of 16 to 1024 visible ASCII characters, the only tokens a
 * client can send as `Authorization: Bearer <token>`. The generator writes 32 base64url ones.
 */
const TOKEN_LINE = /^([\x21-\x7e]{16,1024})\r?\n?$/;

function refuse(path: string, problem: string): never {
  throw new RefusedToRunError(
    "API_TOKEN_FILE",
    `${path} ${problem}: the admin API could never be signed in to with it. Put one token in the file ` +
      "(16+ visible characters, no spaces, like the 32 letters and digits uptop generates), delete the file " +
      "to have a new one generated, or set UPTOP_API_TOKEN",
  );
}

/** The token stored in `path`, null when there is no file; a file no client could match stops the start. */
function readTokenFile(path: string): string | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return null;
    refuse(path, `cannot be read (${code ?? (err as Error).message})`);
  }
  if (bytes.length === 0) refuse(path, "is empty");
  const match = TOKEN_LINE.exec(bytes.toString("latin1"));
  if (!match) {
    const shown = bytes.toString("latin1").replace(/\r?\n$/, "");
    if (/[^\x21-\x7e]/.test(shown)) refuse(path, "holds spaces, line breaks, control or non-ASCII characters");
    refuse(path, `holds a ${shown.length}-character token; it needs 16 to 1024`);
  }
  return match[1]!;
}

/**
 * The admin token: UPTOP_API_TOKEN when set; otherwise the one in the data folder's `api-token`
 * file, generated (0600, printed once) on first start so a newcomer can use the API without
 * reading docs first. A file that holds no usable token throws RefusedToRunError (exit 2)
 * naming the file, rather than being adopted and locking the admin API out.
 */
export function ensureApiToken(configured: string | null, dataDir: string, logger: Logger): string {
  if (configured) return configured;
  const path = join(dataDir, API_TOKEN_FILE);
  const stored = readTokenFile(path);
  if (stored !== null) return stored;
  makePrivateDir(dataDir);
  const token = randomBytes(24).toString("base64url");
  writePrivateFile(path, `${token}\n`);
  // Printed on its own (not through the redacting logger) exactly once: this is how the operator
  // learns it. Later starts read it from the file and do not print it again.
  process.stdout.write(
    `\nuptop: generated an admin API token (stored in ${path}):\n\n    ${token}\n\n` +
      "Sign in to the web dashboard with it the first time: open this node's address in a browser and\n" +
      'choose "First time here? Set up with the admin API token".\n\n',
  );
  logger.warn("generated admin API token", { file: path });
  return token;
}
