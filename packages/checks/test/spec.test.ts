import type { Monitor } from "@uptop/core";
import { UptopError } from "@uptop/core";
import { checkSpecFromMonitor, InvalidCheckSpecError, runCheck, type CheckSpec } from "../src/index.js";
import { describeCert } from "../src/cert-info.js";
import { splitHostPort } from "../src/dns-check.js";
import type { PeerCertificate } from "node:tls";

describe("malformed specs throw InvalidCheckSpecError", () => {
  it.each([
    ["unknown type", { type: "smtp" }],
    ["http without url", { type: "http" }],
    ["ftp url", { type: "http", url: "ftp://x/" }],
    ["bad method", { type: "http", url: "http://x/", method: "TRACE" }],
    ["bad accepted codes", { type: "http", url: "http://x/", acceptedCodes: "2xx" }],
    ["header with newline", { type: "http", url: "http://x/", headers: { a: "b\r\nc: d" } }],
    ["negative timeout", { type: "http", url: "http://x/", timeoutS: -1 }],
    ["tcp without port", { type: "tcp", hostname: "x" }],
    ["tcp port out of range", { type: "tcp", hostname: "x", port: 70000 }],
    ["hostname as option", { type: "ping", hostname: "-f" }],
    ["hostname with space", { type: "tls", hostname: "a b" }],
    ["dns record type", { type: "dns", hostname: "x", recordType: "ANY" }],
    ["dns resolver", { type: "dns", hostname: "x", resolver: "a b" }],
    ["ping count", { type: "ping", hostname: "x", pingCount: 0 }],
  ])("%s", async (_n, spec) => {
    const run = runCheck(spec as unknown as CheckSpec);
    await expect(run).rejects.toBeInstanceOf(InvalidCheckSpecError);
    await expect(run).rejects.toBeInstanceOf(UptopError);
  });
});

describe("schema answers are remembered per value, not per spec", () => {
  it("a bad value is refused every time, a good one passes every time, a number is not its string", async () => {
    for (let i = 0; i < 3; i++) {
      await expect(runCheck({ type: "tcp", hostname: "a b", port: 1 } as CheckSpec)).rejects.toBeInstanceOf(
        InvalidCheckSpecError,
      );
      await expect(
        runCheck({ type: "tcp", hostname: "127.0.0.1", port: 1, timeoutS: 1 }, { allowPrivateTargets: true }),
      ).resolves.toMatchObject({ type: "tcp" });
      await expect(
        runCheck({ type: "tcp", hostname: "127.0.0.1", port: 1, timeoutS: "1" } as unknown as CheckSpec),
      ).rejects.toBeInstanceOf(InvalidCheckSpecError);
    }
  });
});

describe("checkSpecFromMonitor", () => {
  const base = {
    id: 1,
    name: "m",
    description: null,
    url: null,
    hostname: null,
    port: null,
    interval: 60,
    timeout: 7,
    retries: 0,
    retryInterval: null,
    recoveryThreshold: 1,
    method: "GET",
    headers: {},
    body: null,
    auth: null,
    acceptedCodes: "200-299",
    keyword: null,
    keywordAbsent: null,
    jsonAssertion: null,
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
    regions: [],
    aggregation: null,
    paused: false,
    channels: [],
    createdAt: "",
    updatedAt: "",
  } satisfies Omit<Monitor, "type">;

  it.each([
    [
      { type: "http", url: "https://x/" },
      { type: "http", url: "https://x/", timeoutS: 7, maxRedirects: 10 },
    ],
    [
      { type: "tcp", hostname: "h", port: 22 },
      { type: "tcp", hostname: "h", port: 22, timeoutS: 7 },
    ],
    [
      { type: "dns", hostname: "h", recordType: "MX" },
      { type: "dns", hostname: "h", recordType: "MX", expectedMode: "any" },
    ],
    [
      { type: "ping", hostname: "h" },
      { type: "ping", hostname: "h", pingCount: 3 },
    ],
    [
      { type: "tls", hostname: "h", port: 8443 },
      { type: "tls", hostname: "h", port: 8443, certExpiryDays: 14 },
    ],
  ] as const)("%j", (fields, expected) => {
    expect(checkSpecFromMonitor({ ...base, ...fields } as Monitor)).toMatchObject(expected);
  });

  it.each(["push", "group"] as const)("%s → null", (type) => {
    expect(checkSpecFromMonitor({ ...base, type })).toBeNull();
  });
});

describe("describeCert", () => {
  const now = new Date("2030-01-10T00:00:00Z");
  const cert = (validTo: string) =>
    ({
      valid_to: validTo,
      valid_from: "Jan  1 00:00:00 2029 GMT",
      subject: { CN: "x" },
      issuer: { CN: "ca" },
    }) as unknown as PeerCertificate;
  it.each([
    ["Feb  9 00:00:00 2030 GMT", 30, false],
    ["Jan 20 12:00:00 2030 GMT", 10, true],
    ["Jan  9 00:00:00 2030 GMT", -1, true],
  ])("%s → %d days", (validTo, days, soon) => {
    const info = describeCert(cert(validTo), 14, now);
    expect(info?.daysLeft).toBe(days);
    expect(info?.expiringSoon).toBe(soon);
  });
});

describe("splitHostPort", () => {
  it.each([
    ["1.1.1.1", "1.1.1.1", 53],
    ["1.1.1.1:5353", "1.1.1.1", 5353],
    ["[::1]:5300", "::1", 5300],
    ["::1", "::1", 53],
    ["dns.example", "dns.example", 53],
  ])("%s", (text, host, port) => {
    expect(splitHostPort(text)).toEqual({ host, port });
  });
});
