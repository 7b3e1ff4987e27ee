import { runCheck } from "../src/index.js";
import { parsePingOutput } from "../src/ping-output.js";

describe("parsePingOutput", () => {
  it.each([
    [
      "iputils, all replies",
      "--- 127.0.0.1 ping statistics ---\n3 packets transmitted, 3 received, 0% packet loss, time 402ms\nrtt min/avg/max/mdev = 0.036/0.070/0.104/0.034 ms\n",
      { sent: 3, received: 3, lossPercent: 0, avgRttMs: 0.07 },
    ],
    [
      "iputils, partial loss with errors",
      "4 packets transmitted, 3 received, +1 errors, 25% packet loss, time 3004ms\nrtt min/avg/max/mdev = 10.1/12.5/15.0/2.0 ms",
      { sent: 4, received: 3, lossPercent: 25, avgRttMs: 12.5 },
    ],
    [
      "iputils, no reply",
      "2 packets transmitted, 0 received, 100% packet loss, time 1020ms\n",
      { sent: 2, received: 0, lossPercent: 100, avgRttMs: null },
    ],
    [
      "busybox",
      "3 packets transmitted, 3 packets received, 0% packet loss\nround-trip min/avg/max = 0.1/0.2/0.3 ms",
      { sent: 3, received: 3, lossPercent: 0, avgRttMs: 0.2 },
    ],
  ])("%s", (_n, text, expected) => {
    expect(parsePingOutput(text)).toEqual(expected);
  });

  it("returns undefined without a summary", () => {
    expect(parsePingOutput("ping: unknown host")).toBeUndefined();
  });
});

describe("ping check", () => {
  it("pings 127.0.0.1: latency is the average RTT, loss reported", async () => {
    const r = await runCheck(
      { type: "ping", hostname: "127.0.0.1", pingCount: 2, timeoutS: 5 },
      { allowPrivateTargets: true },
    );
    expect(r.error).toBeNull();
    expect(r.details).toMatchObject({ address: "127.0.0.1", sent: 2, received: 2, lossPercent: 0 });
    expect(r.latencyMs).toBe(r.details.avgRttMs);
  });

  it("reports DNS when the name does not resolve, without running ping", async () => {
    const r = await runCheck({ type: "ping", hostname: "nope.test" }, { lookup: async () => [] });
    expect(r.error?.code).toBe("DNS");
  });
});
