import { sendNotification } from "../src/index.js";
import { startFakeApi, type FakeApi } from "./fake-api.js";
import { downMessage, testMessage, upMessage } from "./messages.js";
import { DISCORD_PATH, SLACK_PATH, TELEGRAM_TOKEN, settingsFor } from "./settings-for.js";

const ctx = { timeoutMs: 5000, allowPrivateTargets: true };
let api: FakeApi;

beforeAll(async () => {
  api = await startFakeApi();
});
afterAll(() => api.close());
beforeEach(() => {
  api.requests.length = 0;
  api.answer({ status: 200, body: '{"ok":true}' });
});

const only = () => {
  expect(api.requests).toHaveLength(1);
  return api.requests[0]!;
};

describe("discord", () => {
  it("posts a red embed for DOWN to the webhook path", async () => {
    api.answer({ status: 204 });
    const result = await sendNotification("discord", downMessage, settingsFor("discord", api.url), ctx);
    expect(result.response).toBe("HTTP 204");
    const req = only();
    expect(req.method).toBe("POST");
    expect(req.path).toBe(DISCORD_PATH);
    expect(req.headers["content-type"]).toMatch(/^application\/json/);
    expect(req.json).toEqual({
      username: "uptop",
      allowed_mentions: { parse: [] },
      embeds: [
        {
          title: "🔴 checkout-api is DOWN",
          description: expect.stringContaining("eu-west: TIMEOUT, us-east: HTTP_STATUS 503"),
          color: 0xe74c3c,
          timestamp: downMessage.at,
          url: "https://shop.example.com/health",
          footer: { text: "uptop" },
        },
      ],
    });
  });

  it("posts a green embed with the outage duration for UP", async () => {
    await sendNotification("discord", upMessage, settingsFor("discord", api.url), ctx);
    const embed = (only().json as { embeds: Array<{ title: string; color: number }> }).embeds[0]!;
    expect(embed).toMatchObject({ title: "✅ checkout-api is UP after 5m 3s", color: 0x2ecc71 });
  });

  it("posts a test embed that says it is a test", async () => {
    await sendNotification("discord", testMessage, settingsFor("discord", api.url), ctx);
    const embed = (only().json as { embeds: Array<{ title: string; description: string }> }).embeds[0]!;
    expect(embed.title).toBe("🔔 Test notification from uptop");
    expect(embed.description).toContain("test notification from uptop");
  });
});

describe("slack", () => {
  it("posts a fallback text and a red attachment for DOWN", async () => {
    api.answer({ status: 200, body: "ok", contentType: "text/plain" });
    const result = await sendNotification("slack", downMessage, settingsFor("slack", api.url), ctx);
    expect(result.response).toBe("HTTP 200 ok");
    const req = only();
    expect(req.path).toBe(SLACK_PATH);
    const body = req.json as {
      text: string;
      attachments: Array<{ color: string; blocks: Array<{ text: { type: string; text: string } }> }>;
    };
    expect(body.text).toBe("🔴 checkout-api is DOWN");
    expect(body.attachments[0]!.color).toBe("#e74c3c");
    expect(body.attachments[0]!.blocks[0]!.text.type).toBe("mrkdwn");
    expect(body.attachments[0]!.blocks[0]!.text.text).toContain("*🔴 checkout-api is DOWN*\nDOWN: 2 of 3 probes");
  });

  it("posts green for UP and a plain test message for test", async () => {
    await sendNotification("slack", upMessage, settingsFor("slack", api.url), ctx);
    await sendNotification("slack", testMessage, settingsFor("slack", api.url), ctx);
    const [up, test] = api.requests.map((r) => r.json as { text: string; attachments: Array<{ color: string }> });
    expect(up).toMatchObject({ text: "✅ checkout-api is UP after 5m 3s", attachments: [{ color: "#2ecc71" }] });
    expect(test).toMatchObject({ text: "🔔 Test notification from uptop" });
  });

  it("escapes Slack control characters in monitor names", async () => {
    const message = { ...downMessage, monitor: { ...downMessage.monitor!, name: "a<b>&c" } };
    await sendNotification("slack", message, settingsFor("slack", api.url), ctx);
    const body = only().json as { attachments: Array<{ blocks: Array<{ text: { text: string } }> }> };
    expect(body.attachments[0]!.blocks[0]!.text.text).toContain("a&lt;b&gt;&amp;c is DOWN");
  });
});

describe("telegram", () => {
  it("calls sendMessage with the bot token in the path and HTML parse mode", async () => {
    const result = await sendNotification("telegram", downMessage, settingsFor("telegram", api.url), ctx);
    expect(result.response).toBe('HTTP 200 {"ok":true}');
    const req = only();
    expect(req.path).toBe(`/bot${TELEGRAM_TOKEN}/sendMessage`);
    expect(req.json).toEqual({
      chat_id: "-100200300",
      text: expect.stringMatching(/^<b>🔴 checkout-api is DOWN<\/b>\nDOWN: 2 of 3 probes/),
      parse_mode: "HTML",
      disable_web_page_preview: true,
      disable_notification: false,
    });
  });

  it("sends UP and test messages as text Telegram can render", async () => {
    await sendNotification("telegram", upMessage, settingsFor("telegram", api.url), ctx);
    await sendNotification("telegram", testMessage, settingsFor("telegram", api.url), ctx);
    const [up, test] = api.requests.map((r) => r.json as { text: string });
    expect(up!.text).toMatch(/^<b>✅ checkout-api is UP after 5m 3s<\/b>/);
    expect(test!.text).toMatch(/^<b>🔔 Test notification from uptop<\/b>/);
  });

  it("escapes HTML in the reason so Telegram does not reject the message", async () => {
    await sendNotification(
      "telegram",
      { ...downMessage, reason: "body lacked <ok> & more" },
      settingsFor("telegram", api.url),
      ctx,
    );
    expect((only().json as { text: string }).text).toContain("body lacked &lt;ok&gt; &amp; more");
  });
});
