import { rollupDay } from "../src/rollup.js";

const DAY = Date.parse("2024-05-01T00:00:00.000Z");
const H = 3_600_000;

describe("rollupDay", () => {
  it("splits a day into up, down and maintenance seconds and counts checks", () => {
    const r = rollupDay({
      day: new Date(DAY + 13 * H),
      statusAtStart: "DOWN",
      changes: [{ at: new Date(DAY + 2 * H), to: "UP" }],
      excluded: [[DAY + 20 * H, DAY + 22 * H]],
      results: [
        { ok: false, latencyMs: 10_000 },
        ...Array.from({ length: 20 }, (_, i) => ({ ok: true, latencyMs: (i + 1) * 10 })),
        { ok: true, latencyMs: null },
      ],
    });
    expect(r).toEqual({
      day: "2024-05-01",
      upS: 20 * 3600,
      downS: 2 * 3600,
      maintenanceS: 2 * 3600,
      checks: 22,
      failures: 1,
      latencyP50Ms: 100,
      latencyP95Ms: 190,
    });
  });

  it("rolls up today only until now", () => {
    const r = rollupDay({
      day: new Date(DAY),
      until: new Date(DAY + 6 * H),
      statusAtStart: "UP",
      changes: [],
      excluded: [],
      results: [],
    });
    expect(r).toMatchObject({ upS: 6 * 3600, downS: 0, checks: 0, latencyP50Ms: null, latencyP95Ms: null });
  });

  it("counts no up time for a day with no check's verdict: created, then paused 61 ms later", () => {
    const r = rollupDay({
      day: new Date(DAY),
      statusAtStart: null,
      changes: [
        { at: new Date(DAY + 8 * H), to: "PENDING" },
        { at: new Date(DAY + 8 * H + 61), to: "PAUSED" },
      ],
      excluded: [],
      results: [],
    });
    expect(r).toMatchObject({ upS: 0, downS: 0, checks: 0 });
  });

  it("counts no up time for a day a monitor spent PENDING, never checked", () => {
    const r = rollupDay({ day: new Date(DAY), statusAtStart: "PENDING", changes: [], excluded: [], results: [] });
    expect(r).toMatchObject({ upS: 0, downS: 0 });
  });

  it("keeps the checked time of a day a monitor was paused in", () => {
    const r = rollupDay({
      day: new Date(DAY),
      statusAtStart: "UP",
      changes: [
        { at: new Date(DAY + 4 * H), to: "DOWN" },
        { at: new Date(DAY + 6 * H), to: "PAUSED" },
      ],
      excluded: [],
      results: [],
    });
    expect(r).toMatchObject({ upS: 4 * 3600, downS: 2 * 3600 });
  });

  it("counts nothing for a day before the monitor existed", () => {
    const r = rollupDay({ day: new Date(DAY), statusAtStart: null, changes: [], excluded: [], results: [] });
    expect(r).toMatchObject({ upS: 0, downS: 0, maintenanceS: 0 });
  });
});
