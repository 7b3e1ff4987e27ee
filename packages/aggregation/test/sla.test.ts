import { ValidationError, type Status } from "@uptop/core";
import { computeSla, type SlaReport } from "../src/sla.js";

const FROM = Date.parse("2024-05-01T00:00:00.000Z");
const H = 3_600_000;
const h = (n: number) => new Date(FROM + n * H);
const TO = h(10); // a ten-hour window: 36 000 s

type Change = [hour: number, to: Status];

function sla(statusAtStart: Status | null, changes: Change[], excludedHours: Array<[number, number]> = []) {
  return computeSla({
    from: h(0),
    to: TO,
    statusAtStart,
    changes: changes.map(([at, to]) => ({ at: h(at), to })),
    excluded: excludedHours.map(([s, e]) => [FROM + s * H, FROM + e * H]),
  });
}

type Expect = Omit<SlaReport, "from" | "to">;

describe("computeSla", () => {
  // biome-ignore format: a table reads best one case per line
  it.each<[string, Status | null, Change[], Array<[number, number]>, Expect]>([
    [
      "up all along",
      "UP", [], [],
      { uptimePct: 100, monitoredS: 36000, downtimeS: 0, maintenanceS: 0, outages: 0, longestOutageS: 0, mttrS: null, mtbfS: null },
    ],
    [
      "one outage of an hour",
      "UP", [[2, "DOWN"], [3, "UP"]], [],
      { uptimePct: 90, monitoredS: 36000, downtimeS: 3600, maintenanceS: 0, outages: 1, longestOutageS: 3600, mttrS: 3600, mtbfS: 32400 },
    ],
    [
      "an outage that started before the window counts, clipped",
      "DOWN", [[1, "UP"]], [],
      { uptimePct: 90, monitoredS: 36000, downtimeS: 3600, maintenanceS: 0, outages: 1, longestOutageS: 3600, mttrS: 3600, mtbfS: 32400 },
    ],
    [
      "an outage still open at the end counts up to the end",
      "UP", [[9, "DOWN"]], [],
      { uptimePct: 90, monitoredS: 36000, downtimeS: 3600, maintenanceS: 0, outages: 1, longestOutageS: 3600, mttrS: 3600, mtbfS: 32400 },
    ],
    [
      "two outages: before the start and open at the end",
      "DOWN", [[1, "UP"], [7, "DOWN"]], [],
      { uptimePct: 60, monitoredS: 36000, downtimeS: 14400, maintenanceS: 0, outages: 2, longestOutageS: 10800, mttrS: 7200, mtbfS: 10800 },
    ],
    [
      "maintenance overlapping an outage excludes its overlap",
      "UP", [[2, "DOWN"], [4, "UP"]], [[3, 5]],
      { uptimePct: 87.5, monitoredS: 28800, downtimeS: 3600, maintenanceS: 7200, outages: 1, longestOutageS: 3600, mttrS: 3600, mtbfS: 25200 },
    ],
    [
      "an outage entirely inside maintenance is no outage",
      "UP", [[2, "DOWN"], [3, "UP"]], [[1, 4]],
      { uptimePct: 100, monitoredS: 25200, downtimeS: 0, maintenanceS: 10800, outages: 0, longestOutageS: 0, mttrS: null, mtbfS: null },
    ],
    [
      "DOWN → MAINTENANCE → DOWN is one outage",
      "UP", [[2, "DOWN"], [3, "MAINTENANCE"], [4, "DOWN"], [5, "UP"]], [[3, 4]],
      { uptimePct: (100 * 25200) / 32400, monitoredS: 32400, downtimeS: 7200, maintenanceS: 3600, outages: 1, longestOutageS: 7200, mttrS: 7200, mtbfS: 25200 },
    ],
    [
      "MAINTENANCE status counts as maintenance even without a window",
      "UP", [[2, "MAINTENANCE"], [4, "UP"]], [],
      { uptimePct: 100, monitoredS: 28800, downtimeS: 0, maintenanceS: 7200, outages: 0, longestOutageS: 0, mttrS: null, mtbfS: null },
    ],
    [
      "time before the monitor existed is not counted",
      null, [[5, "PENDING"], [6, "UP"], [8, "DOWN"], [9, "UP"]], [],
      { uptimePct: 80, monitoredS: 18000, downtimeS: 3600, maintenanceS: 0, outages: 1, longestOutageS: 3600, mttrS: 3600, mtbfS: 14400 },
    ],
    [
      "a monitor that never existed in the window has no uptime",
      null, [], [[1, 2]],
      { uptimePct: null, monitoredS: 0, downtimeS: 0, maintenanceS: 0, outages: 0, longestOutageS: 0, mttrS: null, mtbfS: null },
    ],
    [
      "paused time is not monitored, and pausing ends an outage",
      "UP", [[1, "DOWN"], [2, "PAUSED"], [4, "PENDING"], [5, "UP"]], [[2, 3]],
      { uptimePct: 87.5, monitoredS: 28800, downtimeS: 3600, maintenanceS: 0, outages: 1, longestOutageS: 3600, mttrS: 3600, mtbfS: 25200 },
    ],
    [
      "PENDING and LATE count as up",
      "PENDING", [[2, "LATE"], [3, "UP"]], [],
      { uptimePct: 100, monitoredS: 36000, downtimeS: 0, maintenanceS: 0, outages: 0, longestOutageS: 0, mttrS: null, mtbfS: null },
    ],
    [
      "overlapping maintenance intervals and ones outside the window are merged and clipped",
      "UP", [], [[-5, 1], [0.5, 2], [9, 15]],
      { uptimePct: 100, monitoredS: 25200, downtimeS: 0, maintenanceS: 10800, outages: 0, longestOutageS: 0, mttrS: null, mtbfS: null },
    ],
    [
      "a change exactly at the end does not count any time",
      "UP", [[10, "DOWN"]], [],
      { uptimePct: 100, monitoredS: 36000, downtimeS: 0, maintenanceS: 0, outages: 0, longestOutageS: 0, mttrS: null, mtbfS: null },
    ],
    [
      "changes outside (from, to] are ignored",
      "UP", [[-1, "DOWN"], [11, "DOWN"]], [],
      { uptimePct: 100, monitoredS: 36000, downtimeS: 0, maintenanceS: 0, outages: 0, longestOutageS: 0, mttrS: null, mtbfS: null },
    ],
  ])("%s", (_name, start, changes, excluded, want) => {
    const report = sla(start, changes, excluded);
    expect(report).toEqual({ from: h(0).toISOString(), to: TO.toISOString(), ...want });
  });

  it("longest outage and MTTR differ when outages differ in length", () => {
    const r = sla("UP", [
      [1, "DOWN"],
      [2, "UP"],
      [4, "DOWN"],
      [7, "UP"],
    ]);
    expect(r).toMatchObject({ outages: 2, longestOutageS: 10800, mttrS: 7200, downtimeS: 14400 });
  });

  it("an empty window has no uptime", () => {
    expect(computeSla({ from: h(1), to: h(1), statusAtStart: "UP", changes: [], excluded: [] }).uptimePct).toBeNull();
  });

  it("rejects a window that ends before it starts", () => {
    expect(() => computeSla({ from: h(2), to: h(1), statusAtStart: "UP", changes: [], excluded: [] })).toThrow(
      ValidationError,
    );
  });
});
