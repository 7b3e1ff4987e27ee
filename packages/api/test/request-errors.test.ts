import { gzipSync } from "node:zlib";
import { Router } from "express";
import { loadConfig, SecretBox } from "@uptop/core";
import type { Db } from "@uptop/store";
import { BACKENDS, quietLogger } from "@uptop/test-kit";
import {
  channelsRouter,
  configRouter,
  createApp,
  maintenanceRouter,
  monitorsRouter,
  pushRouter,
  type PushReport,
} from "../src/index.js";
import { openTestDb, post, startTestServer, type TestDb, type TestServer } from "./helpers.js";

const PUSH_TOKEN = "push-token-0123456789abcdef";
const MIB = 1024 * 1024;

/** Errors as libraries throw them, to see the handler keep a bug a 500 and a client error a 4xx. */
function throwingRouter(): Router {
  const r = Router();
  r.get("/api/test/upstream-status", () => {
    // An outbound call's error carries the upstream's status; it is still our bug.
    throw Object.assign(new Error("upstream answered 404"), { status: 404 });
  });
  r.get("/api/test/client-error", () => {
    // What http-errors builds for the client: a status and `expose`.
    throw Object.assign(new Error("range not satisfiable here"), { statusCode: 416, expose: true });
  });
  r.post("/api/test/echo", (req, res) => {
    res.json({ body: req.body ?? null });
  });
  return r;
}

async function errorOf(res: Response): Promise<{ status: number; code: string; message: string; fields: string[] }> {
  const body = (await res.json()) as {
    error: { code: string; message: string; details?: { issues: Array<{ field: string }> } };
  };
  return {
    status: res.status,
    code: body.error.code,
    message: body.error.message,
    fields: body.error.details?.issues.map((i) => i.field) ?? [],
  };
}

/** A body sent in chunks with no Content-Length, as a streaming client sends it. */
function streamed(bytes: number): { body: ReadableStream<Uint8Array>; duplex: "half" } {
  let left = bytes;
  const chunk = new Uint8Array(64 * 1024).fill(0x61);
  return {
    body: new ReadableStream({
      pull(controller) {
        if (left <= 0) return controller.close();
        controller.enqueue(chunk.subarray(0, Math.min(chunk.length, left)));
        left -= chunk.length;
      },
    }),
    duplex: "half",
  };
}

describe.each(BACKENDS)("bad requests on %s", (backend) => {
  let tdb: TestDb;
  let srv: TestServer;
  let db: Db;
  const box = new SecretBox(null);
  const pushed: PushReport[] = [];

  beforeAll(async () => {
    tdb = await openTestDb(backend, "uptop_api_requests");
    db = tdb.store.db;
    srv = await startTestServer({
      open: [
        pushRouter({
          push: (token, report) => {
            pushed.push(report);
            return { found: token === PUSH_TOKEN };
          },
        }),
      ],
      admin: [
        monitorsRouter({ db, box }),
        channelsRouter({ db, box, epoch: () => 1, nodeId: "leader", allowPrivateTargets: true }),
        maintenanceRouter({ db }),
        configRouter({ db, box }),
        throwingRouter(),
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await srv?.close();
    await tdb?.close();
  });

  describe("a malformed percent-escape in a path parameter", () => {
    it.each([
      ["an open push route, without a token", "/api/push/%E0", null],
      ["an admin route", "/api/monitors/%E0", undefined],
      ["an admin route, half an escape", "/api/channels/%", undefined],
    ])("is a 400 INVALID_PATH on %s", async (_name, path, token) => {
      const e = await errorOf(await srv.api(path, { token }));
      expect(e).toMatchObject({ status: 400, code: "INVALID_PATH" });
      expect(e.message).toContain("percent-escape");
    });
  });

  describe("a compressed body", () => {
    it("is read when the compression is valid", async () => {
      const res = await srv.api("/api/test/echo", {
        method: "POST",
        headers: { "content-encoding": "gzip" },
        body: gzipSync(JSON.stringify({ a: 1 })),
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ body: { a: 1 } });
    });

    it.each([
      ["corrupt gzip", "gzip", Buffer.from("this is not gzip")],
      ["truncated gzip", "gzip", gzipSync(JSON.stringify({ a: "x".repeat(100) })).subarray(0, 20)],
      ["corrupt deflate", "deflate", Buffer.from("this is not deflate")],
      ["corrupt brotli", "br", Buffer.from("this is not brotli at all")],
    ])("is a 400 INVALID_ENCODING for %s", async (_name, encoding, body) => {
      const e = await errorOf(
        await srv.api("/api/monitors", { method: "POST", headers: { "content-encoding": encoding }, body }),
      );
      expect(e).toMatchObject({ status: 400, code: "INVALID_ENCODING" });
      expect(e.message).toContain(encoding);
    });

    it("is a 415 UNSUPPORTED_ENCODING for an encoding the server does not know", async () => {
      const e = await errorOf(
        await srv.api("/api/monitors", { method: "POST", headers: { "content-encoding": "x-squash" }, body: "{}" }),
      );
      expect(e).toMatchObject({ status: 415, code: "UNSUPPORTED_ENCODING" });
    });
  });

  it("is a 415 UNSUPPORTED_CHARSET for a charset the server does not know", async () => {
    const e = await errorOf(
      await srv.api("/api/monitors", {
        method: "POST",
        headers: { "content-type": "application/json; charset=klingon" },
        body: "{}",
      }),
    );
    expect(e).toMatchObject({ status: 415, code: "UNSUPPORTED_CHARSET" });
  });

  describe("error mapping", () => {
    it("keeps an error that merely carries a status a 500", async () => {
      expect(await errorOf(await srv.api("/api/test/upstream-status"))).toMatchObject({
        status: 500,
        code: "INTERNAL",
        message: "internal error",
      });
    });

    it("answers an exposed 4xx library error with its status, a code from it and its message", async () => {
      expect(await errorOf(await srv.api("/api/test/client-error"))).toMatchObject({
        status: 416,
        code: "RANGE_NOT_SATISFIABLE",
        message: "range not satisfiable here",
      });
    });
  });

  describe("body size", () => {
    it.each([
      ["JSON", "application/json", JSON.stringify({ name: "x".repeat(MIB) })],
      ["YAML text", "application/yaml", `title: ${"x".repeat(MIB)}\n`],
      ["a binary body", "application/octet-stream", new Uint8Array(MIB + 1)],
      ["a form body", "application/x-www-form-urlencoded", `a=${"x".repeat(MIB)}`],
      ["a body with no type", "", new Uint8Array(MIB + 1)],
    ])("over the admin limit (512 KiB) is a 413 for %s", async (_name, type, body) => {
      const headers = type ? { "content-type": type } : {};
      const res = await fetch(`${srv.url}/api/monitors`, {
        method: "POST",
        headers: { ...headers, authorization: "Bearer test-admin-token-0123456789" },
        body,
      });
      expect(await errorOf(res)).toMatchObject({ status: 413, code: "PAYLOAD_TOO_LARGE" });
    });

    it.each([["application/json"], ["application/octet-stream"]])(
      "over the admin limit is a 413 when %s is streamed without a length",
      async (type) => {
        const res = await srv.api("/api/monitors", {
          method: "POST",
          headers: { "content-type": type },
          ...streamed(MIB + 10),
        } as RequestInit);
        expect(await errorOf(res)).toMatchObject({ status: 413, code: "PAYLOAD_TOO_LARGE" });
      },
    );
  });

  describe("content type", () => {
    it.each([["application/octet-stream"], ["application/x-www-form-urlencoded"], ["multipart/form-data; boundary=x"]])(
      "is a 415 UNSUPPORTED_MEDIA_TYPE naming %s on an admin route",
      async (type) => {
        const e = await errorOf(
          await srv.api("/api/monitors", {
            method: "POST",
            headers: { "content-type": type },
            body: '{"name":"a","type":"group"}',
          }),
        );
        expect(e).toMatchObject({ status: 415, code: "UNSUPPORTED_MEDIA_TYPE" });
        expect(e.message).toContain(type.split(";")[0]);
        expect(e.message).toContain("application/json");
      },
    );

    it("is not asked of an admin POST with an empty body", async () => {
      const res = await fetch(`${srv.url}/api/test/echo`, {
        method: "POST",
        headers: { authorization: "Bearer test-admin-token-0123456789" },
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ body: null });
    });

    it("leaves a push alone: cron jobs post form bodies they never meant", async () => {
      const res = await fetch(`${srv.url}/api/push/${PUSH_TOKEN}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "status=up",
      });
      expect(res.status).toBe(200);
    });
  });

  describe("a NUL character", () => {
    // biome-ignore format: a table reads best one case per line
    it.each([
      ["a monitor's description", "/api/monitors", { name: "n1", type: "group", description: "a\u0000b" }, "description"],
      ["a monitor's header value", "/api/monitors", { name: "n2", type: "http", url: "https://x.example/", headers: { "X-A": "\u0000" } }, "headers.X-A"],
      ["a monitor's http body", "/api/monitors", { name: "n3", type: "http", url: "https://x.example/", method: "POST", body: "\u0000" }, "body"],
      ["a monitor's keyword", "/api/monitors", { name: "n4", type: "http", url: "https://x.example/", keyword: "ok\u0000" }, "keyword"],
      ["a monitor's resolver", "/api/monitors", { name: "n5", type: "dns", hostname: "x.example", resolver: "1.1.1.1\u0000" }, "resolver"],
      ["a monitor's expected value", "/api/monitors", { name: "n6", type: "dns", hostname: "x.example", expected: ["ok", "\u0000"] }, "expected.1"],
      ["a monitor's parent", "/api/monitors", { name: "n7", type: "group", parent: "p\u0000" }, "parent"],
      ["a monitor's channel", "/api/monitors", { name: "n8", type: "group", channels: ["c\u0000"] }, "channels.0"],
      ["a monitor's json assertion value", "/api/monitors", { name: "n9", type: "http", url: "https://x.example/", jsonAssertion: { path: "a", equals: { b: "\u0000" } } }, "jsonAssertion.equals.b"],
      ["a field name", "/api/monitors", { name: "n10", type: "group", "desc\u0000": 1 }, "desc\\u0000"],
      ["a channel's settings", "/api/channels", { name: "c1", type: "webhook", settings: { url: "https://x.example/", headers: { "X-A": "\u0000" } } }, "settings.headers.X-A"],
      ["a channel's name", "/api/channels", { name: "c\u0000", type: "webhook", settings: { url: "https://x.example/" } }, "name"],
      ["a maintenance window's description", "/api/maintenance", { title: "w", description: "\u0000", start: "2026-05-01T11:00:00Z" }, "description"],
      ["a config document", "/api/config/apply", { monitors: [{ name: "m\u0000", type: "group" }] }, "monitors.0.name"],
    ])("in %s is a 400 naming the field", async (_name, path, body, field) => {
      const e = await errorOf(await srv.api(path, post(body)));
      expect(e).toMatchObject({ status: 400, code: "VALIDATION" });
      expect(e.fields).toEqual([field]);
      expect(e.message).toBe(`${field}: ${field.endsWith("\\u0000") ? "field name " : ""}must not contain a NUL character (\\u0000)`);
    });

    it("in YAML text is a 400 naming the body", async () => {
      const e = await errorOf(
        await srv.api("/api/config/apply", {
          method: "POST",
          headers: { "content-type": "application/yaml" },
          body: "monitors:\n  - name: a\u0000\n    type: group\n",
        }),
      );
      expect(e).toMatchObject({ status: 400, fields: ["body"] });
    });

    it("in a query parameter is a 400 naming it", async () => {
      const e = await errorOf(await srv.api("/api/monitors?q=disk%00full"));
      expect(e).toMatchObject({ status: 400, code: "VALIDATION", fields: ["q"] });
    });

    it("leaves nothing stored", async () => {
      expect(await db.selectFrom("monitors").select("name").execute()).toEqual([]);
      expect(await db.selectFrom("channels").select("name").execute()).toEqual([]);
      expect(await db.selectFrom("maintenance_windows").select("title").execute()).toEqual([]);
    });
  });

  describe("half a surrogate pair (half an emoji)", () => {
    const half = "\uD83D";
    // biome-ignore format: a table reads best one case per line
    it.each([
      ["a monitor's description", "/api/monitors", { name: "s1", type: "group", description: `a${half}` }, "description"],
      ["a monitor's header value", "/api/monitors", { name: "s2", type: "http", url: "https://x.example/", headers: { "X-A": half } }, "headers.X-A"],
      ["a monitor's json assertion value", "/api/monitors", { name: "s3", type: "http", url: "https://x.example/", jsonAssertion: { path: "a", equals: { b: `x${half}` } } }, "jsonAssertion.equals.b"],
      ["a channel's settings", "/api/channels", { name: "c2", type: "webhook", settings: { url: "https://x.example/", headers: { "X-A": `\uDE00` } } }, "settings.headers.X-A"],
      ["a maintenance window's title", "/api/maintenance", { title: `w${half}`, start: "2026-05-01T11:00:00Z" }, "title"],
      ["a config document", "/api/config/apply", { monitors: [{ name: `m${half}`, type: "group" }] }, "monitors.0.name"],
    ])("in %s is a 400 naming the field", async (_name, path, body, field) => {
      // JSON.stringify writes a lone surrogate as the escape \uD83D, which JSON.parse turns back into one.
      const e = await errorOf(await srv.api(path, post(body)));
      expect(e).toMatchObject({ status: 400, code: "VALIDATION" });
      expect(e.fields).toEqual([field]);
      expect(e.message).toBe(`${field}: must be valid Unicode text: it holds half of a surrogate pair (half a character)`);
    });

    it("leaves nothing stored", async () => {
      expect(await db.selectFrom("monitors").select("name").execute()).toEqual([]);
      expect(await db.selectFrom("channels").select("name").execute()).toEqual([]);
    });
  });

  describe("a push message", () => {
    beforeEach(() => {
      pushed.length = 0;
    });

    it("holding a NUL is taken, without it", async () => {
      const res = await srv.api(`/api/push/${PUSH_TOKEN}?status=down&msg=disk%00full`, { token: null });
      expect(res.status).toBe(200);
      expect(pushed).toEqual([{ down: true, message: "diskfull" }]);
    });

    it("cut at 500 characters through an emoji is cut before it", async () => {
      const msg = encodeURIComponent(`${"a".repeat(499)}\u{1F600}tail`);
      const res = await srv.api(`/api/push/${PUSH_TOKEN}?status=down&msg=${msg}`, { token: null });
      expect(res.status).toBe(200);
      expect(pushed).toEqual([{ down: true, message: "a".repeat(499) }]);
    });

    it("with whole emoji is taken as it is", async () => {
      const res = await srv.api(`/api/push/${PUSH_TOKEN}?msg=${encodeURIComponent("done \u{1F600}")}`, { token: null });
      expect(res.status).toBe(200);
      expect(pushed).toEqual([{ down: false, message: "done \u{1F600}" }]);
    });
  });

  it("is a 400 naming the field for nesting deeper than 64 levels, which the store could not serialize", async () => {
    const deep = "[".repeat(20_000) + "]".repeat(20_000);
    const body = `{"name":"deep","type":"http","url":"https://x.example/","jsonAssertion":{"path":"a","equals":${deep}}}`;
    const e = await errorOf(await srv.api("/api/monitors", { method: "POST", body }));
    expect(e).toMatchObject({
      status: 400,
      code: "VALIDATION",
      message: expect.stringContaining("nested more than 64 levels"),
    });
    expect(e.fields[0]).toMatch(/^jsonAssertion\.equals(\.0)+$/);
  });
});

describe("trusted proxies", () => {
  // express compiles "trust proxy" when the app is built, after the database opened: whatever
  // loadConfig lets through must compile, or the leader dies with exit 1 instead of exit 2.
  it.each([
    "10.0.0.0/8",
    "192.168.1.10",
    "0.0.0.0/1",
    "10.1.2.3/32",
    "10.0.0.0/08",
    "fd00::/8",
    "::1",
    "::/1",
    "::ffff:10.0.0.1",
    "::ffff:10.0.0.0/104",
    "2001:db8::/128",
    "fe80::1%eth0",
  ])("compiles %s, which the config accepts", (proxies) => {
    const config = loadConfig({ UPTOP_TRUSTED_PROXIES: proxies });
    const logger = quietLogger();
    expect(() => createApp({ config, logger, apiToken: "test-admin-token-0123456789", routers: {} })).not.toThrow();
  });
});
