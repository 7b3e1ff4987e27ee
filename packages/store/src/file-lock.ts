import { randomBytes } from "node:crypto";
import { linkSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, join, resolve } from "node:path";
import { makePrivateDir, PRIVATE_FILE_MODE } from "@uptop/core";
import type { DatabaseLock } from "./database-lock.js";
import { DatabaseLockedError, describeHolder, type LockHolder } from "./database-locked-error.js";

/** The lock file beside a SQLite database file: who has the database open. */
export function lockFileOf(databaseFile: string): string {
  return `${resolve(databaseFile)}.lock`;
}

// Lock files this process holds. A second open from the same process is refused too: by the pid
// rule alone it would look like a lock left by an earlier life of this process.
const heldHere = new Map<string, LockHolder>();

interface Content {
  holder: LockHolder;
  token: string;
}

function readLock(path: string): Content | null {
  try {
    const raw = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
    const { nodeId, role, pid, host, startedAt, token } = raw;
    if (typeof nodeId !== "string" || typeof role !== "string" || typeof pid !== "number") return null;
    if (typeof host !== "string" || typeof startedAt !== "string" || typeof token !== "string") return null;
    return { holder: { nodeId, role, pid, host, startedAt: new Date(startedAt) }, token };
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * A lock is stale when its holder ran on this host and is gone, or has this very pid (a container
 * restarted: its process gets the pid of its previous life). A holder on another host (a shared
 * folder) cannot be checked from here, so it is taken to be alive.
 */
function isStale(h: LockHolder): boolean {
  if (h.host !== hostname()) return false;
  return h.pid === process.pid || !alive(h.pid);
}

/** Creates `path` with `content` unless it exists: via a hard link where the file system has them. */
function createExclusive(path: string, tmp: string): boolean {
  try {
    linkSync(tmp, path);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return false;
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "ENOSYS") throw err;
  }
  try {
    writeFileSync(path, readFileSync(tmp), { flag: "wx", mode: PRIVATE_FILE_MODE });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  }
}

/** The lock file inside a PGlite folder, where versions before SQLite kept it. */
export const PGLITE_LOCK_FILE = "uptop.lock";

/** A lock file and what it guards, as a refusal names it. */
interface LockFileTarget {
  path: string;
  where: string;
}

/**
 * SQLite keeps two processes from corrupting one file, but not from both serving it: two leaders
 * on one database would both check and both alert. The lock file says who serves it.
 */
export function acquireFileLock(databaseFile: string, me: LockHolder): DatabaseLock {
  return acquireLockFile({ path: lockFileOf(databaseFile), where: `SQLite database ${databaseFile}` }, me);
}

/**
 * A PGlite folder, opened only to copy its data out: its lock is the file older versions took in
 * the folder, so a node of such a version still running on it refuses the copy, and it the node.
 */
export function acquirePgliteLock(folder: string, me: LockHolder): DatabaseLock {
  return acquireLockFile({ path: join(resolve(folder), PGLITE_LOCK_FILE), where: `PGlite folder ${folder}` }, me);
}

function acquireLockFile(target: LockFileTarget, me: LockHolder): DatabaseLock {
  const { where } = target;
  const path = resolve(target.path);
  const here = heldHere.get(path);
  if (here) throw new DatabaseLockedError({ where, who: `${describeHolder(here)}, in this process`, holder: here });
  makePrivateDir(dirname(path));
  const token = randomBytes(8).toString("hex");
  // Written whole, then linked into place: a reader never sees a half-written lock.
  const tmp = `${path}.${process.pid}.${token}`;
  writeFileSync(tmp, `${JSON.stringify({ ...me, startedAt: me.startedAt.toISOString(), token })}\n`, {
    mode: PRIVATE_FILE_MODE,
  });
  try {
    for (let attempt = 0; ; attempt++) {
      if (createExclusive(path, tmp)) break;
      const other = readLock(path);
      if (attempt > 0 || (other && !isStale(other.holder))) {
        const hint = other && other.holder.host !== hostname() ? `if that process is gone, delete ${path}` : undefined;
        throw new DatabaseLockedError({
          where,
          who: other ? describeHolder(other.holder) : "another process",
          holder: other?.holder ?? null,
          ...(hint ? { hint } : {}),
        });
      }
      rmSync(path, { force: true });
    }
  } finally {
    rmSync(tmp, { force: true });
  }
  heldHere.set(path, me);
  let held = true;
  return {
    get held() {
      return held;
    },
    record: async () => {},
    release: async () => {
      if (!held) return;
      held = false;
      heldHere.delete(path);
      if (readLock(path)?.token === token) unlinkSync(path);
    },
  };
}
