import {
  assignmentsResponseSchema,
  configMirrorSchema,
  handbackSchema,
  healthResponseSchema,
  registerRequestSchema,
  resultsRequestSchema,
  checkReportFromWire,
  channelFromMirror,
  channelToMirror,
  mirroredChannelSchema,
  isLiveLeader,
  witnessReportSchema,
  MAX_RESULTS_PER_BATCH,
  type ResultItem,
} from "../src/index.js";
import { monitor } from "./fixtures.js";

const item: ResultItem = {
  monitorId: 7,
  slot: "2030-01-01T00:00:30.000Z",
  checkedAt: "2030-01-01T00:00:30.120Z",
  ok: false,
  latencyMs: 120,
  statusCode: 503,
  error: { code: "HTTP_STATUS", message: "status 503" },
  details: { cert: { validTo: "2030-01-21T00:00:00.000Z", daysLeft: 20, expiringSoon: false }, authorized: true },
};

describe("wire schemas", () => {
  // biome-ignore format: a table reads best one case per line
  it.each([
    ["register", registerRequestSchema, { nodeId: "probe-eu-1", name: "Probe EU", region: "eu-west", version: "1.0.0", role: "probe" }],
    ["assignments", assignmentsResponseSchema, { etag: "\"abc\"", epoch: 3, monitors: [monitor(), monitor({ id: 8, type: "tcp", url: null, hostname: "db", port: 5432 })] }],
    ["results", resultsRequestSchema, { nodeId: "probe-eu-1", results: [item, { ...item, ok: true, error: null, details: undefined }] }],
    ["health", healthResponseSchema, { status: "ok", role: "probe", state: "active", nodeId: "probe-eu-1", epoch: 0, version: "1.0.0" }],
    ["witness", witnessReportSchema, { nodeId: "probe-eu-1", region: "eu-west", leaderUrl: "http://leader:8080", lastLeaderContact: "2030-01-01T00:00:00.000Z", leaderReachable: true }],
    ["witness (never reached)", witnessReportSchema, { nodeId: "probe-eu-1", region: "eu-west", leaderUrl: "http://leader:8080", lastLeaderContact: null, leaderReachable: false }],
    [
      "config mirror",
      configMirrorSchema,
      {
        epoch: 2,
        exportedAt: "2030-01-01T00:00:00.000Z",
        monitors: [monitor()],
        channels: [{ id: 1, name: "ops-slack", type: "slack", settings: { webhookUrl: "https://hooks.example.com/x" }, isDefault: true, enabled: true, reminderInterval: null }],
        maintenance: [
          {
            id: 1,
            title: "db upgrade",
            description: null,
            type: "maintenance",
            monitorIds: [7],
            startAt: "2030-01-01T02:00:00.000Z",
            endAt: null,
            recurrence: { frequency: "weekly", daysOfWeek: [0], startTime: "02:00", durationMinutes: 90 },
            createdBy: null,
          },
        ],
        states: [],
        delivered: [],
        outbox: [],
        feed: { feedId: "0f1e", seq: 42 },
      },
    ],
    [
      "handback",
      handbackSchema,
      {
        nodeId: "follower",
        epoch: 4,
        from: "2030-01-01T00:00:00.000Z",
        to: "2030-01-01T00:10:00.000Z",
        stateChanges: [
          {
            monitorId: 3,
            monitorName: "checkout-api",
            from: "UP",
            to: "DOWN",
            reason: "1 of 1 probes down",
            votes: [{ node: "follower", region: "local", ok: false, latencyMs: null, error: { code: "TIMEOUT", message: "10 s" }, at: "2030-01-01T00:01:00.000Z" }],
            at: "2030-01-01T00:01:00.000Z",
            epoch: 4,
          },
        ],
        notifications: [{ dedupeKey: "down:3:1", channelName: "ops-slack", monitorName: "checkout-api", event: "down", sentAt: "2030-01-01T00:01:01.000Z", epoch: 4 }],
        pending: [{ dedupeKey: "up:3:1", channelName: "ops-slack", monitorName: "checkout-api", event: "up", payload: { event: "up", reason: "recovered" }, createdAt: "2030-01-01T00:09:59.000Z" }],
        rollups: [{ monitorName: "checkout-api", day: "2030-01-01", upS: 60, downS: 540, maintenanceS: 0, checks: 20, failures: 18 }],
        states: [],
      },
    ],
  ] as const)("%s survives a JSON round trip unchanged", (_name, schema, value) => {
    const wire = JSON.parse(JSON.stringify(value));
    expect(schema.parse(wire)).toEqual(JSON.parse(JSON.stringify(value)));
  });

  it("mirrors a channel's reminder period as reminderInterval and stores it back with its unit", () => {
    const channel = { id: 1, name: "ops", type: "slack", settings: {}, isDefault: false, enabled: true };
    const stored = { ...channel, reminderIntervalS: 3600 };
    const wire = channelToMirror(stored);
    expect(wire).toEqual({ ...channel, reminderInterval: 3600 });
    expect(channelFromMirror(mirroredChannelSchema.parse(JSON.parse(JSON.stringify(wire))))).toEqual(stored);
  });

  it("keeps fields a newer leader adds to an assigned monitor", () => {
    const body = assignmentsResponseSchema.parse({ etag: "x", epoch: 1, monitors: [{ ...monitor(), futureField: 1 }] });
    expect(body.monitors[0]?.futureField).toBe(1);
  });

  it("refuses a monitor missing a field the checks need", () => {
    const { url: _url, ...rest } = monitor();
    expect(assignmentsResponseSchema.safeParse({ etag: "x", epoch: 1, monitors: [rest] }).success).toBe(false);
  });

  it("refuses a results batch over the limit", () => {
    const results = Array.from({ length: MAX_RESULTS_PER_BATCH + 1 }, () => item);
    expect(resultsRequestSchema.safeParse({ nodeId: "p", results }).success).toBe(false);
    expect(resultsRequestSchema.safeParse({ nodeId: "p", results: results.slice(1) }).success).toBe(true);
  });

  it("reads a wire result as the report the engine takes: slot on the ms grid, cert out of details", () => {
    expect(checkReportFromWire(item)).toEqual({
      monitorId: 7,
      slotMs: Date.UTC(2030, 0, 1, 0, 0, 30),
      checkedAt: item.checkedAt,
      ok: false,
      latencyMs: 120,
      statusCode: 503,
      error: { code: "HTTP_STATUS", message: "status 503" },
      cert: { validTo: "2030-01-21T00:00:00.000Z", daysLeft: 20, expiringSoon: false },
    });
    expect(checkReportFromWire({ ...item, details: undefined }).cert).toBeNull();
  });

  it.each([
    ["a slot that is not an ISO time", { ...item, slot: "yesterday" }],
    ["an unknown error code", { ...item, error: { code: "OOPS", message: "x" } }],
    ["details that are not small", { ...item, details: { blob: "x".repeat(5000) } }],
  ])("refuses a result with %s", (_why, bad) => {
    expect(resultsRequestSchema.safeParse({ nodeId: "p", results: [bad] }).success).toBe(false);
  });

  it.each([
    ["a contact time that is not an ISO time", { lastLeaderContact: "a minute ago" }],
    ["no reachability", { leaderReachable: undefined }],
    ["a node id with a space", { nodeId: "probe eu" }],
  ])("refuses a witness report with %s", (...row) => {
    const [, change] = row as [string, Record<string, unknown>];
    const good = { nodeId: "p1", region: "eu", leaderUrl: "http://l", lastLeaderContact: null, leaderReachable: true };
    expect(witnessReportSchema.safeParse(good).success).toBe(true);
    expect(witnessReportSchema.safeParse({ ...good, ...change }).success).toBe(false);
  });

  // biome-ignore format: a table reads best one case per line
  it.each([
    ["an active leader", { status: "ok", role: "leader", state: "active" }, true],
    ["a degraded leader (its database is away, it still leads)", { status: "degraded", role: "leader", state: "active" }, true],
    ["a leader shutting down", { status: "unavailable", role: "leader", state: "active" }, false],
    ["a follower answering on the leader's address", { status: "ok", role: "follower", state: "standby" }, false],
  ] as const)("isLiveLeader: %s → %s", (_name, fields, live) => {
    expect(isLiveLeader({ nodeId: "n", epoch: 1, version: "1.0.0", ...fields })).toBe(live);
  });
});
