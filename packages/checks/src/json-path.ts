import { truncateText, type JsonAssertion } from "@uptop/core";

/** `data.items[0].status` → ["data", "items", 0, "status"]; undefined when malformed. */
export function parseJsonPath(path: string): Array<string | number> | undefined {
  const text = path.startsWith("$") ? path.slice(1).replace(/^\./, "") : path;
  if (text === "") return [];
  const keys: Array<string | number> = [];
  const re = /([^.[\]]+)|\[(\d+)\]|\["([^"]*)"\]|(\.)/y;
  let expectKey = true;
  while (re.lastIndex < text.length) {
    const m = re.exec(text);
    if (!m) return undefined;
    if (m[1] !== undefined) {
      if (!expectKey) return undefined;
      keys.push(m[1]);
      expectKey = false;
    } else if (m[2] !== undefined) {
      keys.push(Number(m[2]));
      expectKey = false;
    } else if (m[3] !== undefined) {
      keys.push(m[3]);
      expectKey = false;
    } else {
      if (expectKey) return undefined;
      expectKey = true;
    }
  }
  return expectKey ? undefined : keys;
}

function select(value: unknown, keys: Array<string | number>): unknown {
  let cur = value;
  for (const key of keys) {
    if (cur === null || typeof cur !== "object") return undefined;
    if (typeof key === "number") {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[key];
    } else {
      if (!Object.hasOwn(cur, key)) return undefined;
      cur = (cur as Record<string, unknown>)[key];
    }
  }
  return cur;
}

function sameValue(actual: unknown, expected: unknown): boolean {
  // Config files often write numbers and booleans as strings: "200" matches 200.
  if (typeof expected === "string" && actual !== null && typeof actual !== "object") return String(actual) === expected;
  return JSON.stringify(actual) === JSON.stringify(expected);
}

/**
 * Checks a parsed JSON document against an assertion; returns null when it holds, otherwise a
 * sentence saying what was found.
 */
export function checkJsonAssertion(doc: unknown, assertion: JsonAssertion): string | null {
  const keys = parseJsonPath(assertion.path);
  if (!keys) return `"${assertion.path}" is not a JSON path`;
  const value = select(doc, keys);
  const shown = value === undefined ? "nothing" : truncate(JSON.stringify(value));
  if (assertion.exists !== undefined && (value !== undefined) !== assertion.exists) {
    return assertion.exists ? `${assertion.path} does not exist` : `${assertion.path} exists (${shown})`;
  }
  if (assertion.equals !== undefined && !sameValue(value, assertion.equals)) {
    return `${assertion.path} is ${shown}, expected ${truncate(JSON.stringify(assertion.equals))}`;
  }
  if (assertion.contains !== undefined) {
    const needle = assertion.contains;
    const holds =
      typeof value === "string"
        ? value.includes(needle)
        : Array.isArray(value) &&
          value.some((v) => sameValue(v, needle) || (typeof v === "string" && v.includes(needle)));
    if (!holds) return `${assertion.path} is ${shown}, which does not contain "${needle}"`;
  }
  return null;
}

/** The shown value quotes the target's body: cut on a character boundary, never through an emoji. */
function truncate(s: string | undefined): string {
  if (s === undefined) return "undefined";
  return truncateText(s, 100, "…");
}
