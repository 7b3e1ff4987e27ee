import {
  isWellFormedText,
  storableText,
  truncateText,
  unstorableIssues,
  wellFormed,
  wellFormedDeep,
} from "../src/index.js";

const HIGH = "\uD83D"; // first half of 😀
const LOW = "\uDE00"; // second half of 😀
const EMOJI = `${HIGH}${LOW}`;
const FFFD = "\uFFFD";

describe("wellFormed", () => {
  // biome-ignore format: a table reads best one case per line
  it.each([
    ["clean ASCII, unchanged", "disk full", "disk full"],
    ["a whole emoji, unchanged", `ok ${EMOJI}`, `ok ${EMOJI}`],
    ["empty, unchanged", "", ""],
    ["a lone high surrogate at the end", `abc${HIGH}`, `abc${FFFD}`],
    ["a lone low surrogate at the start", `${LOW}abc`, `${FFFD}abc`],
    ["a lone high surrogate before a letter", `a${HIGH}b`, `a${FFFD}b`],
    ["two high surrogates in a row", `${HIGH}${HIGH}${LOW}`, `${FFFD}${EMOJI}`],
    ["a pair in the wrong order", `${LOW}${HIGH}`, `${FFFD}${FFFD}`],
    ["a NUL, removed", "disk\u0000full", "diskfull"],
    ["only NULs", "\u0000\u0000", ""],
    ["a NUL and a lone surrogate", `\u0000${HIGH}x`, `${FFFD}x`],
  ])("%s", (_name, input, expected) => {
    expect(wellFormed(input)).toBe(expected);
    expect(isWellFormedText(wellFormed(input))).toBe(true);
  });

  it("returns clean text itself, not a copy", () => {
    const text = "x".repeat(10_000);
    expect(wellFormed(text)).toBe(text);
    expect(isWellFormedText(text)).toBe(true);
  });

  it("cleans a long string with damage far from the start", () => {
    const text = `${"a".repeat(100_000)}${HIGH}${"b".repeat(100_000)}\u0000`;
    const clean = wellFormed(text);
    expect(clean).toHaveLength(200_001);
    expect(clean.charAt(100_000)).toBe(FFFD);
    expect(isWellFormedText(clean)).toBe(true);
  });
});

describe("truncateText", () => {
  // biome-ignore format: a table reads best one case per line
  it.each([
    ["shorter than the cut, unchanged", "abc", 5, "", "abc"],
    ["exactly the cut, unchanged", "abcde", 5, "", "abcde"],
    ["longer: cut at the limit", "abcdef", 5, "", "abcde"],
    ["a suffix only when cut", "abcdef", 5, "…", "abcde…"],
    ["no suffix when not cut", "abc", 5, "…", "abc"],
    ["a pair across the cut: the whole pair goes", `abcd${EMOJI}x`, 5, "", "abcd"],
    ["a pair just before the cut stays", `abc${EMOJI}x`, 5, "", `abc${EMOJI}`],
    ["a pair just after the cut goes", `abcde${EMOJI}`, 5, "", "abcde"],
    ["only emoji, cut in the middle of one", EMOJI.repeat(3), 3, "", EMOJI],
    ["only emoji, cut between two", EMOJI.repeat(3), 4, "", EMOJI.repeat(2)],
    ["a cut of one inside a pair: empty", `${EMOJI}`, 1, "", ""],
    ["a cut of zero", "abc", 0, "", ""],
    ["a lone low surrogate at the cut is kept as it is", `abcd${LOW}x`, 5, "", `abcd${LOW}`],
  ])("%s", (_name, text, max, suffix, expected) => {
    expect(truncateText(text, max, suffix)).toBe(expected);
  });

  it("never leaves half a character, wherever a long emoji string is cut", () => {
    const text = `${"é".repeat(3)}${EMOJI.repeat(300)}`;
    for (let max = 0; max <= text.length; max++) {
      const cut = truncateText(text, max);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(cut.length).toBeGreaterThanOrEqual(max - 1);
      expect(cut.isWellFormed()).toBe(true);
    }
  });
});

describe("storableText", () => {
  it("cleans, then cuts on a character boundary", () => {
    expect(storableText(`a\u0000b${HIGH}c${EMOJI}d`, 4, "…")).toBe(`ab${FFFD}c…`);
    expect(storableText(`ab${EMOJI}`, 3)).toBe("ab");
  });
});

describe("wellFormedDeep", () => {
  it("cleans every string and key of plain objects and arrays", () => {
    const value = {
      reason: `push reported down: ${HIGH}`,
      votes: [{ error: { code: "PROTOCOL", message: "a\u0000b" } }, { error: null }],
      [`k${LOW}`]: 1,
      n: 3,
    };
    expect(wellFormedDeep(value)).toEqual({
      reason: `push reported down: ${FFFD}`,
      votes: [{ error: { code: "PROTOCOL", message: "ab" } }, { error: null }],
      [`k${FFFD}`]: 1,
      n: 3,
    });
  });

  it("returns the very same value when nothing needs cleaning", () => {
    const value = { a: ["x", { b: "y" }], c: 1, d: null };
    expect(wellFormedDeep(value)).toBe(value);
  });

  it("leaves the input untouched and other objects as they are", () => {
    const at = new Date(0);
    const value = { at, text: HIGH };
    const clean = wellFormedDeep(value);
    expect(value.text).toBe(HIGH);
    expect(clean.at).toBe(at);
  });
});

describe("unstorableIssues", () => {
  // biome-ignore format: a table reads best one case per line
  it.each([
    ["a lone high surrogate", { name: `x${HIGH}` }, "name", "must be valid Unicode text"],
    ["a lone low surrogate deep inside", { a: [{ b: LOW }] }, "a.0.b", "must be valid Unicode text"],
    ["a lone surrogate in a key", { [`k${HIGH}`]: 1 }, `k${FFFD}`, "field name must be valid Unicode text"],
    ["a NUL", { name: "a\u0000" }, "name", "must not contain a NUL"],
  ])("names %s", (_name, value, field, message) => {
    const issues = unstorableIssues(value);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.field).toBe(field);
    expect(issues[0]!.message).toContain(message);
  });

  it("passes whole emoji", () => {
    expect(unstorableIssues({ name: `ok ${EMOJI}`, [EMOJI]: [EMOJI] })).toEqual([]);
  });

  it("skips text, but not depth, when told the route cleans text itself", () => {
    expect(unstorableIssues({ msg: `a\u0000${HIGH}` }, "", { text: false })).toEqual([]);
    let deep: unknown = "x";
    for (let i = 0; i < 70; i++) deep = [deep];
    expect(unstorableIssues(deep, "", { text: false })[0]?.message).toContain("nested more than 64");
  });
});
