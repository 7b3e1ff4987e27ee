import { normalizeMonitor, parseAcceptedCodes, ValidationError } from "../src/index.js";

function issuesOf(body: unknown): Array<{ field: string; message: string }> {
  try {
    normalizeMonitor(body);
  } catch (err) {
    if (err instanceof ValidationError) return err.issues;
    throw err;
  }
  return [];
}

describe("normalizeMonitor", () => {
  it("applies defaults", () => {
    const m = normalizeMonitor({ name: "api", type: "http", url: "https://example.com/health" });
    expect(m).toMatchObject({
      interval: 60,
      timeout: 10,
      retries: 0,
      recoveryThreshold: 1,
      method: "GET",
      acceptedCodes: "200-299",
      followRedirects: true,
      maxRedirects: 10,
      regions: [],
      channels: [],
      paused: false,
      aggregation: null,
    });
  });

  it("accepts duration strings", () => {
    expect(
      normalizeMonitor({ name: "a", type: "tcp", hostname: "db", port: 5432, interval: "2m", timeout: "5s" }),
    ).toMatchObject({
      interval: 120,
      timeout: 5,
    });
  });

  it("gives push monitors a grace of max(interval/2, 60)", () => {
    expect(normalizeMonitor({ name: "cron", type: "push", interval: 3600 }).grace).toBe(1800);
    expect(normalizeMonitor({ name: "cron", type: "push", interval: 30 }).grace).toBe(60);
  });

  it("keeps a short interval's default timeout below the interval", () => {
    expect(normalizeMonitor({ name: "a", type: "tcp", hostname: "h", port: 1, interval: 5 }).timeout).toBe(4);
  });

  it.each([
    [{ type: "http", url: "https://x" }, "name"],
    [{ name: "a" }, "type"],
    [{ name: "a", type: "carrier-pigeon" }, "type"],
    [{ name: "a", type: "http" }, "url"],
    [{ name: "a", type: "http", url: "not a url" }, "url"],
    [{ name: "a", type: "http", url: "ftp://x" }, "url"],
    [{ name: "a", type: "tcp", hostname: "h" }, "port"],
    [{ name: "a", type: "tcp", port: 80 }, "hostname"],
    [{ name: "a", type: "tcp", hostname: "h", port: 70000 }, "port"],
    [{ name: "a", type: "dns" }, "hostname"],
    [{ name: "a", type: "ping", hostname: "bad host!" }, "hostname"],
    [{ name: "a", type: "http", url: "https://x", interval: 2 }, "interval"],
    [{ name: "a", type: "http", url: "https://x", interval: 30, timeout: 30 }, "timeout"],
    [{ name: "a", type: "http", url: "https://x", interval: "soon" }, "interval"],
    [{ name: "a", type: "http", url: "https://x", retries: -1 }, "retries"],
    [{ name: "a", type: "http", url: "https://x", acceptedCodes: "2xx" }, "acceptedCodes"],
    [{ name: "a", type: "http", url: "https://x", method: "BREW" }, "method"],
    [{ name: "a", type: "http", url: "https://x", headers: { "bad header": "v" } }, "headers.bad header"],
    [{ name: "a", type: "http", url: "https://x", auth: { type: "basic", username: "u" } }, "auth.password"],
    [{ name: "a", type: "http", url: "https://x", jsonAssertion: { path: "a" } }, "jsonAssertion"],
    [{ name: "a", type: "http", url: "https://x", regions: ["eu west"] }, "regions.0"],
    [{ name: "a", type: "http", url: "https://x", aggregation: "most-down" }, "aggregation"],
    [{ name: "a", type: "http", url: "https://x", colour: "red" }, "colour"],
    [{ name: "a", type: "http", url: "https://x", interval: 7200, timeout: 3601 }, "timeout"],
    [{ name: "a", type: "http", url: "https://x", timeout: 0 }, "timeout"],
    [{ name: "a", type: "http", url: "https://x", headers: { "X-A": "one\r\nX-B: two" } }, "headers.X-A"],
    [{ name: "a", type: "http", url: "https://x", headers: { "X-A": "one\ntwo" } }, "headers.X-A"],
    [{ name: "a", type: "ping", hostname: "-f" }, "hostname"],
    [{ name: "a", type: "tcp", hostname: " -p", port: 1 }, "hostname"],
    [{ name: "a", type: "dns", hostname: "x.example", resolver: "a b" }, "resolver"],
    [{ name: "a", type: "dns", hostname: "x.example", resolver: "1.1.1.1:99999" }, "resolver"],
    [{ name: "a", type: "dns", hostname: "x.example", resolver: "1.1.1.1:" }, "resolver"],
    [{ name: "a", type: "dns", hostname: "x.example", resolver: "" }, "resolver"],
    [{ name: "a", type: "dns", hostname: "x.example", resolver: "[::1]:0" }, "resolver"],
    [{ name: "a", type: "group", description: "nul\u0000here" }, "description"],
    [
      { name: "a", type: "http", url: "https://x", jsonAssertion: { path: "a", equals: { deep: ["\u0000"] } } },
      "jsonAssertion.equals.deep.0",
    ],
    [{ name: "a", type: "tcp", hostname: "h", port: 1, url: "https://x" }, "url"],
    [{ name: "a", type: "http", url: "https://x", token: "abcdefghijklmnopqrstu" }, "token"],
    [{ name: "a", type: "push", token: "short" }, "token"],
    [{ name: "a", type: "push", token: "nine-char" }, "token"],
    [{ name: "a", type: "push", token: "ten chars!" }, "token"],
    [{ name: "a", type: "group", parent: "a" }, "parent"],
    [{ name: "", type: "group" }, "name"],
    // Stored encrypted as enc:…; one stored in clear would read as a broken ciphertext.
    [{ name: "a", type: "http", url: "https://x", headers: { "X-A": "enc:abc" } }, "headers.X-A"],
    [{ name: "a", type: "http", url: "https://x", method: "POST", body: "enc:abc" }, "body"],
  ])("rejects %j naming field %j", (body, field) => {
    const issues = issuesOf(body);
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.map((i) => i.field)).toContain(field);
  });

  // Older Uptime Kuma versions made 10-character push tokens; imported monitors keep them.
  it.each([["Kx7pQ2mN9a"], ["a".repeat(128)]])("takes the push token %s (10 to 128 characters)", (token) => {
    expect(normalizeMonitor({ name: "a", type: "push", token }).token).toBe(token);
  });

  it("names every unknown field in its own issue, nested ones by path", () => {
    expect(issuesOf({ name: "a", type: "group", colour: "red", size: 2 })).toEqual([
      { field: "colour", message: "unknown field" },
      { field: "size", message: "unknown field" },
    ]);
    expect(
      issuesOf({ name: "a", type: "http", url: "https://x", auth: { type: "bearer", token: "t", scheme: "x" } }),
    ).toEqual([{ field: "auth.scheme", message: "unknown field" }]);
  });

  it("says which field holds a NUL, even inside a header name", () => {
    let err: unknown;
    try {
      normalizeMonitor({ name: "a", type: "http", url: "https://x", headers: { "X-\u0000": "v" } });
    } catch (e) {
      err = e;
    }
    expect((err as ValidationError).message).toBe(
      "headers.X-\\u0000: field name must not contain a NUL character (\\u0000)",
    );
  });

  it.each([
    "1.1.1.1",
    "1.1.1.1:5353",
    "dns.example",
    "dns.example:53",
    "[2606:4700:4700::1111]:53",
    "[::1]",
    "2606:4700:4700::1111",
  ])("accepts resolver %s", (resolver) => {
    expect(normalizeMonitor({ name: "a", type: "dns", hostname: "x.example", resolver }).resolver).toBe(resolver);
  });

  it("trims a host name and keeps a fractional timeout exactly", () => {
    expect(
      normalizeMonitor({ name: "a", type: "tcp", hostname: "  db.internal ", port: 5432, timeout: 1.005 }),
    ).toMatchObject({ hostname: "db.internal", timeout: 1.005 });
  });
});

describe("parseAcceptedCodes", () => {
  it.each([
    ["200-299", [[200, 299]]],
    [
      "200-299,301",
      [
        [200, 299],
        [301, 301],
      ],
    ],
    [
      " 204 , 418 ",
      [
        [204, 204],
        [418, 418],
      ],
    ],
    ["2xx", undefined],
    ["299-200", undefined],
    ["99", undefined],
    ["", undefined],
  ])("%j", (text, expected) => {
    expect(parseAcceptedCodes(text)).toEqual(expected);
  });
});
