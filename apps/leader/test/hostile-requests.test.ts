import { mkdtempSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ADMIN_TOKEN,
  createTempDatabase,
  freePort,
  HttpTarget,
  TcpProxy,
  until,
  WebhookReceiver,
  type Proc,
  type TempDatabase,
} from "@uptop/test-kit";
import { createMonitor, SECRET, startLeaderProcess } from "./cluster-harness.js";
import { engineStatus, post } from "./process-helpers.js";

(import.meta as unknown as { jest: { setTimeout(ms: number): void } }).jest.setTimeout(300_000);

/**
 * Thousands of generated hostile requests against every write route of a real leader on
 * Postgres (reached through a proxy, so the database can be taken away without touching the
 * server other files share): lone surrogates, NUL, huge and negative numbers, wrong types, deep
 * nesting, prototype keys, long strings, YAML bombs, bad JSON, wrong or missing credentials. Not
 * one may answer 5xx, except 503 while the database is away; and after it all, a monitor still
 * goes DOWN and UP with exactly one alert each.
 */

/** Deterministic, so a failure can be replayed: mulberry32. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTILE_STRINGS = [
  "\uD83D", // half an emoji
  "ok \uDE00 then",
  "a\u0000b",
  "\u0000",
  "x".repeat(100_000),
  "\u202Eevil",
  "${UPTOP_API_TOKEN}",
  "__proto__",
  "' or 1=1 --",
  "<script>alert(1)</script>",
  `${"🙂".repeat(300)}\uD83D`,
  "",
];
const HOSTILE_NUMBERS = [2147483648, -2147483649, 1e308, -1, 0, 3.5, Number.MAX_SAFE_INTEGER + 2, -0.0001];

function deep(depth: number): unknown {
  let v: unknown = "bottom";
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

function hostileValue(r: () => number): unknown {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  switch (Math.floor(r() * 8)) {
    case 0:
    case 1:
      return pick(HOSTILE_STRINGS);
    case 2:
      return pick(HOSTILE_NUMBERS);
    case 3:
      return deep(1 + Math.floor(r() * 400));
    case 4:
      return { __proto__: { admin: true }, constructor: { prototype: { x: 1 } } };
    case 5:
      return [pick(HOSTILE_STRINGS), pick(HOSTILE_NUMBERS), null];
    case 6:
      return pick([null, true, false, {}, []]);
    default:
      return `${pick(HOSTILE_STRINGS)}${pick(HOSTILE_STRINGS)}`.slice(0, 5000);
  }
}

/** Replaces one to three fields of a valid body (or adds unknown ones) with hostile values. */
function mutate(base: Record<string, unknown>, r: () => number): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  const keys = [...Object.keys(base), "__proto__", "constructor", "extra\u0000key", "\uD800"];
  for (let n = 1 + Math.floor(r() * 3); n > 0; n--) out[keys[Math.floor(r() * keys.length)]!] = hostileValue(r);
  return out;
}

const YAML_BOMB = `a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
monitors: *g
`;

interface Shot {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
}

describe("hostile requests against a leader on Postgres", () => {
  let temp: TempDatabase;
  let dbProxy: TcpProxy;
  let leader: Proc | undefined;
  let port = 0;
  const target = new HttpTarget();
  const hook = new WebhookReceiver();

  beforeAll(async () => {
    temp = await createTempDatabase("uptop_hostile");
    dbProxy = await new TcpProxy("127.0.0.1", Number(new URL(temp.dsn).port || 5432)).open();
    await target.start();
    await hook.start();
    port = await freePort();
    leader = await startLeaderProcess({
      dsn: dbProxy.dsnThrough(temp.dsn),
      port,
      dataDir: mkdtempSync(join(tmpdir(), "uptop-hostile-")),
      // Each request comes from an address of its own (forwarded by a trusted proxy), so the
      // per-client rate limit lets the hostile bodies through to the code that must refuse them.
      extra: { UPTOP_LEADER_CHECKS: "true", UPTOP_TRUSTED_PROXIES: "127.0.0.1" },
    });
  });

  afterAll(async () => {
    await leader?.kill("SIGKILL");
    await dbProxy?.cut();
    await target.stop();
    await hook.stop();
    await temp?.drop();
  });

  /**
   * One request on a connection of its own (a server that refuses a body early may close the
   * connection, which must not fail the requests after it). A connection closed before any answer
   * is 0: allowed only for a body over the limit, which the server may refuse unread.
   */
  let client = 0;
  const send = (s: Shot): Promise<number> =>
    new Promise((resolve) => {
      client++;
      const from = `10.${(client >> 16) & 255}.${(client >> 8) & 255}.${client & 255}`;
      const headers = { ...s.headers, "x-forwarded-for": from };
      const req = http.request(
        { host: "127.0.0.1", port, method: s.method, path: s.path, headers, agent: false },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
          res.on("error", () => resolve(res.statusCode ?? 0));
        },
      );
      req.setTimeout(30_000, () => req.destroy());
      req.on("error", () => resolve(0));
      req.end(s.body);
    });

  it("answers ≥ 2 000 hostile requests without a 5xx; 503 only while the database is away; alerts still once", async () => {
    // What the requests aim at; a config apply among them may replace everything, so the monitor
    // that proves alerting still works is created after them.
    const victim = await createMonitor(port, { name: "victim", url: target.urlOf("/victim"), interval: 60 });
    await createMonitor(port, { name: "job", type: "push", token: "hostile-push-token-0001", interval: 60 });

    const r = rng(20261203);
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" };
    const credentials: Array<Record<string, string>> = [
      admin,
      admin,
      admin,
      { "content-type": "application/json" },
      { authorization: "Bearer wrong-token", "content-type": "application/json" },
      { authorization: `Bearer ${ADMIN_TOKEN}x`, "content-type": "application/json" },
      {
        authorization: `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString("base64")}`,
        "content-type": "application/json",
      },
    ];
    const cluster = { "x-uptop-secret": SECRET, "x-uptop-node": "fuzz-probe", "content-type": "application/json" };
    const monitorBase = { name: "m", type: "http", url: target.urlOf("/x"), interval: 60, timeout: 5 };
    const routes: Array<{
      method: string;
      path: string;
      base: Record<string, unknown>;
      headers?: Record<string, string>;
    }> = [
      { method: "POST", path: "/api/monitors", base: monitorBase },
      { method: "PUT", path: `/api/monitors/${victim.id}`, base: { ...monitorBase, name: "victim" } },
      { method: "PATCH", path: `/api/monitors/${victim.id}`, base: { description: "d" } },
      { method: "POST", path: "/api/channels", base: { name: "c", type: "webhook", settings: { url: hook.url } } },
      { method: "PATCH", path: "/api/channels/1", base: { enabled: true } },
      {
        method: "POST",
        path: "/api/maintenance",
        base: { title: "t", type: "maintenance", monitorIds: [victim.id], startAt: "2030-01-01T00:00:00Z" },
      },
      { method: "POST", path: "/api/config/apply", base: { monitors: [monitorBase], channels: [] } },
      { method: "POST", path: "/api/import/kuma", base: { version: "1.23", monitorList: [], notificationList: [] } },
      { method: "POST", path: "/api/push/hostile-push-token-0001", base: { status: "up", msg: "ok", ping: 12 } },
      {
        method: "POST",
        path: "/api/probe/register",
        base: { nodeId: "fuzz-probe", name: "fuzz", region: "eu", role: "probe", version: "1" },
        headers: cluster,
      },
      {
        method: "POST",
        path: "/api/probe/results",
        base: {
          results: [
            {
              monitorId: victim.id,
              slot: new Date().toISOString(),
              checkedAt: new Date().toISOString(),
              ok: true,
              latencyMs: 5,
              statusCode: 200,
              error: null,
            },
          ],
        },
        headers: cluster,
      },
    ];

    const shots: Shot[] = [];
    for (let i = 0; shots.length < 2200; i++) {
      const route = routes[i % routes.length]!;
      const headers = route.headers ?? credentials[Math.floor(r() * credentials.length)]!;
      const kind = r();
      let body: string;
      let h = headers;
      if (kind < 0.7) body = JSON.stringify(mutate(route.base, r));
      else if (kind < 0.8) body = JSON.stringify(hostileValue(r));
      else if (kind < 0.85) body = '{"name": "broken' + "\\ud800";
      else if (kind < 0.9) {
        body = YAML_BOMB;
        h = { ...headers, "content-type": "application/yaml" };
      } else if (kind < 0.95) body = `${'{"a":'.repeat(5000)}1${"}".repeat(5000)}`;
      else body = JSON.stringify({ ...route.base, name: "y".repeat(2_000_000) });
      shots.push({ method: route.method, path: route.path, headers: h, body });
    }
    // Query strings and path parameters take hostile text too.
    for (const q of ["__proto__", "constructor", "%00", "%ED%A0%80", "9".repeat(40), "-1", "NaN"]) {
      shots.push({
        method: "GET",
        path: `/api/monitors/${victim.id}/sla?period=${q}`,
        headers: admin,
        body: undefined,
      });
      shots.push({ method: "GET", path: `/api/monitors/${q}`, headers: admin, body: undefined });
      shots.push({ method: "DELETE", path: `/api/maintenance/${q}`, headers: admin, body: undefined });
      shots.push({ method: "GET", path: `/api/push/${q}?status=down&msg=%ED%A0%80`, headers: {}, body: undefined });
    }

    const fiveHundreds: string[] = [];
    const statuses = new Map<number, number>();
    const record = (s: Shot, status: number) => {
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      const unanswered = status === 0 && Buffer.byteLength(s.body ?? "") <= 1024 * 1024;
      if (status >= 500 || unanswered)
        fiveHundreds.push(`${status} ${s.method} ${s.path} ${String(s.body).slice(0, 120)}`);
    };
    for (let i = 0; i < shots.length; i += 8) {
      const batch = shots.slice(i, i + 8);
      const answers = await Promise.all(batch.map(send));
      for (const [k, s] of batch.entries()) record(s, answers[k]!);
    }
    console.log(`hostile requests: ${shots.length}; answers ${JSON.stringify(Object.fromEntries(statuses))}`);
    if (!leader!.running) console.log(`the leader stopped:\n${leader!.out.slice(-4000)}`);
    expect(leader!.running).toBe(true);
    expect(fiveHundreds.slice(0, 20)).toEqual([]);

    // The database goes away: admin writes and reads answer 503, never 500.
    await dbProxy.cut();
    const duringOutage: number[] = [];
    for (let i = 0; i < 40; i++) {
      const route = routes[i % 8]!;
      duringOutage.push(
        await send({ method: route.method, path: route.path, headers: admin, body: JSON.stringify(route.base) }),
        await send({ method: "GET", path: "/api/monitors", headers: admin, body: undefined }),
      );
    }
    expect(duringOutage.filter((s) => s >= 500 && s !== 503)).toEqual([]);
    await dbProxy.restore();

    // After it all a monitor still alerts, once each way.
    await post(port, "/api/channels", { name: "after", type: "webhook", settings: { url: hook.url }, default: true });
    const canary = await createMonitor(port, { name: "canary", url: target.urlOf("/canary"), interval: 5, timeout: 2 });
    await until("the canary UP", async () => (await engineStatus(port, canary.name)) === "UP", 60_000, 250);
    const downsBefore = hook.events("canary", "down").length;
    const upsBefore = hook.events("canary", "up").length;
    target.set("/canary", "down");
    await until("one DOWN", async () => hook.events("canary", "down").length > downsBefore, 60_000, 250);
    target.set("/canary", "up");
    await until("one UP", async () => hook.events("canary", "up").length > upsBefore, 60_000, 250);
    await new Promise((res) => setTimeout(res, 6000));
    expect(hook.events("canary", "down").length - downsBefore).toBe(1);
    expect(hook.events("canary", "up").length - upsBefore).toBe(1);
  });
});
