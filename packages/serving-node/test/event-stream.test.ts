import net from "node:net";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROTOCOL_HEADER, PROTOCOL_VERSION, SECRET_HEADER } from "@uptop/cluster-protocol";
import { loadConfig, normalizeMonitor, SecretBox, type LiveEvent } from "@uptop/core";
import { createMonitor, openAndMigrate, type Store } from "@uptop/store";
import { ADMIN_TOKEN, apiClient, HttpTarget, quietLogger, sleep, until, type ApiClient } from "@uptop/test-kit";
import { EpochHolder, ServingNode } from "../src/index.js";
import { SseClient, type SseMessage } from "./sse-client.js";

/** Small enough that a reader who stops reading is over it within a few hundred events. */
const MAX_BACKLOG = 256 * 1024;

const CLUSTER_SECRET = "events-test-cluster-secret-0123";

let store: Store;
let node: ServingNode;
let follower: ServingNode | null = null;
let url: string;
let api: ApiClient;
const target = new HttpTarget();
const clients: SseClient[] = [];

async function open(path = "/api/events", options: { token?: string | null; lastEventId?: string } = {}) {
  const client = await SseClient.open(`${url}${path}`, { token: ADMIN_TOKEN, ...options });
  clients.push(client);
  return client;
}

async function json<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await api(path, init);
  if (!res.ok) throw new Error(`${init.method ?? "GET"} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

function eventOf(m: SseMessage): LiveEvent {
  return m.data as LiveEvent;
}

async function clientsGauge(): Promise<number> {
  const text = await (await api("/metrics")).text();
  return Number(/^uptop_event_stream_clients (\d+)$/m.exec(text)?.[1] ?? Number.NaN);
}

beforeAll(async () => {
  await target.start();
  store = await openAndMigrate({ type: "sqlite", dsn: ":memory:" });
  node = await servingNode("leader");
  const port = await node.listen();
  await node.activate("test");
  url = `http://127.0.0.1:${port}`;
  api = apiClient(url);
}, 60_000);

/** A serving node on the shared in-memory database, on a random loopback port. */
async function servingNode(role: "leader" | "follower"): Promise<ServingNode> {
  const config = loadConfig({
    UPTOP_DB_DSN: ":memory:",
    UPTOP_CLUSTER_SECRET: CLUSTER_SECRET,
    UPTOP_DATA_DIR: mkdtempSync(join(tmpdir(), "uptop-events-")),
    UPTOP_HTTP_HOST: "127.0.0.1",
    UPTOP_HTTP_PORT: "0",
    UPTOP_API_TOKEN: ADMIN_TOKEN,
    UPTOP_LOG_LEVEL: "error",
    // The monitored target listens on loopback.
    UPTOP_ALLOW_PRIVATE_TARGETS: "true",
  });
  const epoch = new EpochHolder(store.db, `${role}-1`);
  await epoch.load();
  return new ServingNode({
    config,
    logger: quietLogger(),
    store,
    box: new SecretBox(null),
    apiToken: ADMIN_TOKEN,
    role,
    epoch,
    eventStream: { pingMs: 200, maxBacklogBytes: MAX_BACKLOG },
  });
}

afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

afterAll(async () => {
  await follower?.stop();
  await node?.stop();
  await store?.close();
  await target.stop();
});

describe("GET /api/events", () => {
  it("streams with the headers a proxy and EventSource need, a retry hint and pings", async () => {
    const s = await open();
    expect(s.status).toBe(200);
    expect(s.headers["content-type"]).toMatch(/^text\/event-stream/);
    expect(s.headers["cache-control"]).toBe("no-cache");
    expect(s.headers["x-accel-buffering"]).toBe("no");
    expect(s.headers["content-encoding"]).toBeUndefined();
    await until("a ping", () => s.comments.includes("ping"), 5000, 20);
    expect(s.retry).toBe(2000);
  });

  it("tells the status changes a real engine reaches against a loopback target, and its checks", async () => {
    target.set("/engine", "up");
    const s = await open();
    const m = await json<{ id: number }>("/api/monitors", {
      method: "POST",
      body: JSON.stringify({
        name: "engine-target",
        type: "http",
        url: target.urlOf("/engine"),
        interval: 5,
        timeout: 1,
      }),
    });
    await s.waitFor("monitor created", (e) => e.event === "monitor" && eventOf(e).type === "monitor");
    const up = await s.waitFor("PENDING -> UP", (e) => {
      const ev = eventOf(e);
      return ev.type === "status" && ev.monitorId === m.id && ev.to === "UP";
    });
    expect(up.data).toMatchObject({ type: "status", name: "engine-target", from: "PENDING", to: "UP" });
    const check = await s.waitFor("a check", (e) => {
      const ev = eventOf(e);
      return ev.type === "check" && ev.monitorId === m.id;
    });
    expect(check.data).toMatchObject({ ok: true, nodeId: expect.any(String), region: expect.any(String) });

    target.set("/engine", "down");
    await api(`/api/monitors/${m.id}/check-now`, { method: "POST" });
    const down = await s.waitFor("UP -> DOWN", (e) => {
      const ev = eventOf(e);
      return ev.type === "status" && ev.monitorId === m.id && ev.to === "DOWN";
    });
    expect(down.data).toMatchObject({ from: "UP", reason: expect.any(String) });
    const failed = s.messages.find((e) => {
      const ev = eventOf(e);
      return ev.type === "check" && ev.monitorId === m.id && !ev.ok;
    });
    expect(failed?.data).toMatchObject({ ok: false, error: expect.any(String) });
    // Ids increase by one per event: this client, with no filter, saw every one since it joined.
    const seqs = s.messages.map((e) => Number(e.id!.split("-")[1]));
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
    await api(`/api/monitors/${m.id}`, { method: "DELETE" });
  }, 60_000);

  it("resumes with Last-Event-ID: exactly the events missed, then live ones", async () => {
    const types = "?types=monitor,maintenance";
    const first = await open(`/api/events${types}`);
    const witness = await open(`/api/events${types}`);
    const m = await json<{ id: number }>("/api/monitors", {
      method: "POST",
      body: JSON.stringify({ name: "resume", type: "http", url: target.urlOf("/resume"), interval: 60, paused: true }),
    });
    const created = await first.waitFor("created", (e) => (eventOf(e) as { monitorId?: number }).monitorId === m.id);
    first.close();

    await json(`/api/monitors/${m.id}/resume`, { method: "POST" });
    await json(`/api/monitors/${m.id}`, { method: "PATCH", body: JSON.stringify({ paused: true }) });
    const w = await json<{ id: number }>("/api/maintenance", {
      method: "POST",
      body: JSON.stringify({ title: "window", start: new Date().toISOString() }),
    });
    await json(`/api/maintenance/${w.id}/end`, { method: "POST" });
    const missed = await until("the witness saw all four", () => {
      const after = witness.messages.slice(witness.messages.findIndex((e) => e.id === created.id) + 1);
      return after.length >= 4 && after;
    });

    const again = await open(`/api/events${types}`, { lastEventId: created.id! });
    await until("the replay", () => again.messages.length >= 4, 5000, 20);
    expect(again.messages).toEqual(missed);
    expect(missed.map((e) => eventOf(e))).toEqual([
      expect.objectContaining({ type: "monitor", monitorId: m.id, action: "resumed" }),
      expect.objectContaining({ type: "monitor", monitorId: m.id, action: "paused" }),
      expect.objectContaining({ type: "maintenance", windowId: w.id, title: "window", action: "created" }),
      expect.objectContaining({ type: "maintenance", windowId: w.id, action: "ended" }),
    ]);

    // The query parameter works as the header does, and the stream goes on live after the replay.
    const byQuery = await open(`/api/events${types}&lastEventId=${encodeURIComponent(created.id!)}`);
    await until("the replay by query", () => byQuery.messages.length >= 4, 5000, 20);
    await api(`/api/monitors/${m.id}`, { method: "DELETE" });
    const deleted = await again.waitFor("deleted", (e) => (eventOf(e) as { action?: string }).action === "deleted");
    expect(byQuery.messages.slice(0, 4)).toEqual(missed);
    await byQuery.waitFor("deleted", (e) => e.id === deleted.id);
  }, 30_000);

  it("answers a reset first for an id older than the ring or of another process, with the position to go on from", async () => {
    const first = await open("/api/events?types=node");
    node.events.publish({
      type: "node",
      at: new Date().toISOString(),
      nodeId: "probe-old",
      name: "old",
      region: "eu",
      role: "probe",
      status: "online",
    });
    const old = await first.waitFor("the old event", () => true);
    // The ring holds 10 000: one more after `old` and the event right after it is gone.
    for (let i = 0; i < 10_001; i++) {
      node.events.publish({
        type: "monitor",
        at: new Date().toISOString(),
        monitorId: 1_000_000 + i,
        action: "updated",
      });
    }
    const late = await open("/api/events?types=node", { lastEventId: old.id! });
    const reset = await late.waitFor("reset", () => true, 5000);
    expect(reset.event).toBe("reset");
    expect(reset.data).toEqual({ type: "reset", at: expect.any(String), stream: node.events.stream });
    expect(reset.id).toBe(node.events.position());

    const stranger = await open("/api/events", { lastEventId: "0123abcd-5" });
    const r2 = await stranger.waitFor("reset", () => true, 5000);
    expect(r2.data).toMatchObject({ type: "reset", stream: node.events.stream });
  });

  it("sends a long backlog at the pace the client reads, however far past the live bound it is", async () => {
    const start = node.events.position();
    const seq0 = Number(start.split("-")[1]);
    // 2 MiB of missed events, eight times what a client may leave waiting live.
    const error = "y".repeat(2048);
    for (let i = 0; i < 1000; i++) {
      node.events.publish({
        type: "check",
        at: new Date().toISOString(),
        monitorId: 888_888,
        nodeId: "backlog",
        region: "eu",
        ok: false,
        latencyMs: null,
        error,
      });
    }
    const resumed = await open("/api/events?types=check", { lastEventId: start });
    await until("the whole backlog", () => resumed.messages.length >= 1000, 10_000, 20);
    expect(resumed.messages.map((m) => m.id)).toEqual(
      Array.from({ length: 1000 }, (_, i) => `${node.events.stream}-${seq0 + 1 + i}`),
    );
    expect(resumed.ended).toBe(false);
  });

  it("filters by type, and refuses an unknown type with 400", async () => {
    const s = await open("/api/events?types=maintenance");
    const all = await open("/api/events");
    const m = await json<{ id: number }>("/api/monitors", {
      method: "POST",
      body: JSON.stringify({ name: "filtered", type: "http", url: target.urlOf("/f"), interval: 60, paused: true }),
    });
    const w = await json<{ id: number }>("/api/maintenance", {
      method: "POST",
      body: JSON.stringify({ title: "only this", start: new Date(Date.now() + 3_600_000).toISOString() }),
    });
    await all.waitFor("maintenance", (e) => e.event === "maintenance");
    await s.waitFor("maintenance", (e) => e.event === "maintenance");
    expect(all.messages.some((e) => (eventOf(e) as { monitorId?: number }).monitorId === m.id)).toBe(true);
    expect(s.messages.map((e) => e.event)).toEqual(["maintenance"]);
    expect(s.messages[0]!.data).toMatchObject({ windowId: w.id, action: "created" });

    const bad = await open("/api/events?types=status,gossip");
    expect(bad.status).toBe(400);
    await until("the error body", () => bad.ended, 5000, 20);
    expect(JSON.parse(bad.raw)).toMatchObject({ error: { code: "VALIDATION" } });
    expect(bad.raw).toContain("gossip");
    await api(`/api/monitors/${m.id}`, { method: "DELETE" });
  });

  it("tells what a config apply committed, with the ids of what it created", async () => {
    const s = await open("/api/events?types=monitor,maintenance");
    const doc = (paused: boolean) => ({
      monitors: [{ name: "from-config", type: "http", url: target.urlOf("/c"), interval: 60, paused }],
      maintenance: [{ title: "config window", start: "2030-01-01T00:00:00Z" }],
    });
    const apply = (body: unknown, query = "") =>
      json(`/api/config/apply${query}`, { method: "POST", body: JSON.stringify(body) });
    await apply(doc(true), "?dryRun=true");
    await apply(doc(true));
    const monitors = await json<Array<{ id: number; name: string }>>("/api/monitors");
    const id = monitors.find((m) => m.name === "from-config")!.id;
    await s.waitFor("window created", (e) => e.event === "maintenance");
    await apply(doc(false));
    await apply({ monitors: [], maintenance: [] }, "?prune=true");
    // Pruning deletes what earlier tests left too: only this document's own items are compared.
    const own = () =>
      s.messages
        .map((e) => eventOf(e) as LiveEvent & { monitorId?: number; title?: string })
        .filter((e) => e.monitorId === id || e.title === "config window");
    await until("five events", () => own().length >= 5, 5000, 20);
    expect(own()).toEqual([
      expect.objectContaining({ type: "monitor", monitorId: id, action: "created" }),
      expect.objectContaining({ type: "maintenance", windowId: expect.any(Number), action: "created" }),
      expect.objectContaining({ type: "monitor", monitorId: id, action: "resumed" }),
      expect.objectContaining({ type: "maintenance", title: "config window", action: "deleted" }),
      expect.objectContaining({ type: "monitor", monitorId: id, action: "deleted" }),
    ]);
  });

  it("tells a probe registering, and a node going offline and coming back", async () => {
    const s = await open("/api/events?types=node");
    const register = () =>
      fetch(`${url}/api/probe/register`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          [SECRET_HEADER]: CLUSTER_SECRET,
          [PROTOCOL_HEADER]: String(PROTOCOL_VERSION),
        },
        body: JSON.stringify({ nodeId: "probe-eu", name: "eu one", region: "eu", version: "1.0.0", role: "probe" }),
      });
    expect((await register()).status).toBe(200);
    const online = await s.waitFor("registered", () => true, 5000);
    expect(online.data).toMatchObject({
      nodeId: "probe-eu",
      name: "eu one",
      region: "eu",
      role: "probe",
      status: "online",
    });

    // The engine sees the node list on each reload; a monitor change asks for one at once.
    const touch = () =>
      json<{ id: number }>("/api/monitors", {
        method: "POST",
        body: JSON.stringify({
          name: `touch-${Date.now()}`,
          type: "http",
          url: target.urlOf("/n"),
          interval: 60,
          paused: true,
        }),
      }).then((m) => api(`/api/monitors/${m.id}`, { method: "DELETE" }));
    await touch();
    await sleep(300);
    await store.db
      .updateTable("nodes")
      .set({ last_seen: new Date(Date.now() - 3_600_000) })
      .where("id", "=", "probe-eu")
      .execute();
    await touch();
    const offline = await s.waitFor("offline", (e) => (eventOf(e) as { status?: string }).status === "offline", 5000);
    expect(offline.data).toMatchObject({ type: "node", nodeId: "probe-eu", region: "eu" });

    // Back: the registration says so at once, the engine's next look at the nodes too.
    expect((await register()).status).toBe(200);
    await touch();
    await until("online twice after offline", () => {
      const after = s.messages.slice(s.messages.indexOf(offline) + 1);
      return after.filter((e) => (eventOf(e) as { status?: string }).status === "online").length >= 2;
    });
  });

  it("counts a stream once against the client's rate limit, however long it stays open", async () => {
    const remaining = async () =>
      Number(/remaining=(\d+)/.exec((await api("/api/monitors")).headers.get("ratelimit") ?? "")?.[1]);
    const before = await remaining();
    const s = await open();
    await until("three pings", () => s.comments.length >= 3, 5000, 20);
    // This request, the stream, and the one before: nothing for the pings and events in between.
    expect(await remaining()).toBe(before - 2);
  });

  it("refuses a client without a valid token", async () => {
    for (const token of [null, "not-the-token"]) {
      const s = await open("/api/events", { token });
      expect(s.status).toBe(401);
      expect(s.headers["content-type"]).toMatch(/json/);
    }
  });

  it("counts its clients in /metrics and forgets one as soon as it disconnects", async () => {
    const base = node.events.subscriberCount;
    const a = await open();
    const b = await open();
    expect(await clientsGauge()).toBe(base + 2);
    a.close();
    b.close();
    await until("both forgotten", async () => (await clientsGauge()) === base, 5000, 20);
    expect(node.events.subscriberCount).toBe(base);
  });

  it("disconnects a reader that stops reading instead of buffering for it, and keeps serving one that reads", async () => {
    const reader = await open("/api/events?types=check");
    const before = node.events.subscriberCount;
    // A raw connection that asks for the stream and then never reads a byte.
    const stalled = net.connect({ host: "127.0.0.1", port: Number(new URL(url).port) });
    let stalledClosed = false;
    stalled.on("close", () => {
      stalledClosed = true;
    });
    stalled.on("error", () => {});
    stalled.write(
      `GET /api/events?types=check HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${ADMIN_TOKEN}\r\n\r\n`,
    );
    await until("the stalled client subscribed", () => node.events.subscriberCount === before + 1, 5000, 10);
    stalled.pause();

    // 4 KiB an event, published in slices so the reader's socket drains between, until the stalled
    // client is dropped: at most 40 MiB, far over what the kernel's socket buffers and the
    // server's bound hold together.
    const error = "x".repeat(4096);
    let published = 0;
    while (published < 10_000 && node.events.subscriberCount > before) {
      for (let i = 0; i < 50; i++, published++) {
        node.events.publish({
          type: "check",
          at: new Date().toISOString(),
          monitorId: 999_999,
          nodeId: "flood",
          region: "eu",
          ok: false,
          latencyMs: null,
          error,
        });
      }
      await sleep(5);
    }
    await until("the stalled client dropped", () => node.events.subscriberCount === before, 10_000, 10);
    // Reading again, it finds what the kernel held, then the end of a connection the server closed.
    stalled.resume();
    await until("its connection closed", () => stalledClosed, 10_000, 10);
    expect(published).toBeLessThan(10_000);
    process.stdout.write(`stalled reader dropped after ${published} events of 4 KiB\n`);
    // Everything published while the stalled one was dropped reached the one that reads.
    const flood = () => reader.messages.filter((e) => (eventOf(e) as { monitorId?: number }).monitorId === 999_999);
    await until("the reader got every event", () => flood().length === published, 10_000, 10);
    expect(reader.ended).toBe(false);
  }, 30_000);

  it("ends open streams when the node stops, rather than holding its shutdown", async () => {
    const s = await open();
    await node.stop();
    await until("the stream ended", () => s.ended, 3000, 10);
  });

  it("is published by a follower that took over: its engine is the same", async () => {
    await createMonitor(
      store.db,
      new SecretBox(null),
      normalizeMonitor({
        name: "follower-target",
        type: "http",
        url: target.urlOf("/follower"),
        interval: 5,
        timeout: 1,
      }),
    );
    follower = await servingNode("follower");
    const port = await follower.listen();
    const s = await SseClient.open(`http://127.0.0.1:${port}/api/events?types=status,check`, { token: ADMIN_TOKEN });
    clients.push(s);
    await follower.activate("test take-over");
    const up = await s.waitFor("the follower's verdict", (e) => e.event === "status");
    expect(up.data).toMatchObject({ name: "follower-target", from: "PENDING", to: "UP" });
    expect(s.messages.some((e) => e.event === "check")).toBe(true);
  }, 30_000);
});
