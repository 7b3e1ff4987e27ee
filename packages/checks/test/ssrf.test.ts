import { lookup as systemLookup } from "node:dns/promises";
import { vetTarget } from "@uptop/ssrf-guard";
import { runCheck, type CheckSpec, type LookupFn } from "../src/index.js";
import { runHttpCheck, type Vet } from "../src/http-check.js";
import { CountingListener } from "@uptop/test-kit";
import { startDns, startHttp, type Running } from "./servers.js";

/**
 * Every attempt must come back PRIVATE_TARGET and the loopback listener must see no connection:
 * the proof is the count, not the error code.
 */
describe("SSRF bypass attempts", () => {
  const target = new CountingListener();
  let dns: Running;
  let redirector: Running;
  let P: number;
  const lookup: LookupFn = async (name) => {
    const table: Record<string, Array<{ address: string; family: 4 | 6 }>> = {
      "rebind.test": [{ address: "127.0.0.1", family: 4 }],
      "mixed.test": [
        { address: "93.184.216.34", family: 4 },
        { address: "127.0.0.1", family: 4 },
      ],
      "v6loop.test": [{ address: "::1", family: 6 }],
      "mapped.test": [{ address: "::ffff:127.0.0.1", family: 6 }],
      "metadata.test": [{ address: "169.254.169.254", family: 4 }],
      "nat64.test": [{ address: "64:ff9b::7f00:1", family: 6 }],
      "sixtofour.test": [{ address: "2002:7f00:1::1", family: 6 }],
      "zero.test": [{ address: "0.0.0.0", family: 4 }],
      "private10.test": [{ address: "10.0.0.1", family: 4 }],
    };
    if (name === "localhost") {
      const all = await systemLookup(name, { all: true });
      return all.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
    }
    const found = table[name];
    if (!found) throw Object.assign(new Error("not found"), { code: "ENOTFOUND" });
    return found;
  };

  beforeAll(async () => {
    await target.start();
    P = target.port;
    dns = await startDns({});
    // Pretends to be a public site and redirects to the private listener in many spellings.
    redirector = await startHttp((req, res) => {
      const to = new URL(req.url ?? "/", "http://x").searchParams.get("to") ?? "";
      res.writeHead(302, { location: to.replace("PORT", String(P)) }).end();
    });
  });
  afterAll(async () => {
    await Promise.all([target.stop(), dns.close(), redirector.close()]);
  });

  const specs: Array<[string, () => CheckSpec]> = [
    ["http 127.0.0.1", () => ({ type: "http", url: `http://127.0.0.1:${P}/` })],
    ["http localhost (system resolver)", () => ({ type: "http", url: `http://localhost:${P}/` })],
    ["http decimal 2130706433", () => ({ type: "http", url: `http://2130706433:${P}/` })],
    ["http hex 0x7f000001", () => ({ type: "http", url: `http://0x7f000001:${P}/` })],
    ["http octal 0177.0.0.1", () => ({ type: "http", url: `http://0177.0.0.1:${P}/` })],
    ["http short hex 0x7f.1", () => ({ type: "http", url: `http://0x7f.1:${P}/` })],
    ["http short 127.1", () => ({ type: "http", url: `http://127.1:${P}/` })],
    ["http 0", () => ({ type: "http", url: `http://0:${P}/` })],
    ["http 0.0.0.0", () => ({ type: "http", url: `http://0.0.0.0:${P}/` })],
    ["http trailing dot 127.0.0.1.", () => ({ type: "http", url: `http://127.0.0.1.:${P}/` })],
    ["http padded 127.000.000.001", () => ({ type: "http", url: `http://127.000.000.001:${P}/` })],
    ["http mixed 0x7f.0.0.01", () => ({ type: "http", url: `http://0x7f.0.0.01:${P}/` })],
    ["http userinfo user:pass@127.0.0.1", () => ({ type: "http", url: `http://user:pass@127.0.0.1:${P}/` })],
    ["http [::1]", () => ({ type: "http", url: `http://[::1]:${P}/` })],
    ["http [::ffff:127.0.0.1]", () => ({ type: "http", url: `http://[::ffff:127.0.0.1]:${P}/` })],
    ["http [0:0:0:0:0:ffff:7f00:1]", () => ({ type: "http", url: `http://[0:0:0:0:0:ffff:7f00:1]:${P}/` })],
    ["http NAT64 [64:ff9b::7f00:1]", () => ({ type: "http", url: `http://[64:ff9b::7f00:1]:${P}/` })],
    ["http 6to4 [2002:7f00:1::]", () => ({ type: "http", url: `http://[2002:7f00:1::]:${P}/` })],
    ["http [::]", () => ({ type: "http", url: `http://[::]:${P}/` })],
    ["https 127.0.0.1", () => ({ type: "http", url: `https://127.0.0.1:${P}/` })],
    ["http metadata 169.254.169.254", () => ({ type: "http", url: `http://169.254.169.254:${P}/` })],
    ["http name → 127.0.0.1 (rebinding)", () => ({ type: "http", url: `http://rebind.test:${P}/` })],
    ["http name → public + private", () => ({ type: "http", url: `http://mixed.test:${P}/` })],
    ["http name → ::1", () => ({ type: "http", url: `http://v6loop.test:${P}/` })],
    ["http name → ::ffff:127.0.0.1", () => ({ type: "http", url: `http://mapped.test:${P}/` })],
    ["http name → NAT64 loopback", () => ({ type: "http", url: `http://nat64.test:${P}/` })],
    ["http name → 6to4 loopback", () => ({ type: "http", url: `http://sixtofour.test:${P}/` })],
    ["http name → 0.0.0.0", () => ({ type: "http", url: `http://zero.test:${P}/` })],
    ["tcp 127.0.0.1", () => ({ type: "tcp", hostname: "127.0.0.1", port: P })],
    ["tcp localhost", () => ({ type: "tcp", hostname: "localhost", port: P })],
    ["tcp decimal", () => ({ type: "tcp", hostname: "2130706433", port: P })],
    ["tcp hex short", () => ({ type: "tcp", hostname: "0x7f.1", port: P })],
    ["tcp octal", () => ({ type: "tcp", hostname: "0177.0.0.1", port: P })],
    ["tcp 0", () => ({ type: "tcp", hostname: "0", port: P })],
    ["tcp [::ffff:127.0.0.1]", () => ({ type: "tcp", hostname: "[::ffff:127.0.0.1]", port: P })],
    ["tcp ::ffff:7f00:1", () => ({ type: "tcp", hostname: "::ffff:7f00:1", port: P })],
    ["tcp name → 127.0.0.1", () => ({ type: "tcp", hostname: "rebind.test", port: P })],
    ["tcp name → public + private", () => ({ type: "tcp", hostname: "mixed.test", port: P })],
    ["tls 127.0.0.1", () => ({ type: "tls", hostname: "127.0.0.1", port: P })],
    ["tls 127.1", () => ({ type: "tls", hostname: "127.1", port: P })],
    ["tls name → 127.0.0.1", () => ({ type: "tls", hostname: "rebind.test", port: P })],
    ["tls name → ::1", () => ({ type: "tls", hostname: "v6loop.test", port: P })],
    ["ping 127.0.0.1", () => ({ type: "ping", hostname: "127.0.0.1", pingCount: 1 })],
    ["ping decimal", () => ({ type: "ping", hostname: "2130706433", pingCount: 1 })],
    ["ping name → 10.0.0.1", () => ({ type: "ping", hostname: "private10.test", pingCount: 1 })],
    [
      "dns resolver 127.0.0.1:port",
      () => ({ type: "dns", hostname: "example.test", resolver: `127.0.0.1:${dns.port}` }),
    ],
    ["dns resolver 0x7f.1:port", () => ({ type: "dns", hostname: "example.test", resolver: `0x7f.1:${dns.port}` })],
    ["dns resolver [::1]:port", () => ({ type: "dns", hostname: "example.test", resolver: `[::1]:${dns.port}` })],
    [
      "dns resolver name → 127.0.0.1",
      () => ({ type: "dns", hostname: "example.test", resolver: `rebind.test:${dns.port}` }),
    ],
  ];

  it.each(specs)("%s → PRIVATE_TARGET, nothing sent", async (_name, make) => {
    const before = target.connections;
    const result = await runCheck(make(), { lookup });
    expect(result.error?.code).toBe("PRIVATE_TARGET");
    expect(result.ok).toBe(false);
    expect(target.connections).toBe(before);
  });

  it("the DNS server never saw a query from a blocked resolver check", () => {
    expect((dns as Running & { queries(): number }).queries()).toBe(0);
  });

  // The redirector stands in for a public site: its own hop is let through, every later hop
  // goes through the real guard.
  const publicFirstHop: Vet = (host, options) =>
    host === "public.test"
      ? Promise.resolve({ ok: true, target: { address: "127.0.0.1", family: 4 } })
      : vetTarget(host, options);

  it.each([
    "http://127.0.0.1:PORT/",
    "http://localhost:PORT/",
    "http://2130706433:PORT/",
    "http://0x7f.1:PORT/",
    "http://[::ffff:127.0.0.1]:PORT/",
    "http://rebind.test:PORT/",
    "http://169.254.169.254/latest/meta-data/",
  ])("redirect to %s → PRIVATE_TARGET, nothing sent", async (to) => {
    const before = target.connections;
    const url = `http://public.test:${redirector.port}/?to=${encodeURIComponent(to)}`;
    const r = await runHttpCheck({ type: "http", url }, { lookup }, publicFirstHop);
    expect(r.error?.code).toBe("PRIVATE_TARGET");
    expect(r.details.redirects).toBe(1);
    expect(target.connections).toBe(before);
  });

  it.each(["127.0.0.1", "::1", "127.0.0.2"])(
    "allowPrivateTargets turns the guard off (the listener is reached at %s)",
    async (host) => {
      const before = target.connections;
      const r = await runCheck({ type: "tcp", hostname: host, port: P }, { allowPrivateTargets: true });
      expect(r.ok).toBe(true);
      expect(target.connections).toBe(before + 1);
    },
  );

  it("connects to the vetted address only: a lookup is asked once per hop", async () => {
    let calls = 0;
    const counting: LookupFn = async () => {
      calls++;
      // A rebinding resolver: public the first time, loopback afterwards.
      return calls === 1 ? [{ address: "127.0.0.1", family: 4 }] : [{ address: "10.0.0.1", family: 4 }];
    };
    const r = await runCheck(
      { type: "tcp", hostname: "flip.test", port: P },
      { allowPrivateTargets: true, lookup: counting },
    );
    expect(r.ok).toBe(true);
    expect(r.details.address).toBe("127.0.0.1");
    expect(calls).toBe(1);
  });

  it("http connects to the address it vetted: a rebinding name is looked up once", async () => {
    const web = await startHttp((_req, res) => res.writeHead(200).end("ok"));
    try {
      let calls = 0;
      const flipping: LookupFn = async () => {
        calls++;
        // Loopback the first time (our server), an unroutable address after: a second lookup at
        // connect time would fail the check.
        return calls === 1 ? [{ address: "127.0.0.1", family: 4 }] : [{ address: "10.255.255.1", family: 4 }];
      };
      const r = await runCheck(
        { type: "http", url: `http://flip.test:${web.port}/`, timeoutS: 3 },
        { allowPrivateTargets: true, lookup: flipping },
      );
      expect(r.error).toBeNull();
      expect(r.ok).toBe(true);
      expect(calls).toBe(1);
    } finally {
      await web.close();
    }
  });
});
