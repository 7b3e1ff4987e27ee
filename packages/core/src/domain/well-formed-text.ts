/**
 * Text the database can store. Postgres refuses U+0000 in text and jsonb, and refuses half a
 * surrogate pair (half an emoji, left by a cut in the wrong place) in jsonb. One such string in
 * a batch fails the whole write, so text from outside is made storable where it enters.
 */

const NUL = "\u0000";

/** True when `text` is already storable: well-formed UTF-16 and free of NUL. */
export function isWellFormedText(text: string): boolean {
  return text.isWellFormed() && !text.includes(NUL);
}

/**
 * `text` with every lone surrogate replaced by U+FFFD and every NUL removed. Clean text (nearly
 * all of it) is returned as it is, after two native scans and no allocation.
 */
export function wellFormed(text: string): string {
  if (isWellFormedText(text)) return text;
  return text.toWellFormed().replaceAll(NUL, "");
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * The first `maxChars` UTF-16 code units of `text`, one fewer when the cut would split a
 * surrogate pair, then `suffix` (only when something was cut). Never leaves half a character.
 */
export function truncateText(text: string, maxChars: number, suffix = ""): string {
  if (text.length <= maxChars) return text;
  let end = Math.max(0, Math.floor(maxChars));
  if (end > 0 && isHighSurrogate(text.charCodeAt(end - 1))) end--;
  return text.slice(0, end) + suffix;
}

/** Both at once: the storable form of outside text, at most `maxChars` long (before `suffix`). */
export function storableText(text: string, maxChars: number, suffix = ""): string {
  return truncateText(wellFormed(text), maxChars, suffix);
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * A copy of a JSON-like value (plain objects, arrays, strings, numbers) with every string and
 * key made well-formed; the very same value when nothing needed it, found by a walk that
 * allocates nothing. Other objects (a Date) pass through untouched.
 */
export function wellFormedDeep<T>(value: T): T {
  return isCleanDeep(value, 0) ? value : (cleanDeep(value, 0) as T);
}

/** Our own values are shallow; a cycle or a runaway depth is left as it is rather than walked forever. */
const MAX_DEPTH = 64;

function isCleanDeep(value: unknown, depth: number): boolean {
  if (typeof value === "string") return isWellFormedText(value);
  if (value === null || typeof value !== "object" || depth >= MAX_DEPTH) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (!isCleanDeep(item, depth + 1)) return false;
    return true;
  }
  if (!isPlainObject(value)) return true;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (!isWellFormedText(key) || !isCleanDeep(value[key], depth + 1)) return false;
  }
  return true;
}

function cleanDeep(value: unknown, depth: number): unknown {
  if (typeof value === "string") return wellFormed(value);
  if (value === null || typeof value !== "object" || depth >= MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((item: unknown) => cleanDeep(item, depth + 1));
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [wellFormed(k), cleanDeep(v, depth + 1)]));
}
