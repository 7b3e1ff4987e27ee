import { isRowError, writeIsolated, type IsolatedWrite } from "../src/row-isolation.js";

const pgError = (code: string) => Object.assign(new Error(`sqlstate ${code}`), { code });

describe("isRowError", () => {
  // biome-ignore format: a table reads best one case per line
  it.each([
    ["invalid json (half a surrogate pair in jsonb)", pgError("22P02"), true],
    ["a NUL in text", pgError("22021"), true],
    ["an integer out of range", pgError("22003"), true],
    ["a date out of range", pgError("22008"), true],
    ["a foreign key", pgError("23503"), true],
    ["a statement too large", pgError("54000"), true],
    ["a row updated twice by one upsert", pgError("21000"), true],
    ["an invalid Date, thrown before the database", new RangeError("Invalid time value"), true],
    ["a connection failure", pgError("08006"), false],
    ["the server shutting down", pgError("57P01"), false],
    ["too many connections", pgError("53300"), false],
    ["a serialization failure", pgError("40001"), false],
    ["a refused socket", Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }), false],
    ["a dropped connection", new Error("Connection terminated unexpectedly"), false],
    ["not an error at all", "boom", false],
  ])("%s", (_name, err, expected) => {
    expect(isRowError(err)).toBe(expected);
  });
});

/** A writer that refuses any batch holding a "bad" item; "fixable" ones it takes once repaired. */
function fakeWriter(awayAfter = Infinity) {
  const written: string[] = [];
  const settled: string[] = [];
  const refused: string[] = [];
  let writes = 0;
  const w: IsolatedWrite<string> = {
    async write(items) {
      if (++writes > awayAfter) throw pgError("08006");
      if (items.some((i) => i.startsWith("bad") || i.startsWith("fixable"))) throw pgError("22P02");
      written.push(...items);
      return items.length;
    },
    repair: (item) => (item.startsWith("fixable") ? item.replace("fixable", "fixed") : null),
    settled: (items) => settled.push(...items),
    refused: (item, outcome) => refused.push(`${item} ${outcome}`),
  };
  return { w, written, settled, refused, writes: () => writes };
}

describe("writeIsolated", () => {
  it("writes a clean batch in one go", async () => {
    const f = fakeWriter();
    expect(await writeIsolated(["a", "b", "c"], f.w)).toBe(3);
    expect(f.writes()).toBe(1);
    expect(f.settled).toEqual(["a", "b", "c"]);
  });

  it("sets the refused items apart, in order, and writes every other one", async () => {
    const f = fakeWriter();
    const items = ["a", "b", "bad1", "c", "d", "fixable2", "e", "f"];
    expect(await writeIsolated(items, f.w)).toBe(7);
    expect(f.written).toEqual(["a", "b", "c", "d", "fixed2", "e", "f"]);
    expect(f.settled).toEqual(items);
    expect(f.refused).toEqual(["bad1 dropped", "fixable2 repaired"]);
  });

  it("throws when the database goes away, with what settled before it kept", async () => {
    const f = fakeWriter(3);
    await expect(writeIsolated(["a", "b", "bad", "c"], f.w)).rejects.toMatchObject({ code: "08006" });
    expect(f.settled).toEqual(["a", "b"]);
    expect(f.refused).toEqual([]);
  });
});
