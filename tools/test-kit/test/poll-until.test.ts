import { StopWaiting, until } from "../src/poll-until.js";

describe("until", () => {
  it("returns the first truthy value, treating a throw as not yet", async () => {
    let calls = 0;
    const got = await until(
      "the third call",
      () => {
        calls++;
        if (calls === 1) throw new Error("still starting");
        return calls === 3 ? "ready" : null;
      },
      1_000,
      1,
    );
    expect(got).toBe("ready");
    expect(calls).toBe(3);
  });

  it("names what it waited for and the last error when it times out", async () => {
    const wait = until("the server", () => Promise.reject(new Error("connection refused")), 20, 5);
    await expect(wait).rejects.toThrow("timed out waiting for the server; last: connection refused");
  });

  it("stops at once on StopWaiting", async () => {
    const started = Date.now();
    const wait = until(
      "a process",
      () => {
        throw new StopWaiting("it exited");
      },
      10_000,
    );
    await expect(wait).rejects.toThrow("it exited");
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
