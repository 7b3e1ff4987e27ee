import express from "express";
import axios from "axios";
import { clusterGuard, PROTOCOL_VERSION } from "../src/index.js";
import { listen, SECRET, type Running } from "./fixtures.js";

async function serve(secret: string | null): Promise<Running> {
  const app = express();
  app.get("/api/probe/assignments", ...clusterGuard(secret), (_req, res) => {
    res.json({ ok: true });
  });
  return listen(app);
}

const get = (url: string, headers: Record<string, string>) =>
  axios.get(`${url}/api/probe/assignments`, { headers, validateStatus: () => true, proxy: false });

describe("cluster middleware", () => {
  let server: Running;
  let open: Running;
  beforeAll(async () => {
    server = await serve(SECRET);
    open = await serve(null);
  });
  afterAll(async () => {
    await server.close();
    await open.close();
  });

  const v = String(PROTOCOL_VERSION);

  it.each([
    ["X-Upkeep-Secret", { "X-Upkeep-Secret": SECRET, "X-Uptop-Protocol": v }, 200],
    ["X-Uptop-Secret", { "X-Uptop-Secret": SECRET, "X-Uptop-Protocol": v }, 200],
    ["a wrong secret", { "X-Upkeep-Secret": `${SECRET}x`, "X-Uptop-Protocol": v }, 401],
    ["a wrong secret of the same length", { "X-Upkeep-Secret": `b${SECRET.slice(1)}`, "X-Uptop-Protocol": v }, 401],
    ["no secret", { "X-Uptop-Protocol": v }, 401],
  ])("answers a call with %s", async (_name, headers, status) => {
    const res = await get(server.url, headers);
    expect(res.status).toBe(status);
    if (status === 401) {
      expect(res.data.error.code).toBe("UNAUTHORIZED");
      expect(res.data.error).toHaveProperty("message");
      expect(res.data.error).toHaveProperty("details");
    }
  });

  it("answers another protocol version with 409 naming both versions", async () => {
    const res = await get(server.url, { "X-Upkeep-Secret": SECRET, "X-Uptop-Protocol": "2" });
    expect(res.status).toBe(409);
    expect(res.data.error.code).toBe("PROTOCOL_MISMATCH");
    expect(res.data.error.message).toBe("protocol version 2 from the client, this server speaks 1");
  });

  it("answers a missing protocol version with 409", async () => {
    const res = await get(server.url, { "X-Upkeep-Secret": SECRET });
    expect(res.status).toBe(409);
    expect(res.data.error.code).toBe("PROTOCOL_MISMATCH");
  });

  it("fails closed with 401 when the server has no secret configured", async () => {
    const res = await get(open.url, { "X-Upkeep-Secret": "anything-at-all-here", "X-Uptop-Protocol": v });
    expect(res.status).toBe(401);
    expect(res.data.error.message).toMatch(/cluster secret is not configured/);
    const bare = await get(open.url, { "X-Uptop-Protocol": v });
    expect(bare.status).toBe(401);
  });
});
