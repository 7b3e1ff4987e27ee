import { runCheck } from "../src/index.js";
import { makeCert, startHttps, type Running } from "./servers.js";

const local = { allowPrivateTargets: true };

describe("tls check", () => {
  let valid: Running;
  let expired: Running;
  let soon: Running;
  beforeAll(async () => {
    const handler = (_req: unknown, res: import("node:http").ServerResponse) => void res.end("ok");
    [valid, expired, soon] = await Promise.all([
      makeCert(-1, 90).then((c) => startHttps(c, handler)),
      makeCert(-30, -2).then((c) => startHttps(c, handler)),
      makeCert(-1, 3).then((c) => startHttps(c, handler)),
    ]);
  }, 30_000);
  afterAll(async () => {
    await Promise.all([valid.close(), expired.close(), soon.close()]);
  });

  it("fails an untrusted self-signed chain with TLS, still describing the certificate", async () => {
    const r = await runCheck({ type: "tls", hostname: "localhost", port: valid.port }, local);
    expect(r.error?.code).toBe("TLS");
    expect(r.details.authorized).toBe(false);
    expect(r.details.cert?.subject).toBe("localhost");
  });

  it("passes with ignoreTls, reporting expiry, protocol and handshake latency", async () => {
    const r = await runCheck({ type: "tls", hostname: "localhost", port: valid.port, ignoreTls: true }, local);
    expect(r.ok).toBe(true);
    expect(r.warning).toBeNull();
    expect(r.details.cert?.daysLeft).toBeGreaterThanOrEqual(88);
    expect(r.details.chain.length).toBeGreaterThanOrEqual(1);
    expect(r.details.protocol).toMatch(/TLS/);
    expect(r.latencyMs).toBeGreaterThan(0);
  });

  it("is DOWN with CERT_EXPIRED for an expired certificate even with ignoreTls", async () => {
    const r = await runCheck({ type: "tls", hostname: "localhost", port: expired.port, ignoreTls: true }, local);
    expect(r.error?.code).toBe("CERT_EXPIRED");
    expect(r.details.cert?.daysLeft).toBeLessThan(0);
  });

  it("warns below certExpiryDays and stays up", async () => {
    const r = await runCheck(
      { type: "tls", hostname: "127.0.0.1", port: soon.port, ignoreTls: true, certExpiryDays: 7 },
      local,
    );
    expect(r.ok).toBe(true);
    expect(r.details.cert?.expiringSoon).toBe(true);
    expect(r.warning).toMatch(/expires in/);
  });

  it("no warning when the threshold is lower than the days left", async () => {
    const r = await runCheck(
      { type: "tls", hostname: "127.0.0.1", port: soon.port, ignoreTls: true, certExpiryDays: 1 },
      local,
    );
    expect(r.warning).toBeNull();
  });

  it("reports a non-TLS peer as a TLS or CONNECT failure, not a crash", async () => {
    const http = await import("node:http");
    const plain = http.createServer((_q, s) => s.end("plain"));
    await new Promise<void>((r) => plain.listen(0, "127.0.0.1", () => r()));
    const port = (plain.address() as import("node:net").AddressInfo).port;
    try {
      const r = await runCheck({ type: "tls", hostname: "127.0.0.1", port, timeoutS: 2 }, local);
      expect(r.ok).toBe(false);
      expect(["TLS", "CONNECT", "TIMEOUT"]).toContain(r.error?.code);
    } finally {
      plain.close();
    }
  });
});
