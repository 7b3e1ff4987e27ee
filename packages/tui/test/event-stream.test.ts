import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "@jest/globals";
import type { LiveEvent } from "@uptop/core";
import { until } from "@uptop/test-kit";
import { followEvents, SseParser } from "../src/data/event-stream.js";

// A loopback server speaking the stream's wire format: the first connection sends two events
// and is cut; the reconnect must carry Last-Event-ID 2 and gets the third.
const seen: Array<string | undefined> = [];
const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  seen.push(req.headers["last-event-id"] as string | undefined);
  res.writeHead(200, { "content-type": "text/event-stream" });
  const ev = (id: number, e: LiveEvent) => `id: ${id}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`;
  const at = new Date().toISOString();
  if (seen.length === 1) {
    res.write(": ping\n\n");
    res.write(ev(1, { type: "monitor", at, monitorId: 1, action: "created" }));
    res.end(ev(2, { type: "maintenance", at, windowId: 3, title: "db", action: "ended" }).replace("\n\n", "\r\n\r\n"));
  } else {
    res.write(ev(3, { type: "reset", at, stream: "s2" }));
  }
});
let url: string;
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

it("parses events split anywhere, and resumes with Last-Event-ID after the stream is cut", async () => {
  const events: LiveEvent[] = [];
  const stream = followEvents({
    baseUrl: url,
    token: "t",
    onEvent: (e) => events.push(e),
    onState: () => {},
    backoffMs: [50],
  });
  try {
    await until("three events", () => events.length >= 3, 10_000, 20);
    expect(events.map((e) => e.type)).toEqual(["monitor", "maintenance", "reset"]);
    expect(seen).toEqual([undefined, "2"]);
  } finally {
    stream.stop();
  }
});

it("joins multi-line data and ignores comments, whatever the chunking", () => {
  const text = ': hi\nid: 7\nevent: x\ndata: {"a":\ndata: 1}\n\n';
  for (let cut = 0; cut <= text.length; cut++) {
    const p = new SseParser();
    const got: string[] = [];
    p.push(text.slice(0, cut), (m) => got.push(`${m.id}|${m.event}|${m.data}`));
    p.push(text.slice(cut), (m) => got.push(`${m.id}|${m.event}|${m.data}`));
    expect(got).toEqual(['7|x|{"a":\n1}']);
  }
});
