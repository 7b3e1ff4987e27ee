#!/usr/bin/env node
// Screenshots of the web dashboard's main pages, desktop and phone, for docs/screenshots/: a real
// leader on a throw-away SQLite file with a few monitors in every state, driven by the system's
// Chromium. Build first (`pnpm build`), then `pnpm screenshots`.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { ADMIN_TOKEN, apiClient, chromiumPath, freePort, HttpTarget, sleep, spawnNode, until } from "@uptop/test-kit";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const OUT = join(ROOT, "docs", "screenshots");
const PASSWORD = "screenshots-password";

const dataDir = mkdtempSync(join(tmpdir(), "uptop-shots-"));
const target = await new HttpTarget().start();
const port = await freePort();
const leader = spawnNode("leader", join(ROOT, "apps/leader/dist/main.js"), {
  UPTOP_DB_TYPE: "sqlite",
  UPTOP_DB_DSN: join(dataDir, "uptop.db"),
  UPTOP_DATA_DIR: dataDir,
  UPTOP_HTTP_HOST: "127.0.0.1",
  UPTOP_HTTP_PORT: String(port),
  UPTOP_API_TOKEN: ADMIN_TOKEN,
  UPTOP_ALLOW_PRIVATE_TARGETS: "true",
  UPTOP_LOG_LEVEL: "info",
});
const base = `http://127.0.0.1:${port}`;
const call = apiClient(base);
async function api(method, path, body) {
  const res = await call(path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? undefined : res.json();
}

try {
  await leader.waitFor("leader listening");
  await api("POST", "/api/users", { name: "ops", role: "admin", password: PASSWORD });
  await api("POST", "/api/channels", {
    name: "on-call webhook",
    type: "webhook",
    settings: { url: `${target.urlOf("/hook")}` },
    default: true,
  });
  await api("POST", "/api/monitors", { name: "Shop", type: "group" });
  const monitor = (name, path, over = {}) =>
    api("POST", "/api/monitors", { name, type: "http", url: target.urlOf(path), interval: 5, timeout: 2, ...over });
  const web = await monitor("Shop website", "/web", { parent: "Shop" });
  await monitor("Checkout API", "/checkout", { parent: "Shop" });
  await monitor("Search", "/search", { parent: "Shop" });
  await monitor("Payments provider", "/payments");
  await monitor("Status of the CDN", "/cdn");
  await monitor("Old admin panel", "/old", { paused: true });
  target.set("/payments", "down");
  await api("POST", "/api/maintenance", {
    title: "Payments provider outage",
    type: "incident",
    description: "Card payments fail at our provider; we are in contact with them.",
    start: new Date().toISOString(),
    end: null,
  }).catch((err) => console.error(`incident not created: ${err.message}`));
  // Enough rounds for the latency chart and the state changes to have something to show.
  await until(
    "the payments monitor to go DOWN",
    async () => {
      const list = await api("GET", "/api/monitors");
      return list.find((m) => m.name === "Payments provider")?.status === "DOWN";
    },
    60_000,
    500,
  );
  await sleep(20_000);

  mkdirSync(OUT, { recursive: true });
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
  });
  const shots = [
    ["overview", "/"],
    ["monitor", `/monitors/${web.id}`],
    ["monitor-form", `/monitors/${web.id}/edit`],
    ["maintenance", "/maintenance"],
    ["channels", "/channels"],
    ["nodes", "/nodes"],
    ["users", "/users"],
  ];
  const variants = [
    { suffix: "desktop", viewport: { width: 1280, height: 800 }, colorScheme: "light" },
    { suffix: "desktop-dark", viewport: { width: 1280, height: 800 }, colorScheme: "dark" },
    { suffix: "mobile", viewport: { width: 390, height: 844 }, colorScheme: "light" },
  ];
  for (const v of variants) {
    const context = await browser.newContext({ viewport: v.viewport, colorScheme: v.colorScheme });
    const page = await context.newPage();
    await page.goto(base);
    await page.getByLabel("User name").fill("ops");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("button", { name: "Sign out" }).waitFor();
    for (const [name, path] of shots) {
      if (v.suffix === "desktop-dark" && !["overview", "monitor"].includes(name)) continue;
      await page.goto(base + path);
      await page.waitForLoadState("networkidle").catch(() => {});
      await sleep(1_000);
      const file = join(OUT, `${name}-${v.suffix}.png`);
      await page.screenshot({ path: file, fullPage: v.suffix !== "mobile" });
      console.log(file.slice(ROOT.length));
    }
    await context.close();
  }
  // The public status page too, with the incident's message.
  await api("PUT", "/api/status-page/settings", {
    enabled: true,
    title: "Shop status",
    description: null,
    monitorIds: null,
  }).catch((err) => console.error(`status page settings: ${err.message}`));
  for (const v of variants.filter((x) => x.suffix !== "desktop-dark")) {
    const context = await browser.newContext({ viewport: v.viewport, colorScheme: v.colorScheme });
    const page = await context.newPage();
    await page.goto(`${base}/status`);
    const file = join(OUT, `status-page-${v.suffix}.png`);
    await page.screenshot({ path: file, fullPage: false });
    console.log(file.slice(ROOT.length));
    await context.close();
  }
  await browser.close();
} finally {
  await leader.kill("SIGTERM");
  await target.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
