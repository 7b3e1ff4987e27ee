import net from "node:net";
import { LiveEventHub } from "@uptop/core";
import { ADMIN_TOKEN, sleep, until } from "@uptop/test-kit";
import { eventsRouter } from "../src/index.js";
import { startTestServer, type TestServer } from "./helpers.js";

const hub = new LiveEventHub();
let srv: TestServer;

beforeAll(async () => {
  // No byte bound worth the name: a client that stops reading is dropped by the drain timeout.
  srv = await startTestServer({
    admin: [eventsRouter({ hub, drainTimeoutMs: 500, maxBacklogBytes: 1024 * 1024 * 1024 })],
  });
});

afterAll(() => srv?.close());

/** A raw connection asking for the stream; it reads nothing until told to. */
async function stalledClient(): Promise<{ socket: net.Socket; closed: () => boolean }> {
  const before = hub.subscriberCount;
  const socket = net.connect({ host: "127.0.0.1", port: Number(new URL(srv.url).port) });
  let closed = false;
  socket.on("close", () => {
    closed = true;
  });
  socket.on("error", () => {});
  socket.write(`GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${ADMIN_TOKEN}\r\n\r\n`);
  await until("subscribed", () => hub.subscriberCount === before + 1, 5000, 10);
  socket.pause();
  return { socket, closed: () => closed };
}

describe("the event stream route", () => {
  it("drops a client whose connection stays congested past the drain timeout", async () => {
    const stalled = await stalledClient();
    const error = "z".repeat(4096);
    // Until the kernel's buffers are full and the route waits for a drain that never comes.
    for (let i = 0; i < 20_000 && hub.subscriberCount > 0; i++) {
      hub.publish({
        type: "check",
        at: new Date().toISOString(),
        monitorId: 1,
        nodeId: "n",
        region: "eu",
        ok: false,
        latencyMs: null,
        error,
      });
      if (i % 100 === 99) await sleep(1);
    }
    await until("dropped", () => hub.subscriberCount === 0, 10_000, 10);
    stalled.socket.resume();
    await until("its connection closed", stalled.closed, 10_000, 10);
  }, 30_000);

  it("answers HEAD with the stream's headers and no subscription", async () => {
    const res = await srv.api("/api/events", { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(hub.subscriberCount).toBe(0);
  });

  it("refuses a repeated types or lastEventId parameter with 400", async () => {
    for (const q of ["types=status&types=check", "lastEventId=a&lastEventId=b", "types="]) {
      const res = await srv.api(`/api/events?${q}`);
      expect(res.status).toBe(400);
    }
    expect(hub.subscriberCount).toBe(0);
  });
});
