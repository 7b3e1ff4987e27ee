import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { DeliveryError, sendNotification } from "../src/index.js";
import { downMessage, testMessage, upMessage } from "./messages.js";
import { startSmtpFake, type SmtpFake } from "./smtp-fake.js";

// Key generation and TLS handshakes are slow on a busy two-core machine.
(import.meta as unknown as { jest: { setTimeout(ms: number): void } }).jest.setTimeout(30_000);

const ctx = { timeoutMs: 10_000, allowPrivateTargets: true };
/** `mail.test` stands for the SMTP server's name: it resolves to the loopback fake, once. */
const named = { ...ctx, lookup: async () => [{ address: "127.0.0.1", family: 4 as const }] };
const TO = ["ops@example.com", "oncall@example.com", "boss@example.com"];

function settings(port: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { host: "127.0.0.1", port, from: "uptop <alerts@example.com>", to: TO, ignoreTls: true, ...extra };
}

async function failure(promise: Promise<unknown>): Promise<DeliveryError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(DeliveryError);
    return err as DeliveryError;
  }
  throw new Error("expected a DeliveryError");
}

describe("email over STARTTLS", () => {
  let smtp: SmtpFake;
  beforeAll(async () => {
    smtp = await startSmtpFake();
  });
  afterAll(() => smtp.close());
  beforeEach(() => {
    smtp.received.length = 0;
  });

  it("upgrades with STARTTLS and delivers DOWN to every recipient", async () => {
    const result = await sendNotification("email", downMessage, settings(smtp.port, { requireTls: true }), ctx);
    expect(result.response).toMatch(/^250 /);
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.secure).toBe(true);
    expect(mail.from).toBe("alerts@example.com");
    expect(mail.to).toEqual(TO);
    expect(mail.parsed.subject).toBe("🔴 checkout-api is DOWN");
    expect(mail.parsed.text).toContain("DOWN: 2 of 3 probes — eu-west: TIMEOUT, us-east: HTTP_STATUS 503");
    expect(mail.parsed.html).toContain("<h2>🔴 checkout-api is DOWN</h2>");
    expect(mail.parsed.to).toMatchObject({ value: TO.map((address) => ({ address })) });
  });

  it("words UP with the outage duration and a test as a test", async () => {
    await sendNotification("email", upMessage, settings(smtp.port, { subjectPrefix: "[uptop]" }), ctx);
    await sendNotification("email", testMessage, settings(smtp.port), ctx);
    expect(smtp.received.map((m) => m.parsed.subject)).toEqual([
      "[uptop] ✅ checkout-api is UP after 5m 3s",
      "🔔 Test notification from uptop",
    ]);
    expect(smtp.received[1]!.parsed.text).toContain("test notification from uptop");
  });

  it("upgrades a host name to TLS under that name, on the address the guard vetted", async () => {
    smtp.servernames.length = 0;
    await sendNotification("email", downMessage, settings(smtp.port, { requireTls: true, host: "mail.test" }), named);
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.secure).toBe(true);
    expect(smtp.servernames).toEqual(["mail.test"]);
  });

  it("refuses a self-signed certificate unless ignoreTls is set, as not retryable", async () => {
    const err = await failure(sendNotification("email", downMessage, settings(smtp.port, { ignoreTls: false }), ctx));
    expect(err.message).toContain("self-signed certificate");
    expect(err.retryable).toBe(false);
    expect(smtp.received).toHaveLength(0);
  });
});

describe("email over plain SMTP (no TLS offered)", () => {
  let smtp: SmtpFake;
  beforeAll(async () => {
    smtp = await startSmtpFake({ plain: true });
  });
  afterAll(() => smtp.close());
  beforeEach(() => {
    smtp.received.length = 0;
  });

  it("delivers in plain text when the server offers no STARTTLS and TLS is not required", async () => {
    const result = await sendNotification("email", downMessage, settings(smtp.port, { ignoreTls: false }), ctx);
    expect(result.response).toMatch(/^250 /);
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.secure).toBe(false);
    expect(smtp.received[0]!.to).toEqual(TO);
    expect(smtp.received[0]!.parsed.subject).toBe("🔴 checkout-api is DOWN");
  });

  it("refuses to send in plain text with requireTls, as not retryable", async () => {
    const err = await failure(sendNotification("email", downMessage, settings(smtp.port, { requireTls: true }), ctx));
    expect(err.retryable).toBe(false);
    expect(smtp.received).toHaveLength(0);
  });
});

describe("email over implicit TLS", () => {
  let smtp: SmtpFake;
  beforeAll(async () => {
    smtp = await startSmtpFake({ secure: true });
  });
  afterAll(() => smtp.close());

  it("speaks TLS from the first byte with secure: true", async () => {
    await sendNotification("email", downMessage, settings(smtp.port, { secure: true }), ctx);
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.secure).toBe(true);
    expect(smtp.received[0]!.to).toEqual(TO);
  });

  it("dials the vetted address of a host name and still asks TLS for that name", async () => {
    smtp.received.length = 0;
    smtp.servernames.length = 0;
    await sendNotification("email", downMessage, settings(smtp.port, { secure: true, host: "mail.test" }), named);
    expect(smtp.received).toHaveLength(1);
    expect(smtp.servernames).toEqual(["mail.test"]);
  });
});

describe("email with authentication", () => {
  let smtp: SmtpFake;
  beforeAll(async () => {
    smtp = await startSmtpFake({ credentials: { user: "alerts", password: "correct-horse-battery" } });
  });
  afterAll(() => smtp.close());
  beforeEach(() => {
    smtp.received.length = 0;
  });

  it("logs in with user and password", async () => {
    await sendNotification(
      "email",
      downMessage,
      settings(smtp.port, { user: "alerts", password: "correct-horse-battery" }),
      ctx,
    );
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.user).toBe("alerts");
  });

  it("fails a wrong password as not retryable, without quoting it", async () => {
    const err = await failure(
      sendNotification(
        "email",
        downMessage,
        settings(smtp.port, { user: "alerts", password: "wrong-password-1" }),
        ctx,
      ),
    );
    expect(err).toMatchObject({ retryable: false, status: 535 });
    expect(err.message).not.toContain("wrong-password-1");
    expect(smtp.received).toHaveLength(0);
  });

  it("fails without credentials when the server requires them", async () => {
    const err = await failure(sendNotification("email", downMessage, settings(smtp.port), ctx));
    expect(err.retryable).toBe(false);
    expect(smtp.received).toHaveLength(0);
  });
});

describe("email failures", () => {
  it("treats a 4xx SMTP reply as temporary", async () => {
    const smtp = await startSmtpFake({ rejectData: { code: 451, message: "try again later" } });
    try {
      const err = await failure(sendNotification("email", downMessage, settings(smtp.port), ctx));
      expect(err).toMatchObject({ retryable: true, status: 451 });
      expect(err.message).toContain("try again later");
    } finally {
      await smtp.close();
    }
  });

  it("treats a 5xx SMTP reply as permanent", async () => {
    const smtp = await startSmtpFake({ rejectData: { code: 554, message: "message refused" } });
    try {
      const err = await failure(sendNotification("email", downMessage, settings(smtp.port), ctx));
      expect(err).toMatchObject({ retryable: false, status: 554 });
    } finally {
      await smtp.close();
    }
  });

  it("times out as retryable when the server never greets", async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", () => resolve()));
    try {
      const port = (silent.address() as AddressInfo).port;
      const err = await failure(
        sendNotification("email", downMessage, settings(port), { timeoutMs: 500, allowPrivateTargets: true }),
      );
      expect(err.retryable).toBe(true);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
