import { HttpTarget } from "../src/http-target.js";
import { TcpProxy } from "../src/tcp-proxy.js";

describe("TcpProxy", () => {
  const target = new HttpTarget();
  let proxy: TcpProxy;
  beforeAll(async () => {
    await target.start();
    proxy = await new TcpProxy("127.0.0.1", target.port).open();
  });
  afterAll(async () => {
    await proxy.cut();
    await target.stop();
  });

  it("passes requests through, refuses them while cut, and again on the same port once restored", async () => {
    const through = () => fetch(`http://127.0.0.1:${proxy.port}/a`).then((r) => r.status);
    expect(await through()).toBe(200);
    const port = proxy.port;
    await proxy.cut();
    await expect(through()).rejects.toThrow();
    await proxy.restore();
    expect(proxy.port).toBe(port);
    target.set("/a", "down");
    expect(await through()).toBe(500);
    expect(target.hitsOf("/a")).toBe(2);
  });
});
