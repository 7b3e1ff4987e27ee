import { checkJsonAssertion, parseJsonPath } from "../src/json-path.js";

describe("parseJsonPath", () => {
  it.each([
    ["data.items[0].status", ["data", "items", 0, "status"]],
    ["$.a.b", ["a", "b"]],
    ["a[1][2]", ["a", 1, 2]],
    ['a["odd.key"]', ["a", "odd.key"]],
    ["a..b", undefined],
    ["a.", undefined],
    ["a[x]", undefined],
  ])("%s", (path, keys) => {
    expect(parseJsonPath(path)).toEqual(keys);
  });
});

describe("checkJsonAssertion", () => {
  const doc = { status: "ok", n: 5, on: true, list: ["a", "b"], nested: { v: null } };
  it.each([
    [{ path: "status", equals: "ok" }, true],
    [{ path: "n", equals: 5 }, true],
    [{ path: "n", equals: "5" }, true],
    [{ path: "on", equals: true }, true],
    [{ path: "on", equals: "true" }, true],
    [{ path: "list", equals: ["a", "b"] }, true],
    [{ path: "status", equals: "down" }, false],
    [{ path: "status", contains: "o" }, true],
    [{ path: "list", contains: "b" }, true],
    [{ path: "list", contains: "z" }, false],
    [{ path: "nested.v", exists: true }, true],
    [{ path: "nested.w", exists: false }, true],
    [{ path: "nested.w", exists: true }, false],
    [{ path: "status.length", exists: true }, false],
  ])("%j → holds %s", (assertion, holds) => {
    expect(checkJsonAssertion(doc, assertion) === null).toBe(holds);
  });
});

describe("the value a failed assertion shows", () => {
  // `"` and 98 letters, then an emoji across the cut at 100: a plain cut leaves half of it.
  const doc = { status: `${"a".repeat(98)}${"\u{1F600}".repeat(5)}` };

  it.each([
    ["equals", { path: "status", equals: "ok" }],
    ["contains", { path: "status", contains: "ok" }],
    ["exists: false", { path: "status", exists: false }],
  ])("is cut on a character boundary (%s)", (_name, assertion) => {
    const message = checkJsonAssertion(doc, assertion);
    expect(message).toContain(`"${"a".repeat(98)}…`);
    expect(message!.isWellFormed()).toBe(true);
  });
});
