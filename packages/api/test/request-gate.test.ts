import net from "node:net";
import { Router, type Request, type Response } from "express";
import { ADMIN_TOKEN } from "@uptop/test-kit";
import { BODY_LIMITS, pushRouter } from "../src/index.js";
import { startTestServer, type TestServer } from "./helpers.js";

const SECRET = "request-gate-cluster-secret-0123";
const PUSH_TOKEN = "push-token-0123456789abcdef";
const KIB = 1024;
const MIB = 1024 * KIB;

interface EarlyAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The server closed the connection, with the rest of the body never sent. */
  closed: boolean;
}

/**
 * Sends a request's headers and the first bytes of its body, and never the rest: an answer that
 * arrives, with the connection closed, did not wait for the body. A server that reads bodies
 * first answers nothing, and after `waitMs` this says so.
 */
function sendWithoutBody(
  url: string,
  request: { method: string; path: string; headers: Record<string, string>; first: string },
  waitMs = 5_000,
): Promise<EarlyAnswer> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), "127.0.0.1");
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${waitMs} ms while the body was still pending`));
    }, waitMs);
    const finish = () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString("latin1");
      const [head = "", body = ""] = text.split("\r\n\r\n");
      const [statusLine = "", ...lines] = head.split("\r\n");
      const headers = Object.fromEntries(
        lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]),
      );
      resolve({ status: Number(statusLine.split(" ")[1]), headers, body, closed: true });
    };
    socket.on("data", (d) => chunks.push(d));
    socket.on("end", finish);
    // A reset after the answer arrived still ends the exchange; before it, the test fails.
    socket.on("error", (err) => (chunks.length ? finish() : reject(err)));
    const head = Object.entries({ host: "127.0.0.1", ...request.headers })
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join("");
    socket.write(`${request.method} ${request.path} HTTP/1.1\r\n${head}\r\n${request.first}`);
  });
}

/** A JSON object of exactly `bytes` bytes. */
function jsonOfSize(bytes: number): string {
  const shell = '{"a":""}';
  return `{"a":"${"x".repeat(bytes - shell.length)}"}`;
}

/** A body streamed in chunks with no Content-Length: only reading it shows its size. */
function streamed(text: string): { body: ReadableStream<Uint8Array>; duplex: "half" } {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return {
    body: new ReadableStream({
      pull(controller) {
        if (at >= bytes.length) return controller.close();
        controller.enqueue(bytes.subarray(at, at + 64 * KIB));
        at += 64 * KIB;
      },
    }),
    duplex: "half",
  };
}

/** Stand-ins for the routes with bodies: each answers with the size of the body it was given. */
function echoRouter(paths: string[]): Router {
  const echo = (req: Request, res: Response) => res.json({ bytes: Buffer.byteLength(JSON.stringify(req.body)) });
  const r = Router();
  for (const path of paths) r.post(path, echo);
  return r;
}

const ADMIN = { authorization: `Bearer ${ADMIN_TOKEN}` };
const CLUSTER = { "x-upkeep-secret": SECRET };
const JSON_TYPE = { "content-type": "application/json" };

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer(
    {
      open: [pushRouter({ push: (token) => ({ found: token === PUSH_TOKEN }) })],
      cluster: [echoRouter(["/api/probe/register", "/api/probe/results", "/api/cluster/handback"])],
      admin: [echoRouter(["/api/monitors", "/api/config/apply", "/api/import/kuma"])],
    },
    { UPTOP_CLUSTER_SECRET: SECRET },
  );
});
afterAll(async () => {
  await t?.close();
});

describe("a request without credentials", () => {
  // biome-ignore format: a table reads best one case per line
  it.each([
    ["an admin route, no token", "POST", "/api/monitors", {}, 401, "UNAUTHORIZED"],
    ["an admin route, a wrong token", "PUT", "/api/monitors/1", { authorization: "Bearer wrong-token-0123456789" }, 401, "UNAUTHORIZED"],
    ["config apply, no token", "POST", "/api/config/apply", {}, 401, "UNAUTHORIZED"],
    ["probe results, no secret", "POST", "/api/probe/results", {}, 401, "UNAUTHORIZED"],
    ["probe register, a wrong secret", "POST", "/api/probe/register", { "x-upkeep-secret": "not-the-secret-0123456789" }, 401, "UNAUTHORIZED"],
    ["the handback, no secret", "POST", "/api/cluster/handback", {}, 401, "UNAUTHORIZED"],
    ["a push, a token of the wrong shape", "POST", "/api/push/short", {}, 404, "NOT_FOUND"],
    ["a push, no token at all", "POST", "/api/push", {}, 404, "NOT_FOUND"],
    ["a path no route serves", "POST", "/nowhere", {}, 404, "NOT_FOUND"],
  ])("on %s is answered before its body arrives, and the connection closed", async (...[, method, path, headers, status, code]) => {
    for (const declared of [100 * MIB, 1000]) {
      const answer = await sendWithoutBody(t.url, {
        method,
        path,
        headers: { ...JSON_TYPE, ...headers, "content-length": String(declared) },
        first: '{"name":"',
      });
      expect(answer).toMatchObject({ status, closed: true });
      expect(answer.headers.connection).toBe("close");
      expect(JSON.parse(answer.body).error.code).toBe(code);
    }
  });

  it("is answered before a chunked body arrives", async () => {
    const answer = await sendWithoutBody(t.url, {
      method: "POST",
      path: "/api/monitors",
      headers: { ...JSON_TYPE, "transfer-encoding": "chunked" },
      first: '10\r\n{"name":"aaaaaa',
    });
    expect(answer).toMatchObject({ status: 401, closed: true });
  });

  it("on a cluster route keeps the cluster guard's shape", async () => {
    const res = await fetch(`${t.url}/api/probe/results`, { method: "POST", headers: JSON_TYPE, body: "{}" });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      error: {
        code: "UNAUTHORIZED",
        message: "missing or wrong cluster secret (header X-Upkeep-Secret)",
        details: null,
      },
    });
  });

  it("with a path segment that does not decode is a 400 INVALID_PATH on the push route, as before", async () => {
    const res = await fetch(`${t.url}/api/push/%E0`, { method: "POST" });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe("INVALID_PATH");
  });
});

// The limit of each route: a declared length over it is a 413 at once; a body streamed without a
// length is read up to it and no further; a body of exactly the limit is read.
// biome-ignore format: a table reads best one case per line
const LIMITS: Array<[string, string, Record<string, string>, number, string]> = [
  ["a push", `/api/push/${PUSH_TOKEN}`, {}, BODY_LIMITS.push, "8 KiB"],
  ["probe register", "/api/probe/register", CLUSTER, BODY_LIMITS.probeRegister, "64 KiB"],
  ["probe results", "/api/probe/results", CLUSTER, BODY_LIMITS.probeResults, "1 MiB"],
  ["the handback", "/api/cluster/handback", CLUSTER, BODY_LIMITS.clusterHandback, "16 MiB"],
  ["an admin route", "/api/monitors", ADMIN, BODY_LIMITS.admin, "512 KiB"],
  ["config apply", "/api/config/apply", ADMIN, BODY_LIMITS.configDocument, "16 MiB"],
  ["a Kuma import", "/api/import/kuma", ADMIN, BODY_LIMITS.configDocument, "16 MiB"],
];

describe("body limits per route", () => {
  it.each(LIMITS)("%s: a declared length over the limit is a 413 before the body is sent", async (...row) => {
    const [, path, headers, limit, named] = row;
    const answer = await sendWithoutBody(t.url, {
      method: "POST",
      path,
      headers: { ...JSON_TYPE, ...headers, "content-length": String(limit + 1) },
      first: '{"a":"',
    });
    expect(answer).toMatchObject({ status: 413, closed: true });
    expect(JSON.parse(answer.body).error).toMatchObject({
      code: "PAYLOAD_TOO_LARGE",
      message: expect.stringContaining(`larger than ${named}`),
    });
  });

  it.each(LIMITS)("%s: a body streamed past the limit is a 413 naming it", async (...row) => {
    const [, path, headers, limit, named] = row;
    const res = await fetch(`${t.url}${path}`, {
      method: "POST",
      headers: { ...JSON_TYPE, ...headers },
      ...streamed(jsonOfSize(limit + 1)),
    } as RequestInit);
    expect(res.status).toBe(413);
    expect((await res.json()).error.message).toContain(`larger than ${named}`);
  });

  it.each(LIMITS)("%s: a body of exactly the limit is read", async (...row) => {
    const [, path, headers, limit] = row;
    const res = await fetch(`${t.url}${path}`, {
      method: "POST",
      headers: { ...JSON_TYPE, ...headers },
      body: jsonOfSize(limit),
    });
    expect(res.status).toBe(200);
    // The push route reads no field of its body; the others echo the size they were given.
    expect(await res.json()).toEqual(path.startsWith("/api/push") ? { ok: true } : { bytes: limit });
  });
});

describe("rate limits", () => {
  it("answer 429 with Retry-After before anything else, per client", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 300; i++) statuses.push((await fetch(`${t.url}/status`)).status);
    expect(new Set(statuses)).toEqual(new Set([404]));
    const res = await fetch(`${t.url}/status`);
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("60");
    expect(await res.json()).toEqual({ error: { code: "RATE_LIMITED", message: "too many requests, slow down" } });
  });
});
