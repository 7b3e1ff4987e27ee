import { WebhookReceiver } from "@uptop/test-kit";
import { runCli, serverArgs, startTestServer, type TestServer } from "./harness.js";

let server: TestServer;
let receiver: WebhookReceiver;
const cli = (...args: string[]) => runCli([...args, ...serverArgs(server)]);

beforeAll(async () => {
  server = await startTestServer({ allowPrivateTargets: true });
  receiver = await new WebhookReceiver().start();
  for (const [name, isDefault] of [
    ["ops-hook", true],
    ["quiet-hook", false],
  ] as const) {
    const res = await server.api("/api/channels", {
      method: "POST",
      body: JSON.stringify({ name, type: "webhook", settings: { url: receiver.url }, default: isDefault }),
    });
    expect(res.status).toBe(201);
  }
});
afterAll(async () => {
  await server.stop();
  await receiver.stop();
});

describe("uptop channels", () => {
  it("lists channels as a table and as JSON", async () => {
    const r = await cli("channels", "list");
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split("\n")).toEqual([
      "ID  NAME        TYPE     DEFAULT  ENABLED",
      " 1  ops-hook    webhook  yes      yes",
      " 2  quiet-hook  webhook  no       yes",
    ]);
    const json = JSON.parse((await cli("channels", "list", "--json")).stdout) as Array<Record<string, unknown>>;
    expect(json.map((c) => [c.id, c.name, c.type, c.default, c.enabled])).toEqual([
      [1, "ops-hook", "webhook", true, true],
      [2, "quiet-hook", "webhook", false, true],
    ]);
  });

  it("sends a test through a channel named or numbered, and prints the receiver's answer", async () => {
    receiver.status = 200;
    receiver.body = '{"accepted":"yes"}';
    const r = await cli("channels", "test", "ops-hook");
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe('sent through ops-hook (#1, webhook): HTTP 200 {"accepted":"yes"}');
    expect(receiver.bodies().at(-1)).toMatchObject({ event: "test" });

    const json = await cli("channels", "test", "2", "--json");
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, response: 'HTTP 200 {"accepted":"yes"}' });
  });

  it("exits 1 when the receiver refuses, with its status and answer", async () => {
    receiver.status = 500;
    receiver.body = '{"error":"disk full"}';
    const r = await cli("channels", "test", "quiet-hook");
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("failed through quiet-hook (#2, webhook) (HTTP 500)");
    expect(r.stderr).toContain("disk full");
    const json = await cli("channels", "test", "quiet-hook", "--json");
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, status: 500 });
  });

  it("refuses an unknown channel with exit 2 before sending anything", async () => {
    const sent = receiver.received.length;
    const r = await cli("channels", "test", "loud-hook");
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('error: no channel "loud-hook"');
    expect(receiver.received.length).toBe(sent);
  });
});
