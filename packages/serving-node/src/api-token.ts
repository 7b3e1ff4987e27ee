import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "@uptop/core";

const FILE = "api-token";

/**
 * The admin token: UPTOP_API_TOKEN when set; otherwise one generated on first start, kept 0600
 * in the data folder and printed once, so a newcomer can use the API without reading docs first.
 */
export function ensureApiToken(configured: string | null, dataDir: string, logger: Logger): string {
  if (configured) return configured;
  const path = join(dataDir, FILE);
  if (existsSync(path)) {
    const stored = readFileSync(path, "utf8").trim();
    if (stored.length >= 16) return stored;
  }
  mkdirSync(dataDir, { recursive: true });
  const token = randomBytes(24).toString("base64url");
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  // Printed on its own (not through the redacting logger) exactly once: this is how the operator
  // learns it. Later starts read it from the file and do not print it again.
  process.stdout.write(`\nuptop: generated an admin API token (stored in ${path}):\n\n    ${token}\n\n`);
  logger.warn("generated admin API token", { file: path });
  return token;
}
