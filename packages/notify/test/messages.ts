import type { NotificationMessage } from "../src/index.js";

const monitor = { id: 7, name: "checkout-api", type: "http" as const, url: "https://shop.example.com/health" };

const votes = [
  {
    node: "probe-eu",
    region: "eu-west",
    ok: false,
    latencyMs: null,
    error: { code: "TIMEOUT" as const, message: "no answer in 10s" },
    at: "2025-01-02T03:04:00.000Z",
  },
  {
    node: "probe-us",
    region: "us-east",
    ok: false,
    latencyMs: 88,
    error: { code: "HTTP_STATUS" as const, message: "503" },
    at: "2025-01-02T03:04:01.000Z",
  },
  { node: "probe-ap", region: "ap-south", ok: true, latencyMs: 120, error: null, at: "2025-01-02T03:04:01.000Z" },
];

export const INCIDENT = "monitor-7-2025-01-02T03:04:05.000Z";

export const downMessage: NotificationMessage = {
  event: "down",
  monitor,
  status: "DOWN",
  previousStatus: "UP",
  reason: "DOWN: 2 of 3 probes — eu-west: TIMEOUT, us-east: HTTP_STATUS 503",
  votes,
  at: "2025-01-02T03:04:05.000Z",
  downSince: "2025-01-02T03:04:05.000Z",
  outageDurationS: null,
  epoch: 3,
  incidentKey: INCIDENT,
};

export const upMessage: NotificationMessage = {
  ...downMessage,
  event: "up",
  status: "UP",
  previousStatus: "DOWN",
  reason: "UP: 3 of 3 probes",
  votes: votes.map((v) => ({ ...v, ok: true, error: null, latencyMs: 90 })),
  at: "2025-01-02T03:09:08.000Z",
  outageDurationS: 303,
};

export const reminderMessage: NotificationMessage = {
  ...downMessage,
  event: "reminder",
  at: "2025-01-02T04:06:05.000Z",
};

export const testMessage: NotificationMessage = {
  event: "test",
  monitor: null,
  status: null,
  previousStatus: null,
  reason: "",
  votes: [],
  at: "2025-01-02T05:00:00.000Z",
  downSince: null,
  outageDurationS: null,
  epoch: 3,
  incidentKey: "test-2025-01-02T05:00:00.000Z",
};
