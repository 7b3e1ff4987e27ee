import { randomBytes } from "node:crypto";
import { renameSync, unlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/**
 * Writes `text` to `file` so that no one but the owner can ever read it: the bytes go to a new
 * file created 0600 beside it, which then replaces `file` in one rename. Writing into an existing
 * file would keep its old mode (and any reader that already has it open) until a later chmod.
 */
export function writePrivateFile(file: string, text: string): void {
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    // "wx": a new file, never one that someone placed there first.
    writeFileSync(temp, text, { mode: 0o600, flag: "wx" });
    renameSync(temp, file);
  } catch (err) {
    try {
      unlinkSync(temp);
    } catch {
      // Already renamed or never created: nothing to clean up.
    }
    throw err;
  }
}
