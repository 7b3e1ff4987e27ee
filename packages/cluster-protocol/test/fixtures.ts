import type { Monitor } from "@uptop/core";
import express, { type Express } from "express";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";

export const SECRET = "a-long-random-shared-secret-0123";

export function monitor(overrides: Partial<Monitor> = {}): Monitor {
  return {
    id: 7,
    name: "checkout-api",
    type: "http",
    description: null,
    url: "https://shop.example.com/health",
    hostname: null,
    port: null,
    interval: 30,
    timeout: 10,
    retries: 2,
    retryInterval: 10,
    recoveryThreshold: 1,
    method: "GET",
    headers: { "X-Env": "prod" },
    body: null,
    auth: { type: "bearer", token: "tok-123" },
    acceptedCodes: "200-299",
    keyword: "ok",
    keywordAbsent: null,
    jsonAssertion: { path: "status", equals: "up" },
    followRedirects: true,
    maxRedirects: 10,
    ignoreTls: false,
    certExpiryDays: 14,
    recordType: null,
    resolver: null,
    expected: [],
    expectedMode: "any",
    pingCount: 3,
    token: null,
    grace: null,
    parentId: null,
    parent: null,
    regions: ["eu-west"],
    aggregation: "majority-down",
    paused: false,
    channels: ["ops-slack"],
    createdAt: "2030-01-01T00:00:00.000Z",
    updatedAt: "2030-01-01T00:00:00.000Z",
    ...overrides,
  };
}

export interface Running {
  url: string;
  close(): Promise<void>;
}

export function listen(app: Express): Promise<Running> {
  return new Promise((resolve) => {
    const server: Server = app.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

/** A port that was just free: nothing listens there, so connecting is refused. */
export async function deadUrl(): Promise<string> {
  const s = await listen(express());
  await s.close();
  return s.url;
}
