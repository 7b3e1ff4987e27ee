import { CountingListener } from "@uptop/test-kit";
import { runCheck } from "../src/index.js";
import { startSilent } from "./servers.js";

const local = { allowPrivateTargets: true };

describe("tcp check", () => {
  it("passes when the port accepts, latency is the connect time", async () => {
    const l = await new CountingListener().start();
    try {
      const r = await runCheck({ type: "tcp", hostname: "127.0.0.1", port: l.port }, local);
      expect(r).toMatchObject({ ok: true, error: null, details: { address: "127.0.0.1", port: l.port } });
      expect(r.latencyMs).toBeGreaterThanOrEqual(0);
    } finally {
      await l.stop();
    }
  });

  it("reports CONNECT for a closed port", async () => {
    const s = await startSilent();
    await s.close();
    const r = await runCheck({ type: "tcp", hostname: "127.0.0.1", port: s.port }, local);
    expect(r.error?.code).toBe("CONNECT");
    expect(r.latencyMs).toBeNull();
  });

  it("reports DNS when the name does not resolve", async () => {
    const r = await runCheck({ type: "tcp", hostname: "nope.test", port: 80 }, { ...local, lookup: async () => [] });
    expect(r.error?.code).toBe("DNS");
  });
});
