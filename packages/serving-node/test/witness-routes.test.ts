import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { errorHandler } from "@uptop/api";
import { createLogger } from "@uptop/core";
import { PROTOCOL_HEADER, PROTOCOL_VERSION, SECRET_HEADER, type WitnessReport } from "@uptop/cluster-protocol";
import { witnessRouter } from "../src/index.js";

const SECRET = "witness-route-secret-0123456789";
const report: WitnessReport = {
  nodeId: "probe-eu-1",
  region: "eu-west",
  leaderUrl: "http://leader:8080",
  lastLeaderContact: "2030-01-01T00:00:00.000Z",
  leaderReachable: false,
};

describe("POST /api/cluster/witness", () => {
  const received: WitnessReport[] = [];
  let server: Server;
  let url: string;

  beforeAll(async () => {
    const app = express();
    app.use(express.json());
    app.use(witnessRouter({ secret: SECRET, onReport: (r) => received.push(r) }));
    app.use(errorHandler(createLogger({ level: "error" })));
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, "127.0.0.1", () => resolve(s));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/cluster/witness`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });
  beforeEach(() => {
    received.length = 0;
  });

  const post = (body: unknown, secret: string | null = SECRET) =>
    fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        [PROTOCOL_HEADER]: String(PROTOCOL_VERSION),
        ...(secret ? { [SECRET_HEADER]: secret } : {}),
      },
      body: JSON.stringify(body),
    });

  it("takes a report signed with the cluster secret", async () => {
    const res = await post(report);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: true });
    expect(received).toEqual([report]);
  });

  it.each([
    ["no secret", null],
    ["a wrong secret", "not-the-cluster-secret-at-all"],
  ])("refuses a report with %s and records nothing", async (...row) => {
    const [, secret] = row as [string, string | null];
    const res = await post(report, secret);
    expect(res.status).toBe(401);
    expect(received).toHaveLength(0);
  });

  it("refuses a report off the schema and records nothing", async () => {
    const res = await post({ ...report, leaderReachable: "no" });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/leaderReachable/);
    expect(received).toHaveLength(0);
  });
});
