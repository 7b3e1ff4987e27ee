import { lookup as systemLookup } from "node:dns/promises";
import type { LookupFn } from "@uptop/ssrf-guard";
import { CountingListener } from "@uptop/test-kit";
import { DeliveryError, sendNotification, type SendContext } from "../src/index.js";
import { startFakeApi } from "./fake-api.js";
import { downMessage } from "./messages.js";
import { HTTP_TYPES, settingsFor } from "./settings-for.js";

/** Names that resolve where an attacker would point them; `localhost` asks the system. */
const lookup: LookupFn = async (name) => {
  const table: Record<string, Array<{ address: string; family: 4 | 6 }>> = {
    "rebind.test": [{ address: "127.0.0.1", family: 4 }],
    "v6loop.test": [{ address: "::1", family: 6 }],
    "mapped.test": [{ address: "::ffff:127.0.0.1", family: 6 }],
    "metadata.test": [{ address: "169.254.169.254", family: 4 }],
    "private10.test": [{ address: "10.0.0.1", family: 4 }],
    "mixed.test": [
      { address: "93.184.216.34", family: 4 },
      { address: "192.168.1.1", family: 4 },
    ],
  };
  if (name === "localhost") {
    const all = await systemLookup(name, { all: true });
    return all.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
  }
  const found = table[name];
  if (!found) throw Object.assign(new Error("not found"), { code: "ENOTFOUND" });
  return found;
};

const guarded: SendContext = { timeoutMs: 3000, lookup };
const allowed: SendContext = { ...guarded, allowPrivateTargets: true };

async function failure(promise: Promise<unknown>): Promise<DeliveryError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(DeliveryError);
    return err as DeliveryError;
  }
  throw new Error("expected a DeliveryError");
}

const REFUSED = /refused: .+ is a private or reserved address; set UPTOP_ALLOW_PRIVATE_TARGETS=true to allow/;

/** Every way of writing "this machine" in a receiver URL; `P` is the listener's port. */
const LOOPBACK: Array<[string, string]> = [
  ["127.0.0.1", "http://127.0.0.1:P/hook"],
  ["127.0.0.2 (rest of 127/8)", "http://127.0.0.2:P/hook"],
  ["short 127.1", "http://127.1:P/hook"],
  ["hex 0x7f000001", "http://0x7f000001:P/hook"],
  ["short hex 0x7f.1", "http://0x7f.1:P/hook"],
  ["decimal 2130706433", "http://2130706433:P/hook"],
  ["octal 0177.0.0.1", "http://0177.0.0.1:P/hook"],
  ["0.0.0.0", "http://0.0.0.0:P/hook"],
  ["0", "http://0:P/hook"],
  ["[::1]", "http://[::1]:P/hook"],
  ["[::]", "http://[::]:P/hook"],
  ["mapped [::ffff:127.0.0.1]", "http://[::ffff:127.0.0.1]:P/hook"],
  ["mapped long [0:0:0:0:0:ffff:7f00:1]", "http://[0:0:0:0:0:ffff:7f00:1]:P/hook"],
  ["localhost (system resolver)", "http://localhost:P/hook"],
  ["a name → 127.0.0.1", "http://rebind.test:P/hook"],
  ["a name → ::1", "http://v6loop.test:P/hook"],
  ["a name → ::ffff:127.0.0.1", "http://mapped.test:P/hook"],
  ["userinfo user:pass@127.0.0.1", "http://user:pass@127.0.0.1:P/hook"],
  ["https 127.0.0.1", "https://127.0.0.1:P/hook"],
];

/** Private, link-local and translated addresses: refused; nothing of the test listens there. */
const PRIVATE: Array<[string, string]> = [
  ["10/8", "http://10.0.0.1/hook"],
  ["172.16/12", "http://172.16.0.1/hook"],
  ["172.16/12, top", "http://172.31.255.255/hook"],
  ["192.168/16", "http://192.168.1.1/hook"],
  ["100.64/10 carrier-grade NAT", "http://100.64.0.1/hook"],
  ["link-local metadata 169.254.169.254", "http://169.254.169.254/latest/meta-data/"],
  ["link-local [fe80::1]", "http://[fe80::1]/hook"],
  ["unique local [fd00::1]", "http://[fd00::1]/hook"],
  ["mapped [::ffff:169.254.169.254]", "http://[::ffff:169.254.169.254]/hook"],
  ["mapped [::ffff:10.0.0.1]", "http://[::ffff:10.0.0.1]/hook"],
  ["translated [::ffff:0:7f00:1]", "http://[::ffff:0:7f00:1]/hook"],
  ["NAT64 [64:ff9b::a9fe:a9fe]", "http://[64:ff9b::a9fe:a9fe]/hook"],
  ["6to4 [2002:a00:1::1]", "http://[2002:a00:1::1]/hook"],
  ["a name → 169.254.169.254", "http://metadata.test/hook"],
  ["a name → 10.0.0.1", "http://private10.test/hook"],
  ["a name → public and 192.168.1.1", "http://mixed.test/hook"],
];

describe("notification channels: the SSRF table", () => {
  const listener = new CountingListener("http");
  const url = (template: string) => template.replace("P", String(listener.port));
  beforeAll(() => listener.start());
  afterAll(() => listener.stop());

  it.each(LOOPBACK)("%s: refused without the opt-in, nothing connects", async (...[, template]) => {
    const before = listener.connections;
    const err = await failure(sendNotification("webhook", downMessage, { url: url(template) }, guarded));
    expect(err.message).toMatch(REFUSED);
    expect(err.retryable).toBe(false);
    expect(listener.connections).toBe(before);
  });

  it.each(PRIVATE)("%s: refused without the opt-in", async (...[, template]) => {
    const err = await failure(sendNotification("webhook", downMessage, { url: template }, guarded));
    expect(err.message).toMatch(REFUSED);
    expect(err.retryable).toBe(false);
  });

  it.each(LOOPBACK.filter(([name]) => !name.startsWith("https")))(
    "%s: delivered with UPTOP_ALLOW_PRIVATE_TARGETS",
    async (...[, template]) => {
      const before = listener.connections;
      const result = await sendNotification("webhook", downMessage, { url: url(template) }, allowed);
      expect(result.response).toBe('HTTP 200 {"ok":true}');
      expect(listener.connections).toBe(before + 1);
    },
  );

  it.each(HTTP_TYPES)("%s refuses a loopback receiver, and reaches it with the opt-in", async (type) => {
    const settings = settingsFor(type, url("http://127.1:P"));
    const before = listener.connections;
    const err = await failure(sendNotification(type, downMessage, settings, guarded));
    expect(err.message).toMatch(REFUSED);
    expect(err.retryable).toBe(false);
    expect(listener.connections).toBe(before);
    await sendNotification(type, downMessage, settings, allowed);
    expect(listener.connections).toBe(before + 1);
  });

  it("a name that does not resolve fails as retryable, not as refused", async () => {
    const err = await failure(sendNotification("webhook", downMessage, { url: "http://nowhere.test/hook" }, guarded));
    expect(err.retryable).toBe(true);
    expect(err.message).toContain("cannot resolve nowhere.test: ENOTFOUND");
  });
});

describe("email: the SMTP host passes the same guard", () => {
  const listener = new CountingListener("close");
  beforeAll(() => listener.start());
  afterAll(() => listener.stop());
  const settings = (host: string) => ({
    host,
    port: listener.port,
    from: "uptop <alerts@example.com>",
    to: ["ops@example.com"],
  });

  it.each([
    "127.0.0.1",
    "127.1",
    "2130706433",
    "0x7f.1",
    "0.0.0.0",
    "::1",
    "[::1]",
    "::ffff:127.0.0.1",
    "localhost",
    "rebind.test",
    "v6loop.test",
  ])("%s: refused without the opt-in, nothing connects; reached with it", async (host) => {
    const before = listener.connections;
    const err = await failure(sendNotification("email", downMessage, settings(host), guarded));
    expect(err.message).toMatch(REFUSED);
    expect(err.message).toMatch(/^email \(/);
    expect(err.retryable).toBe(false);
    expect(listener.connections).toBe(before);
    // The listener hangs up at once: a retryable failure, after one connection.
    const reached = await failure(sendNotification("email", downMessage, settings(host), allowed));
    expect(reached.retryable).toBe(true);
    expect(listener.connections).toBe(before + 1);
  });

  it.each(["10.0.0.1", "192.168.1.1", "169.254.169.254", "fe80::1", "metadata.test", "mixed.test"])(
    "%s: refused without the opt-in",
    async (host) => {
      const err = await failure(sendNotification("email", downMessage, settings(host), guarded));
      expect(err.message).toMatch(REFUSED);
      expect(err.retryable).toBe(false);
    },
  );
});

describe("DNS rebinding", () => {
  it("a receiver name is looked up once and every request of the send, redirects too, goes there", async () => {
    const api = await startFakeApi({ status: 200, body: "done", contentType: "text/plain" });
    try {
      api.answerNext({ status: 307, location: "/moved" });
      let calls = 0;
      // Loopback (our fake) the first time, an unroutable address after: a second lookup at
      // connect time, or for the redirect, would fail the send.
      const flipping: LookupFn = async () =>
        ++calls === 1 ? [{ address: "127.0.0.1", family: 4 }] : [{ address: "10.255.255.1", family: 4 }];
      const port = new URL(api.url).port;
      const result = await sendNotification(
        "webhook",
        downMessage,
        { url: `http://flip.test:${port}/hook` },
        { timeoutMs: 3000, allowPrivateTargets: true, lookup: flipping },
      );
      expect(result.response).toBe("HTTP 200 done");
      expect(api.requests.map((r) => r.path)).toEqual(["/hook", "/moved"]);
      expect(calls).toBe(1);
    } finally {
      await api.close();
    }
  });
});
