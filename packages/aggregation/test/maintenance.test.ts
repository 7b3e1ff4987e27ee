import { ValidationError } from "@uptop/core";
import {
  activeMaintenance,
  isWindowActive,
  windowCovers,
  windowIntervals,
  type Recurrence,
  type WindowSpec,
} from "../src/maintenance.js";

const ms = (iso: string) => Date.parse(iso);
const iso = ([s, e]: [number, number]) => [new Date(s).toISOString(), new Date(e).toISOString()];

function win(partial: Partial<WindowSpec>): WindowSpec {
  return {
    id: 1,
    type: "maintenance",
    monitorIds: null,
    startAt: "2024-05-01T00:00:00.000Z",
    endAt: null,
    recurrence: null,
    ...partial,
  };
}

const daily = (startTime: string, durationMinutes: number): Recurrence => ({
  frequency: "daily",
  startTime,
  durationMinutes,
});

// 2024-05-05 is a Sunday.
describe("windowIntervals", () => {
  it.each<[string, Partial<WindowSpec>, string, string, Array<[string, string]>]>([
    [
      "one-off inside the range",
      { startAt: "2024-05-02T10:00:00.000Z", endAt: "2024-05-02T12:00:00.000Z" },
      "2024-05-02T00:00:00.000Z",
      "2024-05-03T00:00:00.000Z",
      [["2024-05-02T10:00:00.000Z", "2024-05-02T12:00:00.000Z"]],
    ],
    [
      "one-off that started before the range is clipped",
      { startAt: "2024-04-20T00:00:00.000Z", endAt: "2024-05-02T12:00:00.000Z" },
      "2024-05-02T00:00:00.000Z",
      "2024-05-03T00:00:00.000Z",
      [["2024-05-02T00:00:00.000Z", "2024-05-02T12:00:00.000Z"]],
    ],
    [
      "open-ended one-off runs to the end of the range",
      { startAt: "2024-05-02T10:00:00.000Z", endAt: null },
      "2024-05-02T00:00:00.000Z",
      "2024-05-03T00:00:00.000Z",
      [["2024-05-02T10:00:00.000Z", "2024-05-03T00:00:00.000Z"]],
    ],
    [
      "one-off entirely before the range",
      { startAt: "2024-04-01T00:00:00.000Z", endAt: "2024-04-02T00:00:00.000Z" },
      "2024-05-02T00:00:00.000Z",
      "2024-05-03T00:00:00.000Z",
      [],
    ],
    [
      "daily 02:00 for 30 min over two days",
      { recurrence: daily("02:00", 30) },
      "2024-05-02T00:00:00.000Z",
      "2024-05-04T00:00:00.000Z",
      [
        ["2024-05-02T02:00:00.000Z", "2024-05-02T02:30:00.000Z"],
        ["2024-05-03T02:00:00.000Z", "2024-05-03T02:30:00.000Z"],
      ],
    ],
    [
      "daily 23:00 for 2 h crosses midnight, including the occurrence from the day before the range",
      { recurrence: daily("23:00", 120) },
      "2024-05-02T00:00:00.000Z",
      "2024-05-03T12:00:00.000Z",
      [
        ["2024-05-02T00:00:00.000Z", "2024-05-02T01:00:00.000Z"],
        ["2024-05-02T23:00:00.000Z", "2024-05-03T01:00:00.000Z"],
      ],
    ],
    [
      "daily occurrences only between startAt and endAt, cut at the edges",
      { startAt: "2024-05-02T02:10:00.000Z", endAt: "2024-05-04T02:15:00.000Z", recurrence: daily("02:00", 30) },
      "2024-05-01T00:00:00.000Z",
      "2024-05-06T00:00:00.000Z",
      [
        ["2024-05-02T02:10:00.000Z", "2024-05-02T02:30:00.000Z"],
        ["2024-05-03T02:00:00.000Z", "2024-05-03T02:30:00.000Z"],
        ["2024-05-04T02:00:00.000Z", "2024-05-04T02:15:00.000Z"],
      ],
    ],
    [
      "weekly on Sunday and Wednesday",
      { recurrence: { frequency: "weekly", daysOfWeek: [0, 3], startTime: "04:00", durationMinutes: 60 } },
      "2024-05-05T00:00:00.000Z",
      "2024-05-12T00:00:00.000Z",
      [
        ["2024-05-05T04:00:00.000Z", "2024-05-05T05:00:00.000Z"],
        ["2024-05-08T04:00:00.000Z", "2024-05-08T05:00:00.000Z"],
      ],
    ],
    [
      "weekly Saturday 23:30 for 1 h crosses into Sunday, seen from a range starting Sunday",
      { recurrence: { frequency: "weekly", daysOfWeek: [6], startTime: "23:30", durationMinutes: 60 } },
      "2024-05-05T00:00:00.000Z",
      "2024-05-06T00:00:00.000Z",
      [["2024-05-05T00:00:00.000Z", "2024-05-05T00:30:00.000Z"]],
    ],
    [
      "weekly without days uses the weekday of startAt (a Wednesday)",
      { recurrence: { frequency: "weekly", startTime: "01:00", durationMinutes: 10 } },
      "2024-05-01T00:00:00.000Z",
      "2024-05-15T00:00:00.000Z",
      [
        ["2024-05-01T01:00:00.000Z", "2024-05-01T01:10:00.000Z"],
        ["2024-05-08T01:00:00.000Z", "2024-05-08T01:10:00.000Z"],
      ],
    ],
    [
      "daily for 25 h merges into one continuous period",
      { recurrence: daily("00:00", 25 * 60) },
      "2024-05-01T00:00:00.000Z",
      "2024-05-03T00:00:00.000Z",
      [["2024-05-01T00:00:00.000Z", "2024-05-03T00:00:00.000Z"]],
    ],
    [
      "a zero-length recurrence is never in force",
      { recurrence: daily("02:00", 0) },
      "2024-05-01T00:00:00.000Z",
      "2024-05-03T00:00:00.000Z",
      [],
    ],
  ])("%s", (_name, spec, from, to, want) => {
    expect(windowIntervals(win(spec), ms(from), ms(to)).map(iso)).toEqual(want);
  });

  it.each(["25:00", "2:5", "noon", "12:60"])("rejects startTime %j with a ValidationError", (startTime) => {
    expect(() => windowIntervals(win({ recurrence: daily(startTime, 10) }), 0, ms("2024-06-01T00:00:00Z"))).toThrow(
      ValidationError,
    );
  });

  it("rejects an unparseable startAt", () => {
    expect(() => windowIntervals(win({ startAt: "soon" }), 0, 1)).toThrow(ValidationError);
  });
});

describe("isWindowActive", () => {
  const w = win({
    startAt: "2024-05-01T00:00:00.000Z",
    endAt: "2024-06-01T00:00:00.000Z",
    recurrence: daily("23:00", 120),
  });
  it.each([
    ["2024-05-02T23:30:00.000Z", true],
    ["2024-05-03T00:59:59.999Z", true],
    ["2024-05-03T01:00:00.000Z", false],
    ["2024-05-02T22:59:59.999Z", false],
    ["2024-06-01T00:30:00.000Z", false],
    ["2024-04-30T23:30:00.000Z", false],
  ])("at %s → %s", (now, want) => {
    expect(isWindowActive(w, new Date(now))).toBe(want);
  });
});

describe("windowCovers and activeMaintenance", () => {
  it.each<[string, number[] | null, number, number[], boolean]>([
    ["all monitors", null, 5, [], true],
    ["named directly", [5], 5, [], true],
    ["through a parent group", [1], 5, [2, 1], true],
    ["another monitor", [6], 5, [2, 1], false],
    ["a child does not cover its group", [5], 1, [], false],
  ])("%s", (_name, monitorIds, monitorId, ancestorIds, want) => {
    expect(windowCovers(win({ monitorIds }), monitorId, ancestorIds)).toBe(want);
  });

  const now = new Date("2024-05-02T10:30:00.000Z");
  const oneOff = (id: number, endAt: string | null, extra: Partial<WindowSpec> = {}) =>
    win({ id, startAt: "2024-05-02T10:00:00.000Z", endAt, ...extra });

  it("ignores incident windows", () => {
    expect(activeMaintenance([oneOff(1, null, { type: "incident" })], 5, [], now)).toBeNull();
  });

  it("ignores windows for other monitors and windows not in force", () => {
    const windows = [oneOff(1, null, { monitorIds: [7] }), oneOff(2, "2024-05-02T10:15:00.000Z")];
    expect(activeMaintenance(windows, 5, [], now)).toBeNull();
  });

  it("picks the window that ends last when several apply", () => {
    const windows = [
      oneOff(1, "2024-05-02T11:00:00.000Z"),
      oneOff(2, "2024-05-02T13:00:00.000Z", { monitorIds: [1] }),
      win({ id: 3, recurrence: daily("10:00", 90) }),
    ];
    expect(activeMaintenance(windows, 5, [1], now)?.id).toBe(2);
    expect(activeMaintenance(windows, 5, [], now)?.id).toBe(3);
    expect(activeMaintenance([...windows, oneOff(4, null)], 5, [], now)?.id).toBe(4);
  });
});
