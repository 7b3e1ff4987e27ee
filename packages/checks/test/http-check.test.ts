import { gzipSync } from "node:zlib";
import { runCheck, BODY_CAP_BYTES, type CheckOptions } from "../src/index.js";
import { startHttp, startHttps, startSilent, makeCert, type Running } from "./servers.js";

const local: CheckOptions = { allowPrivateTargets: true };
let srv: Running & { server: import("node:http").Server };
let base: string;
let hugeBodyWritten = 0;

beforeAll(async () => {
  srv = await startHttp((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    switch (url.pathname) {
      case "/ok":
        res.end("hello uptop world");
        return;
      case "/status":
        res.statusCode = Number(url.searchParams.get("code"));
        res.end("status");
        return;
      case "/echo": {
        let body = "";
        req.on("data", (c: Buffer) => (body += c.toString()));
        req.on("end", () => {
          res.setHeader("content-type", "application/json");
          res.end(
            JSON.stringify({
              method: req.method,
              body,
              auth: req.headers.authorization ?? null,
              ua: req.headers["user-agent"],
              x: req.headers["x-test"] ?? null,
            }),
          );
        });
        return;
      }
      case "/json":
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ data: { items: [{ status: "green", count: 3 }], tags: ["a", "b"] } }));
        return;
      case "/gzip": {
        const zipped = gzipSync("compressed hello from uptop");
        res.writeHead(200, { "content-encoding": "gzip", "content-length": zipped.length }).end(zipped);
        return;
      }
      case "/headers":
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify(req.headers));
        return;
      case "/notjson":
        res.end("<html>nope</html>");
        return;
      case "/redirect":
        res.writeHead(302, { location: `/redirect-${Number(url.searchParams.get("n") ?? 0)}` }).end();
        return;
      case "/loop":
        res.writeHead(301, { location: "/loop2" }).end();
        return;
      case "/loop2":
        res.writeHead(301, { location: "/loop" }).end();
        return;
      case "/ftp":
        res.writeHead(302, { location: "ftp://example.com/" }).end();
        return;
      case "/post-303":
        res.writeHead(303, { location: "/echo" }).end();
        return;
      case "/huge": {
        res.writeHead(200, { "content-type": "text/plain" });
        const chunk = Buffer.alloc(64 * 1024, "x");
        const pump = () => {
          while (hugeBodyWritten < 50 * 1024 * 1024) {
            hugeBodyWritten += chunk.length;
            if (!res.write(chunk)) return void res.once("drain", pump);
          }
          res.end();
        };
        res.on("close", () => undefined);
        pump();
        return;
      }
      case "/slow-body":
        res.writeHead(200);
        res.write("start");
        return; // never ends
      case "/hang":
        return; // never answers
      default: {
        const m = /^\/redirect-(\d+)$/.exec(url.pathname);
        if (m) {
          const n = Number(m[1]);
          if (n >= 20) return void res.end("landed");
          res.writeHead(302, { location: `/redirect-${n + 1}` }).end();
          return;
        }
        res.statusCode = 404;
        res.end();
      }
    }
  });
  base = `http://127.0.0.1:${srv.port}`;
});
afterAll(() => srv.close());

async function waitUntil(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("http check", () => {
  it("passes for a 200 with latency, status and phase timings", async () => {
    const r = await runCheck({ type: "http", url: `${base}/ok` }, local);
    expect(r).toMatchObject({ type: "http", ok: true, error: null, warning: null });
    expect(r.details.statusCode).toBe(200);
    expect(r.latencyMs).toBeGreaterThan(0);
    expect(r.details.timings.connect).not.toBeNull();
    expect(r.details.timings.firstByte).not.toBeNull();
    expect(r.details.bodyBytes).toBe("hello uptop world".length);
    expect(new Date(r.checkedAt).toISOString()).toBe(r.checkedAt);
  });

  it("opens a fresh connection for every check and closes it", async () => {
    const sockets: import("node:net").Socket[] = [];
    const onConnection = (s: import("node:net").Socket) => void sockets.push(s);
    srv.server.on("connection", onConnection);
    try {
      for (let i = 0; i < 3; i++) {
        const r = await runCheck({ type: "http", url: `${base}/ok` }, local);
        expect(r.ok).toBe(true);
        expect(r.details.timings.connect).not.toBeNull();
      }
      expect(sockets).toHaveLength(3);
      await waitUntil(() => sockets.every((s) => s.destroyed));
    } finally {
      srv.server.off("connection", onConnection);
    }
  });

  it.each([
    ["500 outside default 200-299", 500, undefined, false],
    ["404 outside default", 404, undefined, false],
    ["301 accepted by explicit list when not following", 301, "200-299,301", true],
    ["418 inside a range", 418, "400-499", true],
  ])("judges status: %s", async (_name, code, acceptedCodes, ok) => {
    const r = await runCheck(
      { type: "http", url: `${base}/status?code=${code}`, acceptedCodes, followRedirects: false },
      local,
    );
    expect(r.ok).toBe(ok);
    if (!ok) expect(r.error?.code).toBe("HTTP_STATUS");
  });

  it("sends method, body, headers, bearer auth and the user agent", async () => {
    const r = await runCheck(
      {
        type: "http",
        url: `${base}/echo`,
        method: "POST",
        body: "ping-body",
        headers: { "X-Test": "yes" },
        auth: { type: "bearer", token: "t0k" },
        jsonAssertion: { path: "auth", equals: "Bearer t0k" },
      },
      { ...local, userAgent: "uptop-test/1" },
    );
    expect(r.error).toBeNull();
    const r2 = await runCheck(
      { type: "http", url: `${base}/echo`, method: "POST", body: "b", keyword: '"body":"b"' },
      local,
    );
    expect(r2.ok).toBe(true);
    const r3 = await runCheck(
      { type: "http", url: `${base}/echo`, headers: { "X-Test": "yes" }, keyword: '"ua":"uptop-test/1","x":"yes"' },
      { ...local, userAgent: "uptop-test/1" },
    );
    expect(r3.ok).toBe(true);
  });

  it("sends basic auth", async () => {
    const r = await runCheck(
      {
        type: "http",
        url: `${base}/echo`,
        auth: { type: "basic", username: "u", password: "p" },
        jsonAssertion: { path: "auth", equals: `Basic ${Buffer.from("u:p").toString("base64")}` },
      },
      local,
    );
    expect(r.error).toBeNull();
  });

  it("sends the URL's credentials as basic auth and shows neither", async () => {
    const url = `http://us%40er:p%3Ass@127.0.0.1:${srv.port}/echo`;
    const r = await runCheck(
      {
        type: "http",
        url,
        jsonAssertion: { path: "auth", equals: `Basic ${Buffer.from("us@er:p:ss").toString("base64")}` },
      },
      local,
    );
    expect(r.error).toBeNull();
    expect(r.details.finalUrl).toBe(`${base}/echo`);
  });

  it("sends the Host of the URL, the Accept headers checks always sent, and Connection: close", async () => {
    const r = await runCheck(
      { type: "http", url: `http://localhost:${srv.port}/headers`, jsonAssertion: { path: "host", exists: true } },
      local,
    );
    expect(r.error).toBeNull();
    const seen = await runCheck(
      {
        type: "http",
        url: `${base}/headers`,
        jsonAssertion: { path: "accept", equals: "application/json, text/plain, */*" },
      },
      local,
    );
    expect(seen.error).toBeNull();
    for (const [path, equals] of [
      ["host", `127.0.0.1:${srv.port}`],
      ["accept-encoding", "gzip, deflate, br"],
      ["connection", "close"],
    ]) {
      const c = await runCheck({ type: "http", url: `${base}/headers`, jsonAssertion: { path, equals } }, local);
      expect(c.error).toBeNull();
    }
  });

  it("decompresses a gzip body before looking for the keyword", async () => {
    const r = await runCheck({ type: "http", url: `${base}/gzip`, keyword: "hello from uptop" }, local);
    expect(r.error).toBeNull();
    expect(r.details.bodyBytes).toBe("compressed hello from uptop".length);
  });

  it.each([
    ["keyword present", { keyword: "uptop" }, null],
    ["keyword missing", { keyword: "absent-word" }, "KEYWORD"],
    ["keywordAbsent holds", { keywordAbsent: "error" }, null],
    ["keywordAbsent violated", { keywordAbsent: "hello" }, "KEYWORD"],
  ])("keywords: %s", async (_n, extra, code) => {
    const r = await runCheck({ type: "http", url: `${base}/ok`, ...extra }, local);
    expect(r.error?.code ?? null).toBe(code);
  });

  it.each([
    ["equals string", { path: "data.items[0].status", equals: "green" }, null],
    ["equals number as string", { path: "data.items[0].count", equals: "3" }, null],
    ["equals mismatch", { path: "data.items[0].status", equals: "red" }, "ASSERTION"],
    ["contains in array", { path: "data.tags", contains: "b" }, null],
    ["exists", { path: "data.items[0]", exists: true }, null],
    ["does not exist", { path: "data.items[5].status", exists: true }, "ASSERTION"],
  ])("JSON assertion: %s", async (_n, jsonAssertion, code) => {
    const r = await runCheck({ type: "http", url: `${base}/json`, jsonAssertion }, local);
    expect(r.error?.code ?? null).toBe(code);
  });

  it("fails a JSON assertion on a body that is not JSON", async () => {
    const r = await runCheck(
      { type: "http", url: `${base}/notjson`, jsonAssertion: { path: "a", exists: true } },
      local,
    );
    expect(r.error).toEqual({ code: "ASSERTION", message: "response body is not valid JSON" });
  });

  it("follows redirects and counts them", async () => {
    const r = await runCheck({ type: "http", url: `${base}/redirect-15`, keyword: "landed" }, local);
    expect(r.ok).toBe(true);
    expect(r.details.redirects).toBe(5);
    expect(r.details.finalUrl).toBe(`${base}/redirect-20`);
  });

  it("stops after maxRedirects with PROTOCOL", async () => {
    const r = await runCheck({ type: "http", url: `${base}/redirect-0` }, local);
    expect(r.error?.code).toBe("PROTOCOL");
    expect(r.error?.message).toMatch(/more than 10 redirects/);
    expect(r.details.redirects).toBe(10);
  });

  it("detects a redirect loop", async () => {
    const r = await runCheck({ type: "http", url: `${base}/loop` }, local);
    expect(r.error?.code).toBe("PROTOCOL");
    expect(r.error?.message).toMatch(/loop/);
  });

  it("never shows the URL's credentials, which a relative redirect carries along", async () => {
    const r = await runCheck({ type: "http", url: `${base.replace("http://", "http://svc:url-pa55@")}/loop` }, local);
    expect(r.error?.message).toBe(`redirect loop at ${base}/loop`);
    expect(JSON.stringify(r)).not.toContain("url-pa55");
  });

  it("refuses a redirect to a non-http scheme", async () => {
    const r = await runCheck({ type: "http", url: `${base}/ftp` }, local);
    expect(r.error?.code).toBe("PROTOCOL");
  });

  it("turns a POST into a GET on 303", async () => {
    const r = await runCheck(
      {
        type: "http",
        url: `${base}/post-303`,
        method: "POST",
        body: "x",
        jsonAssertion: { path: "method", equals: "GET" },
      },
      local,
    );
    expect(r.error).toBeNull();
  });

  it("does not follow when followRedirects is false", async () => {
    const r = await runCheck(
      { type: "http", url: `${base}/redirect-19`, followRedirects: false, acceptedCodes: "302" },
      local,
    );
    expect(r.ok).toBe(true);
    expect(r.details.redirects).toBe(0);
  });

  it("caps a huge body at 1 MiB and stops reading", async () => {
    const r = await runCheck({ type: "http", url: `${base}/huge`, keyword: "not-there" }, local);
    expect(r.error?.code).toBe("KEYWORD");
    expect(r.details.bodyBytes).toBe(BODY_CAP_BYTES);
    expect(r.details.bodyTruncated).toBe(true);
    expect(hugeBodyWritten).toBeLessThan(50 * 1024 * 1024);
  });

  it("times out on a server that never answers", async () => {
    const r = await runCheck({ type: "http", url: `${base}/hang`, timeoutS: 0.5 }, local);
    expect(r.error?.code).toBe("TIMEOUT");
    expect(r.latencyMs).toBeNull();
  });

  it("times out on a body that never ends, the deadline covering the body", async () => {
    const r = await runCheck({ type: "http", url: `${base}/slow-body`, timeoutS: 0.5 }, local);
    expect(r.error?.code).toBe("TIMEOUT");
    expect(r.details.statusCode).toBe(200);
  });

  it("times out on a socket that accepts and stays silent", async () => {
    const silent = await startSilent();
    try {
      const r = await runCheck({ type: "http", url: `http://127.0.0.1:${silent.port}/`, timeoutS: 0.5 }, local);
      expect(r.error?.code).toBe("TIMEOUT");
    } finally {
      await silent.close();
    }
  });

  it("ends early with TIMEOUT when the caller aborts", async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const r = await runCheck({ type: "http", url: `${base}/hang`, timeoutS: 30 }, { ...local, signal: ac.signal });
    expect(r.error).toEqual({ code: "TIMEOUT", message: "check aborted" });
  });

  it("reports CONNECT for a closed port", async () => {
    const closed = await startSilent();
    const port = closed.port;
    await closed.close();
    const r = await runCheck({ type: "http", url: `http://127.0.0.1:${port}/` }, local);
    expect(r.error?.code).toBe("CONNECT");
  });

  it("reports DNS for a name that does not resolve", async () => {
    const r = await runCheck(
      { type: "http", url: "http://no-such-host.invalid/" },
      { ...local, lookup: () => Promise.reject(Object.assign(new Error("nx"), { code: "ENOTFOUND" })) },
    );
    expect(r.error?.code).toBe("DNS");
  });
});

describe("https check", () => {
  let valid: Running;
  let expired: Running;
  let soon: Running;
  beforeAll(async () => {
    const handler = (_req: unknown, res: import("node:http").ServerResponse) => void res.end("secure");
    valid = await startHttps(await makeCert(-1, 90), handler);
    expired = await startHttps(await makeCert(-30, -2), handler);
    soon = await startHttps(await makeCert(-1, 3), handler);
  }, 30_000);
  afterAll(async () => {
    await Promise.all([valid.close(), expired.close(), soon.close()]);
  });

  it("rejects an untrusted (self-signed) certificate with TLS by default", async () => {
    const r = await runCheck({ type: "http", url: `https://127.0.0.1:${valid.port}/` }, local);
    expect(r.error?.code).toBe("TLS");
  });

  it("reports the certificate, tls timing and no warning when verification is off", async () => {
    const r = await runCheck({ type: "http", url: `https://127.0.0.1:${valid.port}/`, ignoreTls: true }, local);
    expect(r.ok).toBe(true);
    expect(r.warning).toBeNull();
    expect(r.details.cert?.daysLeft).toBeGreaterThanOrEqual(88);
    expect(r.details.timings.tls).not.toBeNull();
  });

  it("does a full TLS handshake and reports the certificate on every check", async () => {
    for (let i = 0; i < 3; i++) {
      const r = await runCheck({ type: "http", url: `https://127.0.0.1:${valid.port}/`, ignoreTls: true }, local);
      expect(r.ok).toBe(true);
      expect(r.details.cert?.daysLeft).toBeGreaterThanOrEqual(88);
      expect(r.details.timings.tls).not.toBeNull();
    }
  });

  it("insecureSkipVerify in options works like ignoreTls", async () => {
    const r = await runCheck(
      { type: "http", url: `https://127.0.0.1:${valid.port}/` },
      { ...local, insecureSkipVerify: true },
    );
    expect(r.ok).toBe(true);
  });

  it("warns when the certificate expires within certExpiryDays", async () => {
    const r = await runCheck(
      { type: "http", url: `https://localhost:${soon.port}/`, ignoreTls: true, certExpiryDays: 14 },
      local,
    );
    expect(r.ok).toBe(true);
    expect(r.details.cert?.expiringSoon).toBe(true);
    expect(r.warning).toMatch(/expires in [23] day/);
  });

  it("fails an expired certificate when verifying (CERT_EXPIRED or TLS)", async () => {
    const r = await runCheck({ type: "http", url: `https://127.0.0.1:${expired.port}/` }, local);
    expect(["CERT_EXPIRED", "TLS"]).toContain(r.error?.code);
  });

  it("with ignoreTls an expired certificate passes with a warning", async () => {
    const r = await runCheck({ type: "http", url: `https://127.0.0.1:${expired.port}/`, ignoreTls: true }, local);
    expect(r.ok).toBe(true);
    expect(r.details.cert?.daysLeft).toBeLessThan(0);
    expect(r.warning).toMatch(/expired/);
  });
});
