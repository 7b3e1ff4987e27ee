import { randomBytes } from "node:crypto";
import { SecretBox } from "@uptop/core";
import type { Db } from "@uptop/store";
import { BACKENDS, WebhookReceiver } from "@uptop/test-kit";
import { channelsRouter, monitorsRouter, notificationsRouter } from "../src/index.js";
import { openTestDb, post, startTestServer, type TestDb, type TestServer } from "./helpers.js";

const ROUTING_KEY = "R0UTINGKEY-planted-6f1d2c";
const HOOK_SECRET = "hmac-secret-planted-9a8b7c";
const HEADER_TOKEN = "Bearer header-token-planted-5e4d";
const MASK = "********";

/** Every row of every table as text: what a database dump would show. */
async function dumpAll(db: Db): Promise<string> {
  let out = "";
  for (const t of await db.introspection.getTables())
    out += JSON.stringify(
      await db
        .selectFrom(t.name as never)
        .selectAll()
        .execute(),
    );
  return out;
}

describe.each(BACKENDS)("channels API on %s", (backend) => {
  let tdb: TestDb;
  let server: TestServer;
  /** The same routes without UPTOP_ALLOW_PRIVATE_TARGETS: every receiver here is on loopback. */
  let guarded: TestServer;
  let receiver: WebhookReceiver;
  const box = new SecretBox(randomBytes(32));

  beforeAll(async () => {
    tdb = await openTestDb(backend, "uptop_channels");
    const db = tdb.store.db;
    receiver = await new WebhookReceiver().start();
    server = await startTestServer({
      admin: [
        channelsRouter({ db, box, epoch: () => 4, nodeId: "leader", allowPrivateTargets: true }),
        notificationsRouter({ db, box }),
        monitorsRouter({ db, box }),
      ],
    });
    guarded = await startTestServer({ admin: [channelsRouter({ db, box, epoch: () => 4, nodeId: "leader" })] });
  }, 60_000);

  afterAll(async () => {
    await server.close();
    await guarded.close();
    await receiver.stop();
    await tdb.close();
  });

  const json = async (res: Response) => ({ status: res.status, body: (await res.json()) as Record<string, any> });

  it.each([
    [{ type: "webhook", settings: { url: "http://x.test/" } }, "name"],
    [{ name: "a", type: "carrier-pigeon", settings: {} }, "type"],
    [{ name: "a", type: "webhook", settings: {} }, "settings.url"],
    [{ name: "a", type: "pagerduty", settings: {} }, "settings.routingKey"],
    [{ name: "a", type: "telegram", settings: { botToken: "123:abc" } }, "settings.chatId"],
    [{ name: "a", type: "webhook", settings: { url: "http://x.test/", colour: "red" } }, "settings.colour"],
    [{ name: "a", type: "webhook", settings: { url: "http://x.test/" }, owner: "me" }, "owner"],
    [{ name: "a", type: "webhook", settings: { url: "http://x.test/" }, default: "yes" }, "default"],
    [
      { name: "a", type: "webhook", settings: { url: "http://x.test/" }, reminderInterval: "often" },
      "reminderInterval",
    ],
    [{ name: "a", type: "webhook", settings: { url: "http://x.test/" }, reminderInterval: 10 }, "reminderInterval"],
    [{ name: "a", type: "webhook", settings: { url: "ftp://x.test/" } }, "settings.url"],
  ])("rejects %j with 400 naming %s", async (body, field) => {
    const { status, body: b } = await json(await server.api("/api/channels", post(body)));
    expect(status).toBe(400);
    expect(b.error.code).toBe("VALIDATION");
    const fields = (b.error.details.issues as Array<{ field: string }>).map((i) => i.field);
    expect(fields.some((f) => f === field || f.startsWith(field))).toBe(true);
  });

  it("rejects a body that is not an object", async () => {
    const res = await server.api("/api/channels", { method: "POST", body: "[1]" });
    expect(res.status).toBe(400);
  });

  let hookId = 0;
  let pdId = 0;

  it("creates channels, redacts their secrets in every answer, and stores them encrypted", async () => {
    const hook = await json(
      await server.api(
        "/api/channels",
        post({
          name: "ops-hook",
          type: "webhook",
          settings: { url: `${receiver.origin}/hook`, secret: HOOK_SECRET, headers: { Authorization: HEADER_TOKEN } },
          default: true,
          reminderInterval: "60m",
        }),
      ),
    );
    expect(hook.status).toBe(201);
    expect(hook.body).toMatchObject({
      name: "ops-hook",
      type: "webhook",
      default: true,
      enabled: true,
      reminderInterval: 3600,
    });
    expect(hook.body.settings).toMatchObject({ url: `${receiver.origin}/hook`, secret: MASK, headers: MASK });
    hookId = hook.body.id;
    const pd = await json(
      await server.api(
        "/api/channels",
        post({
          name: "pager",
          type: "pagerduty",
          settings: { routingKey: ROUTING_KEY, eventsUrl: `${receiver.origin}/pd` },
        }),
      ),
    );
    expect(pd.status).toBe(201);
    expect(pd.body.settings.routingKey).toBe(MASK);
    expect(pd.body.reminderInterval).toBeNull();
    pdId = pd.body.id;

    for (const path of ["/api/channels", `/api/channels/${hookId}`, `/api/channels/${pdId}`]) {
      const text = await (await server.api(path)).text();
      for (const secret of [ROUTING_KEY, HOOK_SECRET, HEADER_TOKEN, "header-token-planted"])
        expect(text).not.toContain(secret);
    }
    const dump = await dumpAll(tdb.store.db);
    expect(dump).toContain("ops-hook");
    for (const secret of [ROUTING_KEY, HOOK_SECRET, "header-token-planted"]) expect(dump).not.toContain(secret);
    expect(dump).toContain("enc:");
  });

  it("answers 409 for a duplicate name on create and on rename", async () => {
    const dup = await json(
      await server.api("/api/channels", post({ name: "ops-hook", type: "ntfy", settings: { topic: "x" } })),
    );
    expect(dup.status).toBe(409);
    const rename = await json(
      await server.api(`/api/channels/${pdId}`, { method: "PATCH", body: JSON.stringify({ name: "ops-hook" }) }),
    );
    expect(rename.status).toBe(409);
  });

  it("keeps the stored secret when the mask is written back, and replaces it when a new value is sent", async () => {
    const current = await json(await server.api(`/api/channels/${hookId}`));
    const put = await json(
      await server.api(`/api/channels/${hookId}`, {
        method: "PUT",
        body: JSON.stringify({
          ...current.body,
          id: undefined,
          createdAt: undefined,
          updatedAt: undefined,
          name: "ops-hook",
          enabled: true,
        }),
      }),
    );
    expect(put.status).toBe(200);
    // The test send proves the secret is intact: the receiver sees the real header and signature.
    const test = await json(await server.api(`/api/channels/${hookId}/test`, post({})));
    expect(test.body.ok).toBe(true);
    const got = receiver.received.at(-1)!;
    expect(got.path).toBe("/hook");
    expect(got.headers.authorization).toBe(HEADER_TOKEN);
    expect(got.headers["x-uptop-signature"]).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(JSON.parse(got.body)).toMatchObject({ event: "test", epoch: 4 });

    const patched = await json(
      await server.api(`/api/channels/${pdId}`, {
        method: "PATCH",
        body: JSON.stringify({ settings: { routingKey: MASK, eventsUrl: `${receiver.origin}/pd2` }, enabled: false }),
      }),
    );
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      enabled: false,
      settings: { routingKey: MASK, eventsUrl: `${receiver.origin}/pd2` },
    });
    await server.api(`/api/channels/${pdId}/test`, post({}));
    expect(JSON.parse(receiver.received.at(-1)!.body)).toMatchObject({ routing_key: ROUTING_KEY });

    const replaced = await json(
      await server.api(`/api/channels/${pdId}`, {
        method: "PATCH",
        body: JSON.stringify({
          settings: { routingKey: "a-new-routing-key-1234", eventsUrl: `${receiver.origin}/pd3` },
        }),
      }),
    );
    expect(replaced.status).toBe(200);
    await server.api(`/api/channels/${pdId}/test`, post({}));
    expect(JSON.parse(receiver.received.at(-1)!.body)).toMatchObject({ routing_key: "a-new-routing-key-1234" });
  });

  it("refuses the mask when the type changes: a masked secret cannot move to another provider", async () => {
    const res = await json(
      await server.api(`/api/channels/${pdId}`, {
        method: "PUT",
        body: JSON.stringify({ name: "pager", type: "opsgenie", settings: { apiKey: MASK } }),
      }),
    );
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues[0].field).toBe("settings.apiKey");
  });

  it("reports a refused test as ok: false with the provider's answer, records tests in the outbox", async () => {
    receiver.status = 400;
    const res = await json(await server.api(`/api/channels/${hookId}/test`, post({})));
    receiver.status = 200;
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: false, retryable: false, status: 400 });
    expect(res.body.error).toMatch(/400/);

    const list = await json(await server.api(`/api/notifications?channel=ops-hook&limit=10`));
    expect(list.status).toBe(200);
    expect(list.body.map((n: { state: string }) => n.state)).toEqual(["failed", "sent"]);
    expect(list.body[0]).toMatchObject({
      event: "test",
      channel: "ops-hook",
      channelType: "webhook",
      attempts: 1,
      epoch: 4,
      monitorId: null,
    });
    const byId = await json(await server.api(`/api/notifications?channel=${hookId}&state=sent`));
    expect(byId.body).toHaveLength(1);
    expect(byId.body[0].sentAt).not.toBeNull();
    const attempts = await json(await server.api(`/api/notifications/${list.body[0].id}/attempts`));
    expect(attempts.body).toEqual([expect.objectContaining({ attempt: 1, ok: false, retryable: false, status: 400 })]);
    const all = await server.api("/api/notifications");
    const text = await all.text();
    for (const secret of [ROUTING_KEY, HOOK_SECRET, "header-token-planted", "a-new-routing-key"])
      expect(text).not.toContain(secret);
  });

  it("refuses a test send to a private receiver without the opt-in; the receiver hears nothing", async () => {
    const before = receiver.received.length;
    const res = await json(await guarded.api(`/api/channels/${hookId}/test`, post({})));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: false, retryable: false, status: null, response: null });
    expect(res.body.error).toBe(
      `webhook (${receiver.origin}) refused: 127.0.0.1 is a private or reserved address; ` +
        "set UPTOP_ALLOW_PRIVATE_TARGETS=true to allow private receivers",
    );
    expect(receiver.received).toHaveLength(before);
    const attempts = await json(await server.api(`/api/notifications/${res.body.notificationId}/attempts`));
    expect(attempts.body).toEqual([expect.objectContaining({ ok: false, retryable: false, error: res.body.error })]);
  });

  it("shows a short, scrubbed excerpt of the receiver's answer, never the raw body, and keeps only that", async () => {
    // Raw bytes as an internal service might answer: not JSON, so nothing escapes them.
    const raw = [
      "internal\u0000 failure\r\nX-Injected: 1\u202e",
      "session=sess-0123456789abcdef0123456789",
      '"password": "pw-planted-77"',
      "see http://10.1.2.3:8500/v1/kv/secret?token=consul-planted",
      "lorem ipsum ".repeat(40),
    ].join(" ");
    receiver.body = raw;
    receiver.status = 500;
    try {
      const failed = await json(await server.api(`/api/channels/${hookId}/test`, post({})));
      receiver.status = 200;
      const sent = await json(await server.api(`/api/channels/${hookId}/test`, post({})));
      expect(failed.body).toMatchObject({ ok: false, retryable: true, status: 500 });
      expect(sent.body.ok).toBe(true);
      const attempts = await json(await server.api(`/api/notifications/${failed.body.notificationId}/attempts`));
      const shown = [failed.body.error, failed.body.response, sent.body.response, attempts.body[0].response];
      for (const text of shown as string[]) {
        expect(Array.from(text).length).toBeLessThanOrEqual(201);
        expect(text).not.toMatch(/[\p{Cc}\p{Cf}]/u);
        for (const leak of ["sess-0123", "pw-planted", "consul-planted", "/v1/kv", "X-Injected: 1\r"])
          expect(text).not.toContain(leak);
      }
      expect(failed.body.response).toMatch(
        /^HTTP 500 internal failure X-Injected: 1 session=\[redacted\] "password": "\[redacted\]" see http:\/\/10\.1\.2\.3:8500\/… lorem/,
      );
      expect(failed.body.response.endsWith("…")).toBe(true);
      expect(failed.body.error).toMatch(
        new RegExp(`^webhook \\(${receiver.origin.replace(/\./g, "\\.")}\\) answered HTTP 500 `),
      );
    } finally {
      receiver.body = null;
      receiver.status = 200;
    }
  });

  it.each([
    ["state=lost", "state"],
    ["limit=0", "limit"],
    ["limit=abc", "limit"],
    ["colour=red", "colour"],
  ])("rejects notifications query %s", async (query, field) => {
    const res = await json(await server.api(`/api/notifications?${query}`));
    expect(res.status).toBe(400);
    expect((res.body.error.details.issues as Array<{ field: string }>).some((i) => i.field === field)).toBe(true);
  });

  it("answers 404 for unknown channels and notifications, 400 for a bad id", async () => {
    expect((await server.api("/api/channels/99999")).status).toBe(404);
    expect((await server.api("/api/channels/99999/test", post({}))).status).toBe(404);
    expect((await server.api("/api/channels/x")).status).toBe(400);
    expect((await server.api("/api/notifications/99999/attempts")).status).toBe(404);
    expect((await server.api("/api/channels", { token: null })).status).toBe(401);
  });

  it("detaches a deleted channel from its monitors", async () => {
    const m = await json(
      await server.api(
        "/api/monitors",
        post({ name: "web", type: "http", url: "https://example.com/", channels: ["ops-hook", "pager"] }),
      ),
    );
    expect(m.status).toBe(201);
    expect(m.body.channels).toEqual(["ops-hook", "pager"]);
    expect((await server.api(`/api/channels/${pdId}`, { method: "DELETE" })).status).toBe(204);
    expect((await server.api(`/api/channels/${pdId}`)).status).toBe(404);
    const after = await json(await server.api(`/api/monitors/${m.body.id}`));
    expect(after.body.channels).toEqual(["ops-hook"]);
    expect((await server.api(`/api/channels/${pdId}`, { method: "DELETE" })).status).toBe(404);
  });
});
