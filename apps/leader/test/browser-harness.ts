// What the web dashboard's browser tests share: the system's Chromium driven by playwright-core
// (its own browser download is not used), a leader serving the dashboard, users with passwords,
// sign-in, and the accessibility check.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AxeBuilder } from "@axe-core/playwright";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { ADMIN_TOKEN, chromiumPath, freePort, type Proc } from "@uptop/test-kit";
import { api, startLeaderProcess } from "./cluster-harness.js";

export interface TestBrowser {
  browser: Browser;
  close(): Promise<void>;
}

/**
 * Headless Chromium (playwright gives it a fresh profile). Background networking is off: a closed
 * network refuses Chromium's own connections, and a test must not depend on any.
 */
export async function openBrowser(): Promise<TestBrowser> {
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
  return {
    browser,
    close: () => browser.close(),
  };
}

export interface DashboardLeader {
  leader: Proc;
  port: number;
  url: string;
  stop(): Promise<void>;
}

/** A leader on its own SQLite file that checks monitors itself and serves the dashboard. */
export async function startDashboardLeader(extra: Record<string, string> = {}): Promise<DashboardLeader> {
  const dataDir = mkdtempSync(join(tmpdir(), "uptop-web-"));
  const port = await freePort();
  const leader = await startLeaderProcess({
    dsn: join(dataDir, "uptop.db"),
    port,
    dataDir,
    extra: { UPTOP_DB_TYPE: "sqlite", UPTOP_LEADER_CHECKS: "true", ...extra },
  });
  return {
    leader,
    port,
    url: `http://127.0.0.1:${port}`,
    async stop() {
      await leader.kill("SIGTERM");
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A user with a password, made through the API as the admin. */
export async function addUser(
  port: number,
  name: string,
  role: "viewer" | "editor" | "admin",
  password: string,
): Promise<{ id: number }> {
  const res = await api(port, "/api/users", { method: "POST", body: JSON.stringify({ name, role, password }) });
  if (res.status !== 201 && res.status !== 200) throw new Error(`add user ${name}: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { id?: number; user?: { id: number } };
  return { id: body.user?.id ?? body.id! };
}

/**
 * A page in its own context (its own cookies), whose console errors (a script error, a refused
 * Content-Security-Policy) are collected: a test ends by expecting none. Closing the page's
 * context ends its session cookies too.
 */
export async function newPage(
  browser: Browser,
  viewport = { width: 1280, height: 800 },
): Promise<{ page: Page; context: BrowserContext; errors: string[] }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  return { page, context, errors };
}

export async function signIn(page: Page, baseUrl: string, name: string, password: string): Promise<void> {
  await page.goto(baseUrl);
  await page.getByLabel("User name").fill(name);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Sign out" }).waitFor();
}

/** axe's serious and critical violations on the page as it is now (WCAG 2.1 A and AA rules). */
export async function seriousViolations(page: Page): Promise<Array<{ id: string; help: string; targets: string[] }>> {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, help: v.help, targets: v.nodes.map((n) => n.target.join(" ")) }));
}

/** The session's first check answers 401 before anyone signs in: the only console error allowed. */
export const realErrors = (errors: string[]) => errors.filter((e) => !/401/.test(e));

/** Whether the page needs no sideways scrolling at its current width. */
export const fitsWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

/** The text that describes a control (its hint and errors), as a screen reader announces it. */
export async function descriptionOf(page: Page, label: string): Promise<string> {
  const ids = (await page.getByLabel(label, { exact: true }).getAttribute("aria-describedby")) ?? "";
  const texts = await Promise.all(
    ids
      .split(" ")
      .filter(Boolean)
      .map((id) => page.locator(`[id="${id}"]`).textContent()),
  );
  return texts.join(" ");
}

/** Marks the page as loaded; `stayed` is true until it is loaded again (a reload clears the marker). */
export const markLoaded = (page: Page) =>
  page.evaluate(() => {
    (window as unknown as { stayed: boolean }).stayed = true;
  });

/** True while the page is the one `markLoaded` marked: every step since went without a reload. */
export const stayed = (page: Page) => page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed === true);

export { ADMIN_TOKEN };
