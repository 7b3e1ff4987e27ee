import { ADMIN_TOKEN } from "@uptop/test-kit";
import { runCli, startTestServer, type TestServer } from "./harness.js";

/**
 * A viewer's token against a real server: reads work, and every change is refused by the
 * server's role check (HTTP 403), which the CLI prints and exits 1 on, changing nothing.
 */
let server: TestServer;
let viewerToken: string;

async function admin<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

beforeAll(async () => {
  server = await startTestServer();
  await admin("POST", "/api/monitors", { name: "api", type: "push" });
  await admin("POST", "/api/channels", {
    name: "ops-hook",
    type: "webhook",
    settings: { url: "https://example.com/" },
  });
  await admin("POST", "/api/maintenance", { title: "window", start: new Date().toISOString() });
  const user = await admin<{ id: number }>("POST", "/api/users", { name: "vera", role: "viewer" });
  viewerToken = (await admin<{ token: string }>("POST", `/api/users/${user.id}/tokens`, { name: "cli" })).token;
}, 60_000);
afterAll(() => server.stop());

describe("a change refused by the viewer role (HTTP 403)", () => {
  it("lets the viewer read", async () => {
    const r = await runCli(["monitors", "list", "--json", "--server", server.url, "--token", viewerToken]);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as Array<{ name: string }>).map((m) => m.name)).toEqual(["api"]);
  });

  it.each([
    [["monitors", "pause", "api", "--json"]],
    [["monitors", "resume", "api"]],
    [["monitors", "check", "api", "--json"]],
    [["monitors", "delete", "api", "--yes"]],
    [["maintenance", "start", "--title", "t", "--json"]],
    [["maintenance", "end", "1"]],
    [["channels", "test", "ops-hook", "--json"]],
  ])("uptop %j prints the server's reason and exits 1", async (args) => {
    const r = await runCli([...args, "--server", server.url, "--token", viewerToken]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim()).toBe("error: needs role editor; you are viewer (HTTP 403)");
  });

  it("changed nothing", async () => {
    const monitors = await admin<Array<{ name: string; paused: boolean }>>("GET", "/api/monitors");
    expect(monitors.map((m) => [m.name, m.paused])).toEqual([["api", false]]);
    const windows = await admin<Array<{ title: string; end: string | null }>>("GET", "/api/maintenance");
    expect(windows.map((w) => [w.title, w.end])).toEqual([["window", null]]);
  });
});
