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
