// `uptop-admin db copy`: moves everything a leader keeps from one database to another (the
// embedded SQLite to Postgres when one machine is no longer enough, an old PGlite folder to
// SQLite), with both held so that no node runs on either meanwhile.
import { resolve } from "node:path";
import {
  COPIED_TABLES,
  copyBetween,
  DatabaseLockedError,
  type CopiedTable,
  type CopyReport,
  type DatabaseOptions,
} from "@uptop/store";
import { UsageError } from "./secret-commands.js";

const FORMS = "sqlite:<file>, postgres://<user>:<password>@<host>:<port>/<database> or pglite:<folder>";

/** `sqlite:./data/uptop.db`, `pglite:./data/uptop`, `postgres://…` (or `postgres:postgres://…`). */
export function parseEndpoint(flag: string, value: string | undefined): DatabaseOptions {
  if (!value) throw new UsageError(`${flag}: missing; give ${FORMS}`);
  if (/^postgres(ql)?:\/\//i.test(value)) return { type: "postgres", dsn: value };
  const m = /^(sqlite|postgres|pglite):(.*)$/.exec(value);
  if (!m) throw new UsageError(`${flag}: "${value}" is not ${FORMS}`);
  const type = m[1] as DatabaseOptions["type"];
  const dsn = m[2]!;
  if (type === "postgres" && !/^postgres(ql)?:\/\//i.test(dsn))
    throw new UsageError(
      `${flag}: a Postgres database is a postgres:// URL, like postgres://uptop:secret@db:5432/uptop`,
    );
  if (dsn === "" || dsn === ":memory:" || dsn === "memory://")
    throw new UsageError(`${flag}: ${type} needs a ${type === "pglite" ? "folder" : "file"} path`);
  return { type, dsn };
}

/** An endpoint as the output shows it: a Postgres password masked. */
export function describeEndpoint(o: DatabaseOptions): string {
  if (o.type !== "postgres") return `${o.type}:${o.dsn}`;
  try {
    const url = new URL(o.dsn);
    if (url.password) url.password = "***";
    return url.toString();
  } catch {
    return "postgres://…";
  }
}

function sameDatabase(a: DatabaseOptions, b: DatabaseOptions): boolean {
  if (a.type !== b.type) return false;
  return a.type === "postgres" ? a.dsn === b.dsn : resolve(a.dsn) === resolve(b.dsn);
}

interface CopyArgs {
  from: DatabaseOptions;
  to: DatabaseOptions;
  batchRows?: number;
}

export function parseCopyArgs(args: readonly string[]): CopyArgs {
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.indexOf("=");
    const [name, value] = eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, args[++i]];
    if (name !== "--from" && name !== "--to" && name !== "--batch-rows")
      throw new UsageError(`db copy: unknown argument "${arg}"`);
    if (value === undefined) throw new UsageError(`${name}: needs a value`);
    values.set(name, value);
  }
  const from = parseEndpoint("--from", values.get("--from"));
  const to = parseEndpoint("--to", values.get("--to"));
  if (to.type === "pglite")
    throw new UsageError("--to: PGlite can only be copied from; nodes run on sqlite:<file> or postgres://…");
  if (sameDatabase(from, to)) throw new UsageError("--from and --to name the same database");
  const rows = values.get("--batch-rows");
  if (rows === undefined) return { from, to };
  const batchRows = Number(rows);
  if (!Number.isInteger(batchRows) || batchRows < 1 || batchRows > 100_000)
    throw new UsageError("--batch-rows: must be a whole number from 1 to 100000");
  return { from, to, batchRows };
}

const WIDTH = Math.max(...COPIED_TABLES.map((t) => t.length)) + 2;
const line = (label: string, rows: number) => `  ${label.padEnd(WIDTH)}${String(rows).padStart(12)}`;

function summary(from: DatabaseOptions, to: DatabaseOptions, r: CopyReport): string {
  const total = r.tables.reduce((n, t) => n + t.rows, 0);
  const env =
    to.type === "postgres"
      ? "UPTOP_DB_TYPE=postgres and UPTOP_DB_DSN set to the target"
      : `UPTOP_DB_TYPE=sqlite and UPTOP_DB_DSN=${to.dsn} (or leave both unset if that is the default file)`;
  return [
    `copied ${describeEndpoint(from)} to ${describeEndpoint(to)}, every count checked in both:`,
    ...r.tables.map((t) => line(t.table, t.rows)),
    line("total", total),
    ...(r.repaired.length > 0
      ? [
          "rows whose text Postgres cannot store as it was (a NUL or half a character), copied with it cleaned " +
            "(NUL removed, half a character replaced by U+FFFD):",
          ...r.repaired.map((t) => line(t.table, t.rows)),
        ]
      : []),
    `cluster epoch ${r.epoch}. The data in the source is left as it was.`,
    `Start uptop with ${env}, and the same UPTOP_ENCRYPTION_KEY: secrets were copied encrypted as stored.`,
  ].join("\n");
}

/** Runs the copy, writing a line per table (and every few seconds on a long one) to `out`. */
export async function dbCopy(args: readonly string[], out: (line: string) => void): Promise<string> {
  const { from, to, batchRows } = parseCopyArgs(args);
  out(`copying ${describeEndpoint(from)} to ${describeEndpoint(to)}`);
  let started = false;
  let lastLine = 0;
  const onProgress = (table: CopiedTable, rows: number, done: boolean) => {
    started = true;
    const now = Date.now();
    if (done) out(`${table}: ${rows} ${rows === 1 ? "row" : "rows"} copied`);
    else if (now - lastLine >= 2000) out(`${table}: ${rows} rows so far`);
    else return;
    lastLine = now;
  };
  try {
    const report = await copyBetween(from, to, { onProgress, ...(batchRows ? { batchRows } : {}) });
    return summary(from, to, report);
  } catch (err) {
    if (err instanceof DatabaseLockedError)
      err.message += "\nStop every node using it, keep it stopped until the copy is done, and copy again.";
    else if (started && err instanceof Error)
      err.message +=
        "\nThe target now holds part of the data: drop that database (or delete the file) before copying again.";
    throw err;
  }
}
