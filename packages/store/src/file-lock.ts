import { randomBytes } from "node:crypto";
import { linkSync, readFileSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
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

/** How often a holder touches its lock file, and how long an untouched one is taken for a live holder. */
export const LOCK_REFRESH_MS = 10_000;
export const LOCK_STALE_AFTER_MS = 60_000;

function untouchedForMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/**
 * A lock is stale when its holder ran on this host and is gone, or has this very pid (a container
 * restarted: its process gets the pid of its previous life). A holder on another host cannot be
 * asked: a replaced container or pod has a new host name on the same volume. Its lock is stale
 * once it has gone untouched for LOCK_STALE_AFTER_MS, when the holder refreshes it (`refreshed`);
 * otherwise it is taken to be alive.
 */
function isStale(h: LockHolder, path: string, refreshed: boolean): boolean {
  if (h.host !== hostname()) return refreshed && untouchedForMs(path) > LOCK_STALE_AFTER_MS;
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
  /** The holder touches the file every LOCK_REFRESH_MS (older versions' PGlite locks were not). */
  refreshed: boolean;
  onLost?: (err: DatabaseLockedError) => void;
  /** LOCK_REFRESH_MS unless a test asks for less. */
  refreshMs?: number;
}

/**
 * SQLite keeps two processes from corrupting one file, but not from both serving it: two leaders
 * on one database would both check and both alert. The lock file says who serves it.
 */
export function acquireFileLock(
  databaseFile: string,
  me: LockHolder,
  opts: { onLost?: (err: DatabaseLockedError) => void; refreshMs?: number } = {},
): DatabaseLock {
  const where = `SQLite database ${databaseFile}`;
  return acquireLockFile({ path: lockFileOf(databaseFile), where, refreshed: true, ...opts }, me);
}

/**
 * A PGlite folder, opened only to copy its data out: its lock is the file older versions took in
 * the folder, so a node of such a version still running on it refuses the copy, and it the node.
 */
export function acquirePgliteLock(folder: string, me: LockHolder): DatabaseLock {
  const path = join(resolve(folder), PGLITE_LOCK_FILE);
  return acquireLockFile({ path, where: `PGlite folder ${folder}`, refreshed: false }, me);
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
      if (attempt > 0 || (other && !isStale(other.holder, path, target.refreshed))) {
        const hint =
          other && other.holder.host !== hostname()
            ? target.refreshed
              ? `if that process is gone, its lock is taken over ${LOCK_STALE_AFTER_MS / 1000} s after its last refresh`
              : `if that process is gone, delete ${path}`
            : undefined;
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
  // Touched while held, so a node on another host can tell a crashed holder from a live one. A
  // lock file that no longer carries this token was taken over (this process stalled past the
  // stale limit, or someone deleted it): stop serving rather than serve beside the new holder.
  const refresh = target.refreshed
    ? setInterval(() => {
        const now = readLock(path);
        if (now?.token === token) {
          const t = new Date();
          try {
            utimesSync(path, t, t);
          } catch {
            // Touched again at the next refresh; a missed one costs nothing.
          }
          return;
        }
        clearInterval(refresh);
        held = false;
        heldHere.delete(path);
        target.onLost?.(
          new DatabaseLockedError({
            where,
            who: now ? describeHolder(now.holder) : "another process",
            holder: now?.holder ?? null,
          }),
        );
      }, target.refreshMs ?? LOCK_REFRESH_MS)
    : undefined;
  refresh?.unref();
  return {
    get held() {
      return held;
    },
    record: async () => {},
    release: async () => {
      clearInterval(refresh);
      if (!held) return;
      held = false;
      heldHere.delete(path);
      if (readLock(path)?.token === token) unlinkSync(path);
    },
  };
}
