/**
 * SQLSTATE classes that are about what was written, not about the way to the database:
 * 21 cardinality, 22 data exception (bad text, a number out of range), 23 integrity constraint,
 * 54 program limit (a statement too large). Writing the same rows again fails the same way.
 */
const ROW_ERROR = /^(?:21|22|23|54)[0-9A-Z]{3}$/;

/**
 * Whether an error says the rows are wrong (retrying them as they are is pointless) rather than
 * that the database is away (retry later). A RangeError or TypeError is thrown while a value is
 * serialised (an invalid Date), before anything reaches the database.
 */
export function isRowError(err: unknown): boolean {
  if (err instanceof RangeError || err instanceof TypeError) return true;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && ROW_ERROR.test(code);
}

export type RefusedOutcome = "repaired" | "dropped";

export interface IsolatedWrite<T> {
  /** Writes the items atomically (one statement or transaction); returns the rows inserted. */
  write(items: readonly T[]): Promise<number>;
  /** A copy the database may take (text cleaned, numbers clamped), or null when nothing can be fixed. */
  repair(item: T): T | null;
  /** Called for items settled for good: written, repaired and written, or dropped. */
  settled(items: readonly T[]): void;
  /** Called for each item the database refused as it was; `error` is the last refusal. */
  refused(item: T, outcome: RefusedOutcome, error: unknown): void;
}

/**
 * Writes `items` in one go and, when the database refuses the rows themselves, halves the batch
 * until the refused rows stand alone, so every good row still commits (in order) at the cost of
 * about 2·log2(n) more statements per bad row. A refused row is repaired once or dropped. An
 * error that is not about the rows (the database is away) is thrown as it is, for the caller's
 * retry; what settled before it stays settled.
 */
export async function writeIsolated<T>(items: readonly T[], w: IsolatedWrite<T>): Promise<number> {
  if (items.length === 0) return 0;
  try {
    const written = await w.write(items);
    w.settled(items);
    return written;
  } catch (err) {
    if (!isRowError(err)) throw err;
    if (items.length === 1) return writeRepaired(items[0]!, err, w);
    const half = Math.ceil(items.length / 2);
    return (await writeIsolated(items.slice(0, half), w)) + (await writeIsolated(items.slice(half), w));
  }
}

async function writeRepaired<T>(item: T, refusal: unknown, w: IsolatedWrite<T>): Promise<number> {
  const repaired = w.repair(item);
  let error = refusal;
  if (repaired !== null) {
    try {
      const written = await w.write([repaired]);
      w.refused(item, "repaired", refusal);
      w.settled([item]);
      return written;
    } catch (err) {
      if (!isRowError(err)) throw err;
      error = err;
    }
  }
  w.refused(item, "dropped", error);
  w.settled([item]);
  return 0;
}
