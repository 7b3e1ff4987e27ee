import { acceptedRanges } from "../src/accepted-codes.js";

describe("acceptedRanges", () => {
  // biome-ignore format: one case per line
  it.each([
    [undefined, [[200, 299]]],
    ["200-299", [[200, 299]]],
    ["200-299,301", [[200, 299], [301, 301]]],
    [" 204 , 418 ", [[204, 204], [418, 418]]],
    ["", undefined],
    ["2xx", undefined],
    ["299-200", undefined],
  ])("%p -> %p", (text, expected) => {
    expect(acceptedRanges(text)).toEqual(expected);
  });

  it("gives the same answer for a text seen before, valid or not", () => {
    expect(acceptedRanges("200,302")).toBe(acceptedRanges("200,302"));
    expect(acceptedRanges("nope")).toBeUndefined();
    expect(acceptedRanges("nope")).toBeUndefined();
  });
});
