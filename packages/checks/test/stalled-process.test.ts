import { CountingListener } from "@uptop/test-kit";
import { runCheck } from "../src/index.js";
import { startHttp, startSilent } from "./servers.js";

// A probe too busy to run its event loop (overload, a long GC pause) must report lag, never a
// false DOWN. These tests hold the loop with a busy wait, as such a pause does, past a check's timeout.

const local = { allowPrivateTargets: true };

function holdEventLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // Busy: nothing else in this process runs, as in a pause.
  }
}

describe("a check in a process held up past its timeout", () => {
  it("tcp: a pause before the connection attempt is not charged to the target", async () => {
    const l = await new CountingListener().start();
    try {
      const check = runCheck({ type: "tcp", hostname: "127.0.0.1", port: l.port, timeoutS: 1 }, local);
      // The check has started its clock but not yet connected: the loop has not turned.
      holdEventLoop(1500);
      const r = await check;
      expect(r.error).toBeNull();
      expect(r.ok).toBe(true);
    } finally {
      await l.stop();
    }
  });

  // [case, target answers after ms, the pause starts after ms (null: before the loop turns)]
  it.each([
    // The request is on its way; the answer comes at ~100 ms while the loop is held until 1.55 s.
    ["an answer that arrived during the pause is read, not timed out", 100, 50],
    // The clock has started, the request is not sent yet.
    ["a pause before the request is sent is not charged to the target", 300, null],
  ])("http: %s", async (_case, answerAfterMs, pauseAfterMs) => {
    const target = await startHttp((_req, res) => setTimeout(() => res.end("ok"), answerAfterMs));
    try {
      const check = runCheck({ type: "http", url: `http://127.0.0.1:${target.port}/`, timeoutS: 1 }, local);
      if (pauseAfterMs === null) holdEventLoop(1500);
      else setTimeout(() => holdEventLoop(1500), pauseAfterMs);
      const r = await check;
      expect(r.error).toBeNull();
      expect(r.ok).toBe(true);
    } finally {
      await target.close();
    }
  });

  it("still times out a target that never answers, within about twice its timeout", async () => {
    const silent = await startSilent();
    try {
      const started = performance.now();
      const check = runCheck({ type: "http", url: `http://127.0.0.1:${silent.port}/`, timeoutS: 1 }, local);
      setTimeout(() => holdEventLoop(1500), 50);
      const r = await check;
      expect(r.error?.code).toBe("TIMEOUT");
      // Held 1.5 s, then at most one more timeout's worth for what the pause kept from running
      // (and some room for a loaded test machine): the extension is bounded.
      expect(performance.now() - started).toBeLessThan(1550 + 1000 + 1500);
    } finally {
      await silent.close();
    }
  });
});
