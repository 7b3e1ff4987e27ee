import type { Status } from "@uptop/core";
import { ancestors, descendants, groupStatus } from "../src/group.js";

describe("groupStatus", () => {
  it.each([
    [["UP", "UP"], "UP"],
    [["UP", "PENDING"], "PENDING"],
    [["PENDING", "LATE", "UP"], "LATE"],
    [["LATE", "DOWN", "UP"], "DOWN"],
    [["DOWN", "PENDING"], "DOWN"],
    [["UP", "PAUSED"], "UP"],
    [["UP", "MAINTENANCE"], "UP"],
    [["DOWN", "MAINTENANCE"], "DOWN"],
    [["PAUSED", "DOWN"], "DOWN"],
    [[], "PENDING"],
    [["PAUSED", "PAUSED"], "PAUSED"],
    [["MAINTENANCE"], "MAINTENANCE"],
    [["MAINTENANCE", "PAUSED"], "MAINTENANCE"],
  ] as Array<[Status[], Status]>)("children %j → %s", (statuses, want) => {
    expect(groupStatus(statuses.map((status) => ({ status })))).toBe(want);
  });

  it("does not depend on the children's order", () => {
    const all: Status[] = ["UP", "PENDING", "LATE", "DOWN", "PAUSED", "MAINTENANCE"];
    expect(groupStatus(all.map((status) => ({ status })))).toBe("DOWN");
    expect(groupStatus([...all].reverse().map((status) => ({ status })))).toBe("DOWN");
  });
});

describe("descendants and ancestors", () => {
  // 1 ─┬─ 2 ─── 4 ─── 5
  //    └─ 3
  // 6 (top level)   7 ⇄ 8 (a corrupt cycle)
  const monitors = [
    { id: 1, parentId: null },
    { id: 2, parentId: 1 },
    { id: 3, parentId: 1 },
    { id: 4, parentId: 2 },
    { id: 5, parentId: 4 },
    { id: 6, parentId: null },
    { id: 7, parentId: 8 },
    { id: 8, parentId: 7 },
    { id: 9, parentId: 99 },
  ];

  it.each([
    [1, [2, 3, 4, 5]],
    [2, [4, 5]],
    [5, []],
    [6, []],
    [7, [8]],
    [99, [9]],
  ])("descendants of %d are %j", (id, want) => {
    expect(descendants(id, monitors)).toEqual(want);
  });

  it.each([
    [5, [4, 2, 1]],
    [3, [1]],
    [1, []],
    [7, [8]],
    [9, [99]],
    [42, []],
  ])("ancestors of %d are %j (nearest first)", (id, want) => {
    expect(ancestors(id, monitors)).toEqual(want);
  });

  it("a monitor that is its own parent has no ancestors and no descendants", () => {
    const self = [{ id: 1, parentId: 1 }];
    expect(ancestors(1, self)).toEqual([]);
    expect(descendants(1, self)).toEqual([]);
  });
});
