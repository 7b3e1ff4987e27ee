import { HttpTarget, until } from "@uptop/test-kit";
import {
  addUser,
  type DashboardLeader,
  descriptionOf,
  fitsWidth,
  markLoaded,
  newPage,
  openBrowser,
  realErrors,
  seriousViolations,
  signIn,
  stayed,
  type TestBrowser,
} from "./browser-harness.js";
import { api, json } from "./cluster-harness.js";

(import.meta as unknown as { jest: { setTimeout(ms: number): void } }).jest.setTimeout(180_000);

/** The monitor's interval, as typed into the form. */
const INTERVAL_S = 5;
/**
 * What DOWN may take beyond one interval, from the moment the target broke to the word "down" on
 * the page. Within the interval the next check starts (the leader alone votes, and one failed
 * check is DOWN with 0 retries); the allowance is for what follows it: the scheduler's lag on a
 * busy machine, the check itself (a loopback 500, a few ms), the state change's write (the status
 * event goes out once it is committed), the event stream to the browser and React's render.
 * Measured: 10-20 ms from the failed check to the page, on 2 cores also running two busy loops.
 */
const DELIVERY_ALLOWANCE_MS = 1500;
/** How long the test waits for something live before it fails (well past what is asserted). */
const LIVE_MS = 20_000;

// The whole flow, in order, as one operator in one browser page against a real leader
// that checks a loopback target this test breaks; then a viewer, the public status page and an
// address the dashboard does not know, each checked with axe.
describe("an operator's journey through the dashboard, and a viewer's", () => {
  let leader: DashboardLeader;
  let tb: TestBrowser;
  const target = new HttpTarget();
  const path = "/journey";
  let monitorId: number;

  beforeAll(async () => {
    const { startDashboardLeader } = await import("./browser-harness.js");
    [leader, tb] = await Promise.all([startDashboardLeader(), openBrowser(), target.start()]);
    await addUser(leader.port, "edna", "editor", "edna's long password");
    await addUser(leader.port, "vic", "viewer", "vic's long password");
  });

  afterAll(async () => {
    await tb?.close();
    await leader?.stop();
    await target.stop();
  });

  it("signs in, creates a monitor, sees it UP then DOWN within one interval live, pauses it, is refused an invalid edit, and signs out", async () => {
    const { page, context, errors } = await newPage(tb.browser);
    await page.goto(leader.url);
    await page.getByRole("heading", { name: "Sign in to uptop" }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    // Sign in with a password; from here on the page is never loaded again.
    await signIn(page, leader.url, "edna", "edna's long password");
    await page.getByRole("heading", { name: "No monitors yet" }).waitFor();
    await markLoaded(page);
    expect(await seriousViolations(page)).toEqual([]);

    // Create an HTTP monitor through the form: checked every 5 s, DOWN on its first failed check.
    await page.getByRole("link", { name: "New monitor" }).click();
    await page.getByRole("heading", { name: "New monitor", level: 1 }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel("Name", { exact: true }).fill("journey shop");
    await page.getByLabel("URL", { exact: true }).fill(target.urlOf(path));
    await page.getByLabel("Interval (seconds)", { exact: true }).fill(String(INTERVAL_S));
    await page.getByLabel("Timeout (seconds)", { exact: true }).fill("2");
    await page.getByLabel("Retries", { exact: true }).fill("0");
    await page.getByRole("button", { name: "Create monitor" }).click();
    await page.waitForURL(/\/monitors\/\d+$/, { timeout: LIVE_MS });
    monitorId = Number(/\/monitors\/(\d+)$/.exec(page.url())![1]);
    expect(await json(leader.port, `/api/monitors/${monitorId}`)).toMatchObject({
      name: "journey shop",
      type: "http",
      url: target.urlOf(path),
      interval: INTERVAL_S,
      timeout: 2,
      retries: 0,
      retryInterval: null,
      paused: false,
    });

    // Its page shows it go UP as the leader's first check arrives through the event stream.
    const head = page.locator(".detail-head");
    await page.getByRole("heading", { name: "journey shop", level: 1 }).waitFor();
    await head.getByText("up", { exact: true }).waitFor({ timeout: LIVE_MS });
    expect(target.hitsOf(path)).toBeGreaterThan(0);
    expect(await stayed(page)).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);

    // Break the target just after a check found it up, the worst moment: the next check is a
    // whole interval away. The page notes (by the same wall clock as ours) the moment its badge
    // first reads "down", so the delay measured is not the test's polling.
    await page.evaluate(() => {
      const w = window as unknown as { downSeenAt?: number };
      const isDown = () => document.querySelector(".detail-head .badge")?.textContent === "down";
      new MutationObserver((_, observer) => {
        if (!isDown()) return;
        w.downSeenAt = Date.now();
        observer.disconnect();
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    const checked = target.hitsOf(path);
    // A request is answered in the tick it is recorded in: the check seen here already got its 200.
    await until("a check of the target while it is up", () => target.hitsOf(path) > checked, LIVE_MS, 5);
    const brokeAt = Date.now();
    target.set(path, "down");
    const seen = await page.waitForFunction(() => (window as unknown as { downSeenAt?: number }).downSeenAt, null, {
      timeout: LIVE_MS,
    });
    // waitForFunction returned, so the value is there.
    const downSeenAt = (await seen.jsonValue()) as number;
    const firstFailedCheckAt = target.requests.find((r) => r.path === path && r.at >= brokeAt)?.at;
    const delayMs = downSeenAt - brokeAt;
    console.log(
      `DOWN shown ${delayMs} ms after the target broke (interval ${INTERVAL_S * 1000} ms): ` +
        `${firstFailedCheckAt === undefined ? "?" : firstFailedCheckAt - brokeAt} ms until the next check reached it, ` +
        `${firstFailedCheckAt === undefined ? "?" : downSeenAt - firstFailedCheckAt} ms from that check to the page`,
    );
    expect(delayMs).toBeLessThanOrEqual(INTERVAL_S * 1000 + DELIVERY_ALLOWANCE_MS);
    // The change came with its reason, the leader's failed vote behind it.
    await page
      .getByRole("table")
      .filter({ hasText: "Reason" })
      .getByRole("row")
      .nth(1)
      .locator("td.change", { hasText: /up.*down/ })
      .waitFor({ timeout: LIVE_MS });
    expect(await stayed(page)).toBe(true);

    // Pause it: the page says paused, and so does the API.
    await page.getByRole("button", { name: "Pause" }).click();
    await head.getByText("paused", { exact: true }).waitFor();
    await page.getByRole("button", { name: "Resume" }).waitFor();
    expect((await json<{ paused: boolean }>(leader.port, `/api/monitors/${monitorId}`)).paused).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);

    // Edit it with a URL that is not one: the field says why, and nothing is saved.
    const before = await json(leader.port, `/api/monitors/${monitorId}`);
    await page.getByRole("link", { name: "Edit", exact: true }).click();
    await page.getByRole("heading", { name: "Edit journey shop", level: 1 }).waitFor();
    expect(await page.getByLabel("URL", { exact: true }).inputValue()).toBe(target.urlOf(path));
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel("URL", { exact: true }).fill("not a url");
    await page.getByRole("button", { name: "Save changes" }).click();
    const summary = page.getByRole("alert");
    await summary.waitFor();
    expect(await summary.textContent()).toMatch(/URL: is not a valid URL/);
    expect(await page.getByLabel("URL", { exact: true }).getAttribute("aria-invalid")).toBe("true");
    expect(await descriptionOf(page, "URL")).toMatch(/is not a valid URL/);
    expect(await page.getByLabel("URL", { exact: true }).inputValue()).toBe("not a url");
    expect(await seriousViolations(page)).toEqual([]);
    expect(await json(leader.port, `/api/monitors/${monitorId}`)).toEqual(before);
    expect(await stayed(page)).toBe(true);

    // Sign out: the form is back, and the session cookie the browser held no longer works.
    const session = (await context.cookies()).find((c) => c.name === "uptop_session");
    expect(session).toBeDefined();
    const asEdna = { headers: { Cookie: `${session!.name}=${session!.value}` } };
    expect((await fetch(`${leader.url}/api/auth/session`, asEdna)).status).toBe(200);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in to uptop" }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    expect((await fetch(`${leader.url}/api/auth/session`, asEdna)).status).toBe(401);
    expect((await fetch(`${leader.url}/api/monitors/${monitorId}`, asEdna)).status).toBe(401);
    // The 400 of the refused save shows in the console as a failed request; nothing else may.
    expect(realErrors(errors).filter((e) => !/400/.test(e))).toEqual([]);
    await context.close();
  });

  it("shows a viewer that monitor with no way to edit it, and the API refuses the change anyway", async () => {
    const { page, context, errors } = await newPage(tb.browser);
    await signIn(page, leader.url, "vic", "vic's long password");
    await page.goto(`${leader.url}/monitors/${monitorId}`);
    await page.getByRole("heading", { name: "journey shop", level: 1 }).waitFor();
    await page.locator(".detail-head").getByText("paused", { exact: true }).waitFor();
    await page.getByRole("heading", { name: "Response time" }).waitFor();
    for (const name of ["Pause", "Resume", "Check now", "Delete"]) {
      expect(await page.getByRole("button", { name }).count()).toBe(0);
    }
    expect(await page.getByRole("link", { name: "Edit", exact: true }).count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);

    // The edit address itself says why there is no form.
    await page.goto(`${leader.url}/monitors/${monitorId}/edit`);
    await page.getByText("You cannot edit monitors").waitFor();
    expect(await page.getByRole("button", { name: "Save changes" }).count()).toBe(0);
    expect(await page.getByLabel("URL", { exact: true }).count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);

    const before = await json(leader.port, `/api/monitors/${monitorId}`);
    const status = await page.evaluate(async (id) => {
      const s = (await (await fetch("/api/auth/session")).json()) as { csrfToken: string };
      const res = await fetch(`/api/monitors/${id}`, {
        method: "PATCH",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": s.csrfToken },
        body: JSON.stringify({ paused: false, url: "http://127.0.0.1:1/elsewhere" }),
      });
      return res.status;
    }, monitorId);
    expect(status).toBe(403);
    expect(await json(leader.port, `/api/monitors/${monitorId}`)).toEqual(before);
    expect(realErrors(errors).filter((e) => !/403/.test(e))).toEqual([]);
    await context.close();
  });

  it("has no serious accessibility violations on the public status page, light and dark, desktop and phone", async () => {
    const saved = await api(leader.port, "/api/status-page/settings", {
      method: "PUT",
      body: JSON.stringify({
        enabled: true,
        title: "Journey status",
        description: "Our shop's status.",
        monitorIds: null,
      }),
    });
    expect(saved.status).toBe(200);
    const incident = await api(leader.port, "/api/maintenance", {
      method: "POST",
      body: JSON.stringify({
        title: "Checkout is slow",
        type: "incident",
        description: "We are looking into slow card payments.",
        start: new Date(Date.now() - 60_000).toISOString(),
      }),
    });
    expect(incident.status).toBe(201);
    for (const [scheme, viewport, background] of [
      ["light", { width: 1280, height: 800 }, "rgb(246, 247, 249)"],
      ["dark", { width: 1280, height: 800 }, "rgb(15, 20, 26)"],
      ["light", { width: 375, height: 740 }, "rgb(246, 247, 249)"],
      ["dark", { width: 375, height: 740 }, "rgb(15, 20, 26)"],
    ] as const) {
      const { page, context, errors } = await newPage(tb.browser, viewport);
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(`${leader.url}/status`);
      await page.getByRole("heading", { name: "Journey status", level: 1 }).waitFor();
      await page.getByText("We are looking into slow card payments.").first().waitFor();
      await page.getByText("journey shop").first().waitFor();
      // The scheme asked for is the one drawn.
      expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(background);
      expect(await seriousViolations(page)).toEqual([]);
      expect(await fitsWidth(page)).toBe(true);
      // The page loads nothing (no script, style sheet or image file): a 404 can only be the
      // browser's own request for /favicon.ico, which nothing serves.
      expect(errors.filter((e) => !/404/.test(e))).toEqual([]);
      await context.close();
    }
    // It reloads itself only for a reader who asks (axe's meta-refresh rule, WCAG 2.2.1), and the
    // page that does so links back to the one that does not.
    const { page, context } = await newPage(tb.browser);
    await page.goto(`${leader.url}/status`);
    const refreshes = () => page.locator('meta[http-equiv="refresh"]').count();
    expect(await refreshes()).toBe(0);
    await page.getByRole("link", { name: "refresh every minute" }).click();
    await page.waitForURL(/\/status\?refresh=1$/);
    expect(await refreshes()).toBe(1);
    await page.getByRole("link", { name: "stop refreshing" }).click();
    await page.waitForURL(/\/status$/);
    expect(await refreshes()).toBe(0);
    await context.close();
  });

  it("answers an address it does not know with an accessible Page not found, light and dark, desktop and phone", async () => {
    for (const [scheme, viewport, background] of [
      ["light", { width: 1280, height: 800 }, "rgb(247, 248, 250)"],
      ["dark", { width: 375, height: 740 }, "rgb(15, 20, 26)"],
    ] as const) {
      const { page, context, errors } = await newPage(tb.browser, viewport);
      await page.emulateMedia({ colorScheme: scheme });
      await signIn(page, leader.url, "vic", "vic's long password");
      await page.goto(`${leader.url}/no/such/page`);
      await page.getByRole("heading", { name: "Page not found", level: 1 }).waitFor();
      // The system's scheme is the one drawn (no theme chosen in this browser).
      expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(background);
      expect(await seriousViolations(page)).toEqual([]);
      expect(await fitsWidth(page)).toBe(true);
      await page.getByRole("link", { name: "Back to the monitors" }).click();
      await page.getByRole("heading", { name: "Monitors", level: 1 }).waitFor();
      expect(realErrors(errors)).toEqual([]);
      await context.close();
    }
  });
});
