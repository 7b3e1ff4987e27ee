import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { webDashboardRouter } from "../src/index.js";
import { startTestServer, type TestServer } from "./helpers.js";

// The dashboard's files as a deployed leader holds them: under node_modules/.pnpm, a folder whose
// name starts with a dot, which static file serving refuses by default.
describe("the web dashboard's files", () => {
  const base = mkdtempSync(join(tmpdir(), "uptop-web-files-"));
  const root = join(base, "node_modules", ".pnpm", "@uptop+web", "dist", "app");
  let srv: TestServer;

  beforeAll(async () => {
    mkdirSync(join(root, "assets"), { recursive: true });
    writeFileSync(join(root, "index.html"), '<!doctype html><div id="root"></div>');
    writeFileSync(join(root, "assets", "index-abc123.js"), "console.log(1)");
    writeFileSync(join(root, ".secret"), "not served");
    srv = await startTestServer({ open: [webDashboardRouter({ root })] });
  });

  afterAll(async () => {
    await srv.close();
    rmSync(base, { recursive: true, force: true });
  });

  it.each([
    ["/", 200, "no-cache", /id="root"/],
    ["/monitors/3/edit", 200, "no-cache", /id="root"/],
    ["/assets/index-abc123.js", 200, "public, max-age=31536000, immutable", /console/],
    ["/assets/missing.js", 404, null, /NOT_FOUND/],
    ["/.secret", 404, null, /NOT_FOUND/],
  ])("GET %s → %i", async (path, status, cacheControl, body) => {
    const res = await fetch(srv.url + path);
    expect(res.status).toBe(status);
    if (cacheControl) expect(res.headers.get("cache-control")).toBe(cacheControl);
    expect(await res.text()).toMatch(body);
  });

  it("leaves the API, the status page and changes to their own routers", async () => {
    expect((await fetch(`${srv.url}/api/monitors`)).headers.get("content-type")).toMatch(/json/);
    expect((await fetch(`${srv.url}/status`)).status).toBe(404);
    expect((await fetch(`${srv.url}/`, { method: "POST" })).status).toBe(404);
  });
});
