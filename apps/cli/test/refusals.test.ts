import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { runCli } from "./harness.js";

/**
 * A server that lets a viewer read and refuses every change the way uptop's role check does,
 * so the CLI's handling of a refusal is pinned down whatever the token's role.
 */
const FORBIDDEN = { error: { code: "FORBIDDEN", message: "needs role editor; you are viewer" } };
const READS: Record<string, unknown> = {
  "/api/monitors": [{ id: 1, name: "api", type: "push", status: "UP", lastCheck: null }],
  "/api/channels": [{ id: 1, name: "ops-hook", type: "webhook", default: true, enabled: true }],
};

let server: Server;
let url: string;
const changes: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const read = req.method === "GET" ? READS[req.url ?? ""] : undefined;
    if (req.method !== "GET") changes.push(`${req.method} ${req.url}`);
    res.writeHead(read === undefined ? 403 : 200, { "content-type": "application/json" });
    res.end(JSON.stringify(read ?? FORBIDDEN));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe("a refused change (HTTP 403)", () => {
  it.each([
    [["monitors", "pause", "api", "--json"]],
    [["monitors", "resume", "api"]],
    [["monitors", "check", "api", "--json"]],
    [["monitors", "delete", "api", "--yes"]],
    [["maintenance", "start", "--title", "t", "--json"]],
    [["maintenance", "end", "1"]],
    [["channels", "test", "ops-hook", "--json"]],
  ])("uptop %j prints the server's reason and exits 1", async (args) => {
    const r = await runCli([...args, "--server", url, "--token", "viewer-token"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim()).toBe("error: needs role editor; you are viewer (HTTP 403)");
  });

  it("asked the server each time (nothing was decided locally)", () => {
    expect(changes).toHaveLength(7);
  });
});
