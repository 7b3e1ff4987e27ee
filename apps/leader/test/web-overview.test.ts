import { freePort, HttpTarget } from "@uptop/test-kit";
import type { Page } from "playwright-core";
import {
  addUser,
  type DashboardLeader,
  markLoaded,
  newPage,
  openBrowser,
  seriousViolations,
  signIn,
  stayed,
  type TestBrowser,
} from "./browser-harness.js";
import { createMonitor, startProbeProcess } from "./cluster-harness.js";

(import.meta as unknown as { jest: { setTimeout(ms: number): void } }).jest.setTimeout(120_000);

const LIVE_MS = 20_000;

/** The overview's row of one monitor (its name is a link in the first cell). */
const rowOf = (page: Page, name: string) =>
  page.getByRole("row").filter({ has: page.getByRole("link", { name, exact: true }) });

// The overview against a real leader checking a real loopback service: every change arrives
// through the event stream, never a reload (a marker on `window` proves the page stayed).
describe("the dashboard's monitor overview", () => {
  let leader: DashboardLeader;
  let tb: TestBrowser;
  const target = new HttpTarget();

  beforeAll(async () => {
    const { startDashboardLeader } = await import("./browser-harness.js");
    [leader, tb] = await Promise.all([startDashboardLeader(), openBrowser(), target.start()]);
    await addUser(leader.port, "edna", "editor", "correct horse battery");
    await addUser(leader.port, "vic", "viewer", "correct horse battery");
  });

  afterAll(async () => {
    await tb?.close();
    await leader?.stop();
    await target.stop();
  });

  it("starts empty, then shows a new monitor going up and down live, without a reload", async () => {
    const { page, context, errors } = await newPage(tb.browser);
    await signIn(page, leader.url, "edna", "correct horse battery");
    await page.getByRole("heading", { name: "No monitors yet" }).waitFor();
    expect(await page.getByRole("link", { name: "New monitor" }).getAttribute("href")).toBe("/monitors/new");
    await markLoaded(page);

    await createMonitor(leader.port, { name: "shop", url: target.urlOf("/shop"), interval: 5 });
    const row = rowOf(page, "shop");
    await row.waitFor({ timeout: LIVE_MS });
    await row.getByText("up", { exact: true }).waitFor({ timeout: LIVE_MS });
    // The last check's latency arrives with the check events.
    await row.getByText(/\d+ ms/).waitFor({ timeout: LIVE_MS });
    expect(await row.getByRole("link", { name: "shop" }).getAttribute("href")).toMatch(/^\/monitors\/\d+$/);

    target.set("/shop", "down");
    await row.getByText("down", { exact: true }).waitFor({ timeout: LIVE_MS });
    await page.getByRole("list", { name: "Counts by status" }).getByText("down").waitFor();
    // The hour's cell of the bar turned DOWN too, and says so in words.
    expect(await row.getByRole("img").getAttribute("aria-label")).toMatch(/1 h down/);
    expect(await stayed(page)).toBe(true);
    target.set("/shop", "up");
    expect(errors.filter((e) => !/401/.test(e))).toEqual([]);
    await context.close();
  });

  it("shows groups as a tree, worst first, and filters by search and status", async () => {
    const group = await createMonitor(leader.port, { name: "payments", type: "group", url: undefined });
    await createMonitor(leader.port, {
      name: "billing-api",
      url: target.urlOf("/billing"),
      parent: group.name,
      paused: true,
    });
    await createMonitor(leader.port, { name: "zeta-docs", url: target.urlOf("/docs"), paused: true });
    const { page, context, errors } = await newPage(tb.browser);
    await signIn(page, leader.url, "edna", "correct horse battery");
    const table = page.getByRole("table");
    await rowOf(page, "billing-api").waitFor();
    const names = async () => table.locator(".mbody .name a").allTextContents();
    // The child comes right after its group and says which group it is in.
    const all = await names();
    expect(all.indexOf("billing-api")).toBe(all.indexOf("payments") + 1);
    expect(await rowOf(page, "billing-api").textContent()).toContain("in group payments");

    await page.getByLabel("Search").fill("docs");
    await page.waitForFunction(() => document.querySelectorAll(".mbody [role=row]").length === 1);
    expect(await names()).toEqual(["zeta-docs"]);
    // A matching child keeps its group in view.
    await page.getByLabel("Search").fill("billing");
    await page.waitForFunction(() => document.querySelectorAll(".mbody [role=row]").length === 2);
    expect(await names()).toEqual(["payments", "billing-api"]);
    await page.getByLabel("Search").fill("");
    await page.getByLabel("Status", { exact: true }).selectOption("PAUSED");
    await page.waitForFunction(() => document.querySelectorAll(".mbody [role=row]").length === 3);
    expect((await names()).sort()).toEqual(["billing-api", "payments", "zeta-docs"]);
    await page.getByLabel("Search").fill("nothing like this");
    await page.getByText("No monitor matches the filter.").waitFor();
    expect(errors.filter((e) => !/401/.test(e))).toEqual([]);
    await context.close();
  });

  it("hides the editor's link from a viewer", async () => {
    const { page, context } = await newPage(tb.browser);
    await signIn(page, leader.url, "vic", "correct horse battery");
    await rowOf(page, "shop").waitFor();
    expect(await page.getByRole("link", { name: "New monitor" }).count()).toBe(0);
    await context.close();
  });

  it("shows a probe that registers on the nodes page live, with its region and role", async () => {
    const { page, context, errors } = await newPage(tb.browser);
    await signIn(page, leader.url, "vic", "correct horse battery");
    await page.getByRole("link", { name: "Nodes" }).click();
    await page.getByRole("heading", { name: "Nodes and regions" }).waitFor();
    await page.getByRole("table").getByText("online").first().waitFor();
    expect(await page.getByRole("cell", { name: "probe-ap" }).count()).toBe(0);
    const probe = startProbeProcess({
      id: "probe-ap",
      region: "ap-south",
      leaderPort: leader.port,
      port: await freePort(),
    });
    try {
      const row = page.getByRole("row").filter({ hasText: "probe-ap" });
      await row.waitFor({ timeout: LIVE_MS });
      expect(await row.textContent()).toMatch(/ap-south/);
      expect(await row.textContent()).toMatch(/online/);
      await page.getByText(/ap-south\s*1 of 1 online/).waitFor();
    } finally {
      await probe.kill("SIGTERM");
    }
    expect(errors.filter((e) => !/401/.test(e))).toEqual([]);
    await context.close();
  });

  it("has no serious accessibility violations on the overview and nodes, light and dark, desktop and phone", async () => {
    for (const [scheme, viewport] of [
      ["light", { width: 1280, height: 800 }],
      ["dark", { width: 1280, height: 800 }],
      ["light", { width: 375, height: 740 }],
      ["dark", { width: 375, height: 740 }],
    ] as const) {
      const { page, context, errors } = await newPage(tb.browser, viewport);
      await page.emulateMedia({ colorScheme: scheme });
      await signIn(page, leader.url, "edna", "correct horse battery");
      await rowOf(page, "shop").waitFor();
      expect(await seriousViolations(page)).toEqual([]);
      // Only the table may scroll sideways on a phone.
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

      await page.getByRole("link", { name: "Nodes" }).click();
      await page.getByRole("heading", { name: "Nodes and regions" }).waitFor();
      await page.getByRole("table").getByText("online").first().waitFor();
      expect(await seriousViolations(page)).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      expect(errors.filter((e) => !/401/.test(e))).toEqual([]);
      await context.close();
    }
  });
});
