import { HttpTarget } from "@uptop/test-kit";
import {
  addUser,
  type DashboardLeader,
  newPage,
  openBrowser,
  seriousViolations,
  signIn,
  type TestBrowser,
} from "./browser-harness.js";
import { api, createMonitor, type MonitorView } from "./cluster-harness.js";

(import.meta as unknown as { jest: { setTimeout(ms: number): void } }).jest.setTimeout(120_000);

const LIVE_MS = 20_000;

// One monitor's page against a real leader checking a real loopback service.
describe("the dashboard's monitor detail page", () => {
  let leader: DashboardLeader;
  let tb: TestBrowser;
  const target = new HttpTarget();
  let monitor: MonitorView;

  beforeAll(async () => {
    const { startDashboardLeader } = await import("./browser-harness.js");
    [leader, tb] = await Promise.all([startDashboardLeader(), openBrowser(), target.start()]);
    await addUser(leader.port, "edna", "editor", "correct horse battery");
    await addUser(leader.port, "vic", "viewer", "correct horse battery");
    monitor = await createMonitor(leader.port, { name: "checkout", url: target.urlOf("/checkout"), interval: 5 });
  });

  afterAll(async () => {
    await tb?.close();
    await leader?.stop();
    await target.stop();
  });

  it("shows the chart, the SLA and the status changes, and follows a failure live", async () => {
    const { page, context, errors } = await newPage(tb.browser);
    await signIn(page, leader.url, "edna", "correct horse battery");
    await page.getByRole("link", { name: "checkout", exact: true }).click();
    await page.getByRole("heading", { name: "checkout", level: 1 }).waitFor();
    await page.getByText("up", { exact: true }).first().waitFor({ timeout: LIVE_MS });
    // The chart: a canvas drawn by uPlot, named for a screen reader, with its figures in text.
    const chart = page.getByRole("img", {
      name: /Response time of checkout since .*average \d+ ms, 95th percentile \d+ ms/,
    });
    await chart.waitFor({ timeout: LIVE_MS });
    await page.waitForFunction(() => document.querySelector(".latency-chart canvas") !== null);
    await page.getByText("95th percentile").waitFor({ timeout: LIVE_MS });
    expect(await page.getByRole("rowheader", { name: "90d" }).count()).toBe(1);
    const changes = page.getByRole("table").filter({ hasText: "Reason" });
    await changes.getByRole("row").nth(1).waitFor({ timeout: LIVE_MS });

    target.set("/checkout", "down");
    await page.locator(".detail-head").getByText("down", { exact: true }).waitFor({ timeout: LIVE_MS });
    // The new change arrives with its reason and the votes behind it (the leader's own region).
    const latest = changes.getByRole("row").nth(1);
    await latest.locator("td.change", { hasText: /up.*down/ }).waitFor({ timeout: LIVE_MS });
    expect(await latest.textContent()).toMatch(/\(leader\): down/);
    // The last check, from the check events, says it failed.
    await page
      .locator(".facts")
      .getByText(/failed/)
      .waitFor({ timeout: LIVE_MS });
    target.set("/checkout", "up");
    expect(errors.filter((e) => !/401/.test(e))).toEqual([]);
    await context.close();
  });

  it("pauses and resumes from the page, and shows no serious accessibility violations", async () => {
    for (const [scheme, viewport] of [
      ["light", { width: 1280, height: 800 }],
      ["dark", { width: 375, height: 740 }],
    ] as const) {
      const { page, context, errors } = await newPage(tb.browser, viewport);
      await page.emulateMedia({ colorScheme: scheme });
      await signIn(page, leader.url, "edna", "correct horse battery");
      await page.goto(`${leader.url}/monitors/${monitor.id}`);
      await page.getByRole("heading", { name: "checkout", level: 1 }).waitFor();
      await page.waitForFunction(() => document.querySelector(".latency-chart canvas") !== null, null, {
        timeout: LIVE_MS,
      });
      expect(await seriousViolations(page)).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      expect(await page.getByRole("link", { name: "Edit", exact: true }).getAttribute("href")).toBe(
        `/monitors/${monitor.id}/edit`,
      );

      await page.getByRole("button", { name: "Check now" }).click();
      await page.getByRole("status").filter({ hasText: "Check queued" }).waitFor();
      await page.getByRole("button", { name: "Pause" }).click();
      await page.locator(".detail-head").getByText("paused", { exact: true }).waitFor();
      await page.getByRole("button", { name: "Resume" }).waitFor();
      expect(
        ((await (await api(leader.port, `/api/monitors/${monitor.id}`)).json()) as { paused: boolean }).paused,
      ).toBe(true);
      await page.getByRole("button", { name: "Resume" }).click();
      await page.getByRole("button", { name: "Pause" }).waitFor();
      expect(errors.filter((e) => !/401/.test(e))).toEqual([]);
      await context.close();
    }
  });

  it("shows a viewer no Pause, Edit or Delete", async () => {
    const { page, context } = await newPage(tb.browser);
    await signIn(page, leader.url, "vic", "correct horse battery");
    await page.goto(`${leader.url}/monitors/${monitor.id}`);
    await page.getByRole("heading", { name: "checkout", level: 1 }).waitFor();
    await page.getByText("95th percentile").waitFor({ timeout: LIVE_MS });
    for (const name of ["Pause", "Resume", "Check now", "Delete"]) {
      expect(await page.getByRole("button", { name }).count()).toBe(0);
    }
    expect(await page.getByRole("link", { name: "Edit", exact: true }).count()).toBe(0);
    await context.close();
  });

  it("deletes after a confirmation and goes back to the list", async () => {
    const doomed = await createMonitor(leader.port, { name: "doomed", url: target.urlOf("/doomed"), paused: true });
    const { page, context, errors } = await newPage(tb.browser);
    await signIn(page, leader.url, "edna", "correct horse battery");
    await page.goto(`${leader.url}/monitors/${doomed.id}`);
    await page.getByRole("heading", { name: "doomed", level: 1 }).waitFor();
    await page.getByRole("button", { name: "Delete" }).click();
    await page.getByRole("button", { name: "Cancel" }).click();
    await page.getByRole("button", { name: "Delete" }).click();
    await page.getByRole("button", { name: "Yes, delete" }).click();
    await page.getByRole("heading", { name: "Monitors", level: 1 }).waitFor();
    expect((await api(leader.port, `/api/monitors/${doomed.id}`)).status).toBe(404);
    expect(errors.filter((e) => !/401/.test(e))).toEqual([]);
    await context.close();
  });
});
