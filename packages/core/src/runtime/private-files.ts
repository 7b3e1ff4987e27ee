import { randomBytes } from "node:crypto";
import { chmodSync, lstatSync, mkdirSync, readdirSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join, parse, resolve } from "node:path";

/** Owner only: what every file and folder holding uptop's data, tokens and keys is given. */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/**
 * Writes `text` to `file` so that no one but the owner can ever read it: the bytes go to a new
 * file created 0600 beside it, which then replaces `file` in one rename. Writing into an existing
 * file would keep its old mode (and any reader that already has it open) until a later chmod,
 * and a crash half-way would leave a truncated file in its place.
 */
export function writePrivateFile(file: string, text: string): void {
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    // "wx": a new file, never one that someone placed there first.
    writeFileSync(temp, text, { mode: PRIVATE_FILE_MODE, flag: "wx" });
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

/** Creates `dir` (and missing parents) owner-only; an existing one is left as it is. */
export function makePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/**
 * Takes group and other permissions away from `path`, and with `tree` from everything under
 * it. Symbolic links are not followed. A shared folder — the file system's root, or one with
 * the sticky bit such as /tmp — is never changed: it is not ours to close. Returns the paths
 * it changed. Throws what the file system refuses (a folder owned by someone else).
 */
export function restrictPermissions(path: string, options: { tree?: boolean } = {}): string[] {
  const changed: string[] = [];
  const restrict = (p: string) => {
    const st = lstatSync(p);
    if (st.isSymbolicLink() || (st.mode & 0o077) === 0) return;
    chmodSync(p, st.mode & 0o700);
    changed.push(p);
  };
  const top = lstatSync(path);
  const absolute = resolve(path);
  if (top.isDirectory() && ((top.mode & 0o1000) !== 0 || parse(absolute).root === absolute)) return changed;
  restrict(path);
  if (options.tree && top.isDirectory()) {
    for (const entry of readdirSync(path, { recursive: true })) restrict(join(path, String(entry)));
  }
  return changed;
}
