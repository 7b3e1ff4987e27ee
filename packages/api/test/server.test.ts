import net from "node:net";
import { loadConfig } from "@uptop/core";
import { ADMIN_TOKEN, quietLogger } from "@uptop/test-kit";
import { createApp, startServer, type RunningServer } from "../src/index.js";

/** Seconds until the server closes a connection that sends a header line every 500 ms, forever. */
function secondsUntilCut(port: number): Promise<number> {
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1", () => {
      socket.write("POST /api/monitors HTTP/1.1\r\nhost: 127.0.0.1\r\n");
      const drip = setInterval(() => (socket.destroyed ? clearInterval(drip) : socket.write("x-a: b\r\n")), 500);
    });
    socket.on("data", () => {});
    socket.on("error", () => {});
    socket.on("close", () => resolve((Date.now() - started) / 1000));
  });
}

describe("the listening server", () => {
  let srv: RunningServer;
  beforeAll(async () => {
    const env = { UPTOP_DB_DSN: ":memory:", UPTOP_API_TOKEN: ADMIN_TOKEN, UPTOP_HTTP_HOST: "127.0.0.1" };
    const config = loadConfig({ ...env, UPTOP_HTTP_PORT: "0" });
    srv = await startServer(createApp({ config, logger: quietLogger(), apiToken: ADMIN_TOKEN, routers: {} }), config);
  });
  afterAll(async () => {
    await srv?.close();
  });

  // Node sweeps for expired requests every 30 s unless told otherwise; a client trickling its
  // headers then holds its socket until the sweep after the timeout, 30 s and more.
  it("cuts a client still sending headers at the 10 s headers timeout, not at a later sweep", async () => {
    const seconds = await secondsUntilCut(srv.port);
    expect(seconds).toBeGreaterThanOrEqual(9.5);
    expect(seconds).toBeLessThan(15);
  }, 40_000);
});
