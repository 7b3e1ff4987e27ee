import { runCheck } from "../src/index.js";
import { startDns, type Running } from "./servers.js";

const local = { allowPrivateTargets: true };
let dns: Running;
let resolver: string;

beforeAll(async () => {
  const big = Array.from({ length: 40 }, (_, i) => ({
    type: "TXT" as const,
    name: "big.test",
    data: `record-${i}-${"x".repeat(40)}`,
  }));
  dns = await startDns(
    {
      "web.test/A": [
        { type: "CNAME", name: "web.test", data: "edge.test" },
        { type: "A", name: "edge.test", data: "192.0.2.10" },
        { type: "A", name: "edge.test", data: "192.0.2.11" },
      ],
      "web.test/AAAA": [{ type: "AAAA", name: "web.test", data: "2001:db8::10" }],
      "web.test/MX": [{ type: "MX", name: "web.test", data: { preference: 10, exchange: "Mail.web.test" } }],
      "web.test/TXT": [{ type: "TXT", name: "web.test", data: "v=spf1 -all" }],
      // A NUL byte and bytes that are not UTF-8: a zone may hold anything.
      "odd.test/TXT": [{ type: "TXT", name: "odd.test", data: Buffer.from([0x61, 0x00, 0x62, 0xed, 0xa0, 0x80]) }],
      "web.test/NS": [{ type: "NS", name: "web.test", data: "ns1.web.test" }],
      "web.test/CAA": [{ type: "CAA", name: "web.test", data: { flags: 0, tag: "issue", value: "letsencrypt.org" } }],
      "web.test/SRV": [
        { type: "SRV", name: "web.test", data: { priority: 1, weight: 5, port: 5060, target: "sip.web.test" } },
      ],
      "web.test/SOA": [
        {
          type: "SOA",
          name: "web.test",
          data: {
            mname: "ns1.web.test",
            rname: "admin.web.test",
            serial: 7,
            refresh: 1,
            retry: 2,
            expire: 3,
            minimum: 4,
          },
        },
      ],
      "10.2.0.192.in-addr.arpa/PTR": [{ type: "PTR", name: "10.2.0.192.in-addr.arpa", data: "web.test" }],
      "alias.test/CNAME": [{ type: "CNAME", name: "alias.test", data: "web.test" }],
      "missing.test/A": "NXDOMAIN",
      "broken.test/A": "SERVFAIL",
      "empty.test/A": [],
      "big.test/TXT": "TRUNCATE",
      "slow.test/A": "SILENT",
    },
    { "big.test/TXT": big },
  );
  resolver = `127.0.0.1:${dns.port}`;
});
afterAll(() => dns.close());

describe("dns check", () => {
  it.each([
    ["A through a CNAME", "web.test", "A", ["192.0.2.10", "192.0.2.11"]],
    ["AAAA", "web.test", "AAAA", ["2001:db8::10"]],
    ["MX", "web.test", "MX", ["10 Mail.web.test"]],
    ["TXT", "web.test", "TXT", ["v=spf1 -all"]],
    ["NS", "web.test", "NS", ["ns1.web.test"]],
    ["CAA", "web.test", "CAA", ['0 issue "letsencrypt.org"']],
    ["SRV", "web.test", "SRV", ["1 5 5060 sip.web.test"]],
    ["SOA", "web.test", "SOA", ["ns1.web.test admin.web.test 7 1 2 3 4"]],
    ["PTR from an IP", "192.0.2.10", "PTR", ["web.test"]],
    ["CNAME", "alias.test", "CNAME", ["web.test"]],
  ] as const)("resolves %s", async (_n, hostname, recordType, answers) => {
    const r = await runCheck({ type: "dns", hostname, recordType, resolver }, local);
    expect(r.error).toBeNull();
    expect(r.details.answers).toEqual(answers);
    expect(r.details.rcode).toBe("NOERROR");
    expect(r.details.resolver).toBe(resolver);
  });

  it("reports a record holding a NUL byte without it, in the error and the details", async () => {
    const r = await runCheck(
      { type: "dns", hostname: "odd.test", recordType: "TXT", resolver, expected: ["v=spf1"] },
      local,
    );
    expect(r.error?.code).toBe("ASSERTION");
    expect(r.error?.message).toContain("got ab");
    expect(r.error?.message).not.toContain("\u0000");
    expect(r.details.answers.join("")).not.toContain("\u0000");
    expect(r.error?.message.isWellFormed()).toBe(true);
  });

  it.each([
    ["any: one matches", ["192.0.2.99", "192.0.2.11"], "any", null],
    ["any: none match", ["192.0.2.99"], "any", "ASSERTION"],
    ["all: all present", ["192.0.2.10", "192.0.2.11"], "all", null],
    ["all: one missing", ["192.0.2.10", "192.0.2.99"], "all", "ASSERTION"],
  ] as const)("expected values, %s", async (_n, expected, expectedMode, code) => {
    const r = await runCheck(
      { type: "dns", hostname: "web.test", resolver, expected: [...expected], expectedMode },
      local,
    );
    expect(r.error?.code ?? null).toBe(code);
  });

  it("matches MX by exchange alone, ignoring case and a trailing dot", async () => {
    const r = await runCheck(
      { type: "dns", hostname: "web.test", recordType: "MX", resolver, expected: ["mail.web.test."] },
      local,
    );
    expect(r.ok).toBe(true);
  });

  it.each([
    ["NXDOMAIN", "missing.test", /NXDOMAIN/],
    ["SERVFAIL", "broken.test", /SERVFAIL/],
    ["an empty answer", "empty.test", /no A records/],
  ])("fails with DNS on %s", async (_n, hostname, message) => {
    const r = await runCheck({ type: "dns", hostname, resolver }, local);
    expect(r.error?.code).toBe("DNS");
    expect(r.error?.message).toMatch(message);
  });

  it("retries over TCP when the UDP answer is truncated", async () => {
    const r = await runCheck({ type: "dns", hostname: "big.test", recordType: "TXT", resolver }, local);
    expect(r.error).toBeNull();
    expect(r.details.answers).toHaveLength(40);
  });

  it("times out when the resolver never answers", async () => {
    const r = await runCheck({ type: "dns", hostname: "slow.test", resolver, timeoutS: 0.5 }, local);
    expect(r.error?.code).toBe("TIMEOUT");
  });
});
