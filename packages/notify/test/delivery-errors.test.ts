import { DeliveryError, sendNotification } from "../src/index.js";
import { startFakeApi, type FakeApi } from "./fake-api.js";
import { downMessage } from "./messages.js";
import { HTTP_TYPES, settingsFor } from "./settings-for.js";

let api: FakeApi;

beforeAll(async () => {
  api = await startFakeApi();
});
afterAll(() => api.close());
beforeEach(() => {
  api.requests.length = 0;
});

async function failure(promise: Promise<unknown>): Promise<DeliveryError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(DeliveryError);
    return err as DeliveryError;
  }
  throw new Error("expected a DeliveryError");
}

/** Every string a provider's settings hold as a secret, to prove none escapes in an error. */
function secretsOf(settings: Record<string, unknown>): string[] {
  return [
    "DISCORD-SECRET",
    "SLACK-SECRET",
    "NTFY-SECRET",
    "HMAC-SECRET",
    "WEBHOOK-SECRET",
    "TELEGRAM-SECRET",
    "PD-ROUTING-SECRET",
    "PUSHOVER-USER-SECRET",
    "PUSHOVER-APP-SECRET",
    "GOTIFY-SECRET",
    "OPSGENIE-SECRET",
  ].filter((s) => JSON.stringify(settings).includes(s));
}

describe.each(HTTP_TYPES)("%s delivery errors", (type) => {
  it("a 500 is retryable and carries the answer", async () => {
    api.answer({ status: 500, body: '{"error":"upstream down"}' });
    const err = await failure(
      sendNotification(type, downMessage, settingsFor(type, api.url), { timeoutMs: 5000, allowPrivateTargets: true }),
    );
    expect(err).toMatchObject({ retryable: true, status: 500, response: 'HTTP 500 {"error":"upstream down"}' });
  });

  it("a 400 is not retryable", async () => {
    api.answer({ status: 400, body: '{"error":"bad request"}' });
    const err = await failure(
      sendNotification(type, downMessage, settingsFor(type, api.url), { timeoutMs: 5000, allowPrivateTargets: true }),
    );
    expect(err).toMatchObject({ retryable: false, status: 400 });
  });

  it("a 429 is retryable", async () => {
    api.answer({ status: 429, body: "slow down" });
    const err = await failure(
      sendNotification(type, downMessage, settingsFor(type, api.url), { timeoutMs: 5000, allowPrivateTargets: true }),
    );
    expect(err).toMatchObject({ retryable: true, status: 429 });
  });

  it("a hanging server times out as retryable", async () => {
    api.answer("hang");
    const err = await failure(
      sendNotification(type, downMessage, settingsFor(type, api.url), { timeoutMs: 300, allowPrivateTargets: true }),
    );
    expect(err.retryable).toBe(true);
    expect(err.message).toContain("did not answer within 300 ms");
    expect(api.requests).toHaveLength(1);
  });

  it("never puts a secret in the error, even when the provider echoes it", async () => {
    const settings = settingsFor(type, api.url);
    const secrets = secretsOf(settings);
    expect(secrets.length).toBeGreaterThan(0);
    api.answer({ status: 401, body: `invalid credentials: ${JSON.stringify(settings)} at ${api.requests.length}` });
    const err = await failure(
      sendNotification(type, downMessage, settings, { timeoutMs: 5000, allowPrivateTargets: true }),
    );
    for (const secret of secrets) {
      expect(err.message).not.toContain(secret);
      expect(err.response ?? "").not.toContain(secret);
      expect(JSON.stringify(err.details)).not.toContain(secret);
    }
    expect(err.message).toContain("********");
  });
});

describe("HTTP delivery", () => {
  it("reports an unreachable server as retryable without quoting the webhook path", async () => {
    const closed = await startFakeApi();
    const url = closed.url;
    await closed.close();
    const err = await failure(
      sendNotification("discord", downMessage, settingsFor("discord", url), {
        timeoutMs: 5000,
        allowPrivateTargets: true,
      }),
    );
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/ECONNREFUSED/);
    expect(err.message).not.toContain("/api/webhooks");
  });

  it("refuses a redirect to another host and never reaches it", async () => {
    const other = await startFakeApi();
    try {
      // Same port family, different origin: "localhost" is not "127.0.0.1".
      api.answer({ status: 307, location: `${other.url.replace("127.0.0.1", "localhost")}/steal` });
      const err = await failure(
        sendNotification("webhook", downMessage, settingsFor("webhook", api.url), {
          timeoutMs: 5000,
          allowPrivateTargets: true,
        }),
      );
      expect(err.retryable).toBe(false);
      expect(err.message).toContain("redirected to another host");
      expect(other.requests).toHaveLength(0);
    } finally {
      await other.close();
    }
  });

  it("follows a redirect within the same host", async () => {
    api.answer({ status: 200, body: "moved ok", contentType: "text/plain" });
    api.answerNext({ status: 307, location: "/moved" });
    const result = await sendNotification("webhook", downMessage, settingsFor("webhook", api.url), {
      timeoutMs: 5000,
      allowPrivateTargets: true,
    });
    expect(result.response).toBe("HTTP 200 moved ok");
    expect(api.requests.map((r) => [r.method, r.path])).toEqual([
      ["POST", "/hooks/uptop"],
      ["POST", "/moved"],
    ]);
  });

  it("stops when the caller aborts, as retryable", async () => {
    api.answer("hang");
    const controller = new AbortController();
    const sending = sendNotification("gotify", downMessage, settingsFor("gotify", api.url), {
      timeoutMs: 5000,
      allowPrivateTargets: true,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 100);
    const err = await failure(sending);
    expect(err).toMatchObject({ retryable: true });
    expect(err.message).toContain("aborted");
  });

  it("fails settings that no longer validate as not retryable", async () => {
    const err = await failure(
      sendNotification(
        "pagerduty",
        downMessage,
        { eventsUrl: api.url },
        { timeoutMs: 5000, allowPrivateTargets: true },
      ),
    );
    expect(err.retryable).toBe(false);
    expect(err.message).toContain("settings.routingKey: is required");
    expect(api.requests).toHaveLength(0);
  });

  it("truncates a long answer to about 500 characters", async () => {
    api.answer({ status: 200, body: "x".repeat(5000), contentType: "text/plain" });
    const result = await sendNotification("slack", downMessage, settingsFor("slack", api.url), {
      timeoutMs: 5000,
      allowPrivateTargets: true,
    });
    expect(result.response.length).toBeLessThanOrEqual(501);
    expect(result.response.startsWith("HTTP 200 xxx")).toBe(true);
  });
});
