/** Socket errors of a server that is down, restarting or out of reach. */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EHOSTDOWN",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/**
 * SQLSTATEs of a server that cannot serve now: class 08 (connection exceptions), shutting down
 * or starting up (57P01-57P03), and out of connections (53300).
 */
function unavailableState(code: string): boolean {
  return /^08[0-9A-Z]{3}$/.test(code) || code === "57P01" || code === "57P02" || code === "57P03" || code === "53300";
}

/**
 * SQLite's codes for a database that cannot serve now rather than a query that is wrong: another
 * process holds the file past the busy timeout, the disk fails or is full, the file cannot be opened.
 */
function sqliteUnavailable(code: string): boolean {
  return (
    code === "SQLITE_BUSY" ||
    code.startsWith("SQLITE_BUSY_") ||
    code === "SQLITE_FULL" ||
    code === "SQLITE_IOERR" ||
    code.startsWith("SQLITE_IOERR_") ||
    code === "SQLITE_CANTOPEN"
  );
}

/** What pg, its pool, PGlite, better-sqlite3 and Kysely say, without a code, when the database is gone or closed. */
const UNAVAILABLE_MESSAGES = [
  /^Connection terminated( unexpectedly| due to connection timeout)?$/,
  /^timeout exceeded when trying to connect$/,
  /^Client has encountered a connection error and is not queryable$/,
  /^Client was closed and is not queryable$/,
  /^Cannot use a pool after calling end on the pool$/,
  /^PGlite is clos(ed|ing)$/,
  /^PGlite instance is already closed\.?$/,
  /^driver has already been destroyed$/,
  /^The database connection is not open$/,
];

/**
 * True when `err` says the database cannot be reached right now — refused, dropped, timed out,
 * shutting down, or closed — rather than that a query is wrong. A caller can answer "try again"
 * (503) for these and keep every other error a bug. The drivers throw these errors as they are;
 * a wrapped `cause` is not followed, so an outbound call's refusal never reads as the database's.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (err === null || typeof err !== "object") return false;
  const { code, message, errors } = err as { code?: unknown; message?: unknown; errors?: unknown };
  if (typeof code === "string" && (NETWORK_CODES.has(code) || unavailableState(code) || sqliteUnavailable(code)))
    return true;
  if (typeof message === "string" && UNAVAILABLE_MESSAGES.some((m) => m.test(message))) return true;
  // A host name with several addresses fails with an AggregateError holding one error per address.
  return Array.isArray(errors) && errors.length > 0 && errors.every(isDatabaseUnavailable);
}
