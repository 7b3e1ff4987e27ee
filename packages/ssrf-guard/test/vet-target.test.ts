import { pinnedLookup, vetTarget, type LookupFn, type ResolvedAddress } from "../src/index.js";

const table: Record<string, ResolvedAddress[]> = {
  "public.test": [{ address: "93.184.216.34", family: 4 }],
  "rebind.test": [{ address: "127.0.0.1", family: 4 }],
  "mixed.test": [
    { address: "93.184.216.34", family: 4 },
    { address: "10.0.0.1", family: 4 },
  ],
  "odd.test": [{ address: "0x7f.1", family: 4 }],
  "empty.test": [],
};
const lookup: LookupFn = async (name) => {
  const found = table[name];
  if (!found) throw Object.assign(new Error("not found"), { code: "ENOTFOUND" });
  return found;
};

describe("vetTarget", () => {
  it.each([
    ["a public name", "public.test", false, { ok: true, target: { address: "93.184.216.34", family: 4 } }],
    ["a literal in an odd spelling", "0x7f.1", false, "PRIVATE_TARGET: 127.0.0.1 is a private or reserved address"],
    ["a bracketed IPv6 literal", "[::1]", false, "PRIVATE_TARGET: ::1 is a private or reserved address"],
    [
      "a name → loopback",
      "rebind.test",
      false,
      "PRIVATE_TARGET: rebind.test (127.0.0.1) is a private or reserved address",
    ],
    [
      "a name → public and private",
      "mixed.test",
      false,
      "PRIVATE_TARGET: mixed.test (10.0.0.1) is a private or reserved address",
    ],
    ["an unknown name", "nowhere.test", false, "DNS: cannot resolve nowhere.test: ENOTFOUND"],
    ["a name without addresses", "empty.test", false, "DNS: empty.test has no addresses"],
    ["text that is no host name", "a b", false, 'DNS: "a b" is not a host name'],
    ["an empty host", "", false, 'DNS: "" is not a host name'],
    ["loopback, private allowed", "127.1", true, { ok: true, target: { address: "127.0.0.1", family: 4 } }],
    [
      "a resolver's odd spelling, normalized",
      "odd.test",
      true,
      { ok: true, target: { address: "127.0.0.1", family: 4 } },
    ],
    [
      "mapped IPv6, private allowed",
      "[::ffff:127.0.0.1]",
      true,
      { ok: true, target: { address: "::ffff:7f00:1", family: 6 } },
    ],
  ])("%s (%s, allowPrivateTargets=%s)", async (...[, host, allowPrivateTargets, expected]) => {
    const r = await vetTarget(host, { allowPrivateTargets, lookup });
    if (typeof expected === "string") {
      expect(r.ok).toBe(false);
      if (!r.ok) expect(`${r.error.code}: ${r.error.message}`).toBe(expected);
    } else {
      expect(r).toEqual(expected);
    }
  });
});

describe("pinnedLookup", () => {
  it("answers every query with the vetted address, whatever the name", async () => {
    const lookupFn = pinnedLookup({ address: "10.1.2.3", family: 4 });
    const one = await new Promise((resolve) =>
      lookupFn("elsewhere.test", {}, (err, address, family) => resolve({ err, address, family })),
    );
    expect(one).toEqual({ err: null, address: "10.1.2.3", family: 4 });
    const all = await new Promise((resolve) =>
      lookupFn("elsewhere.test", { all: true }, (err, addresses) => resolve({ err, addresses })),
    );
    expect(all).toEqual({ err: null, addresses: [{ address: "10.1.2.3", family: 4 }] });
  });
});
