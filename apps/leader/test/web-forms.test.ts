import { HttpTarget, WebhookReceiver } from "@uptop/test-kit";
import {
  addUser,
  type DashboardLeader,
  descriptionOf,
  fitsWidth,
  newPage,
  openBrowser,
  realErrors,
  seriousViolations,
  signIn,
  type TestBrowser,
} from "./browser-harness.js";
import { api, json } from "./cluster-harness.js";

(import.meta as unknown as { jest: { setTimeout(ms: number): void } }).jest.setTimeout(120_000);

// The monitor form in a real browser against a real leader that runs the checks it creates.
describe("the monitor form", () => {
  let leader: DashboardLeader;
  let tb: TestBrowser;
  let target: HttpTarget;
  let monitorId: number;

  beforeAll(async () => {
    const { startDashboardLeader } = await import("./browser-harness.js");
    target = await new HttpTarget().start();
    [leader, tb] = await Promise.all([startDashboardLeader(), openBrowser()]);
    await addUser(leader.port, "edna", "editor", "edna's long password");
    await addUser(leader.port, "vic", "viewer", "vic's long password");
  });

  afterAll(async () => {
    await tb?.close();
    await leader?.stop();
    await target?.stop();
  });

  it("creates an HTTP monitor and lands on its page, and the leader starts checking it", async () => {
    const { page, context, errors } = await newPage(tb.browser);
    await signIn(page, leader.url, "edna", "edna's long password");
    await page.goto(`${leader.url}/monitors/new`);
    await page.getByRole("heading", { name: "New monitor", level: 1 }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    // Only the fields of the chosen type: an HTTP monitor has a URL and no host name.
    expect(await page.getByLabel("Host name", { exact: true }).count()).toBe(0);
    await page.getByLabel("Name", { exact: true }).fill("web shop");
    await page.getByLabel("URL", { exact: true }).fill(target.urlOf("/health"));
    await page.getByLabel("Interval (seconds)", { exact: true }).fill("5");
    await page.getByLabel("Timeout (seconds)", { exact: true }).fill("2");
    await page.getByRole("button", { name: "Create monitor" }).click();
    await page.waitForURL(/\/monitors\/\d+$/, { timeout: 20_000 });
    monitorId = Number(/\/monitors\/(\d+)$/.exec(page.url())![1]);
    const stored = await json<{ name: string; url: string; interval: number; timeout: number }>(
      leader.port,
      `/api/monitors/${monitorId}`,
    );
    expect(stored).toMatchObject({ name: "web shop", url: target.urlOf("/health"), interval: 5, timeout: 2 });
    const deadline = Date.now() + 20_000;
    while (target.hitsOf("/health") === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(target.hitsOf("/health")).toBeGreaterThan(0);
    expect(realErrors(errors)).toEqual([]);
    await context.close();
  });

  it("shows each refused field under itself, sums them up at the top, and keeps what was typed", async () => {
    const { page, context, errors } = await newPage(tb.browser);
    await signIn(page, leader.url, "edna", "edna's long password");
    await page.goto(`${leader.url}/monitors/${monitorId}/edit`);
    await page.getByRole("heading", { name: "Edit web shop", level: 1 }).waitFor();
    expect(await page.getByLabel("URL", { exact: true }).inputValue()).toBe(target.urlOf("/health"));
    await page.getByLabel("URL", { exact: true }).fill("not a url");
    await page.getByLabel("Timeout (seconds)", { exact: true }).fill("10");
    await page.getByRole("button", { name: "Save changes" }).click();
    const summary = page.getByRole("alert");
    await summary.waitFor();
    expect(await summary.textContent()).toMatch(/URL: is not a valid URL/);
    expect(await summary.textContent()).toMatch(/Timeout \(seconds\): must be less than the interval/);
    // The focus moved to the summary, so a screen reader reads it first.
    expect(await page.evaluate(() => document.activeElement?.getAttribute("role"))).toBe("alert");
    expect(await page.getByLabel("URL", { exact: true }).getAttribute("aria-invalid")).toBe("true");
    expect(await descriptionOf(page, "URL")).toMatch(/is not a valid URL/);
    expect(await descriptionOf(page, "Timeout (seconds)")).toMatch(/must be less than the interval \(5 s\)/);
    expect(await descriptionOf(page, "Name")).toBe("");
    expect(await page.getByLabel("URL", { exact: true }).inputValue()).toBe("not a url");
    expect(await page.getByLabel("Timeout (seconds)", { exact: true }).inputValue()).toBe("10");
    expect(await seriousViolations(page)).toEqual([]);
    // Nothing was saved.
    const stored = await json<{ url: string }>(leader.port, `/api/monitors/${monitorId}`);
    expect(stored.url).toBe(target.urlOf("/health"));

    // Fixed, the same form saves and goes to the monitor's page.
    await page.getByLabel("URL", { exact: true }).fill(target.urlOf("/other"));
    await page.getByLabel("Timeout (seconds)", { exact: true }).fill("3");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.waitForURL(new RegExp(`/monitors/${monitorId}$`), { timeout: 20_000 });
    const saved = await json<{ url: string; timeout: number }>(leader.port, `/api/monitors/${monitorId}`);
    expect(saved).toMatchObject({ url: target.urlOf("/other"), timeout: 3 });
    // The 400 shows in the console as a failed request; nothing else may.
    expect(realErrors(errors).filter((e) => !/400/.test(e))).toEqual([]);
    await context.close();
  });

  it("keeps a masked secret unchanged when the form is saved without touching it", async () => {
    const receiver = await new WebhookReceiver().start();
    try {
      const res = await api(leader.port, `/api/monitors/${monitorId}`, {
        method: "PATCH",
        body: JSON.stringify({ url: receiver.urlOf("/probe"), auth: { type: "bearer", token: "s3cret-token-value" } }),
      });
      expect(res.status).toBe(200);
      const { page, context } = await newPage(tb.browser);
      await signIn(page, leader.url, "edna", "edna's long password");
      await page.goto(`${leader.url}/monitors/${monitorId}/edit`);
      await page.getByRole("heading", { name: "Edit web shop", level: 1 }).waitFor();
      // The browser never holds the secret: the form shows the mask.
      expect(await page.getByLabel("Bearer token", { exact: true }).inputValue()).toBe("********");
      await page.getByLabel("Description", { exact: true }).fill("the shop's health page");
      await page.getByRole("button", { name: "Save changes" }).click();
      await page.waitForURL(new RegExp(`/monitors/${monitorId}$`), { timeout: 20_000 });
      await context.close();
      const stored = await json<{ description: string }>(leader.port, `/api/monitors/${monitorId}`);
      expect(stored.description).toBe("the shop's health page");
      // The checks after the save still send the stored token, not the mask.
      receiver.received.length = 0;
      const deadline = Date.now() + 20_000;
      while (receiver.received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      expect(receiver.received[0]?.headers.authorization).toBe("Bearer s3cret-token-value");
    } finally {
      await receiver.stop();
    }
  });

  it("creates a group and a TCP monitor inside it that notifies a chosen channel", async () => {
    const hook = await api(leader.port, "/api/channels", {
      method: "POST",
      body: JSON.stringify({ name: "pager", type: "webhook", settings: { url: target.urlOf("/hook") } }),
    });
    expect(hook.status).toBe(201);
    const { page, context, errors } = await newPage(tb.browser);
    await signIn(page, leader.url, "edna", "edna's long password");
    await page.goto(`${leader.url}/monitors/new`);
    await page.getByLabel("Name", { exact: true }).fill("backend");
    await page.getByLabel("Type", { exact: true }).selectOption("group");
    expect(await page.getByLabel("URL", { exact: true }).count()).toBe(0);
    expect(await page.getByLabel("Host name", { exact: true }).count()).toBe(0);
    await page.getByRole("button", { name: "Create monitor" }).click();
    await page.waitForURL(/\/monitors\/\d+$/, { timeout: 20_000 });

    await page.goto(`${leader.url}/monitors/new`);
    await page.getByLabel("Name", { exact: true }).fill("database port");
    await page.getByLabel("Type", { exact: true }).selectOption("tcp");
    await page.getByLabel("Host name", { exact: true }).fill("127.0.0.1");
    await page.getByLabel("Port", { exact: true }).fill(String(target.port));
    await page.getByLabel("Interval (seconds)", { exact: true }).fill("30");
    await page.getByLabel("Parent group", { exact: true }).selectOption("backend");
    await page.getByRole("checkbox", { name: /^pager/ }).check();
    await page.getByRole("button", { name: "Create monitor" }).click();
    await page.waitForURL(/\/monitors\/\d+$/, { timeout: 20_000 });
    const id = Number(/\/monitors\/(\d+)$/.exec(page.url())![1]);
    const stored = await json<Record<string, unknown>>(leader.port, `/api/monitors/${id}`);
    expect(stored).toMatchObject({
      name: "database port",
      type: "tcp",
      hostname: "127.0.0.1",
      port: target.port,
      interval: 30,
      url: null,
      parent: "backend",
      channels: ["pager"],
    });
    expect(realErrors(errors)).toEqual([]);
    await context.close();
  });

  it("is accessible in dark mode and fits a phone in one column", async () => {
    const { page, context, errors } = await newPage(tb.browser, { width: 375, height: 740 });
    await page.emulateMedia({ colorScheme: "dark" });
    await signIn(page, leader.url, "edna", "edna's long password");
    await page.getByLabel("Theme").selectOption("dark");
    await page.goto(`${leader.url}/monitors/new`);
    await page.getByRole("heading", { name: "New monitor", level: 1 }).waitFor();
    expect(await page.evaluate(() => document.documentElement.getAttribute("data-theme"))).toBe("dark");
    expect(await seriousViolations(page)).toEqual([]);
    expect(await fitsWidth(page)).toBe(true);
    // Other types show their own fields, still in one column.
    await page.getByLabel("Type", { exact: true }).selectOption("tcp");
    await page.getByLabel("Host name", { exact: true }).waitFor();
    await page.getByLabel("Port", { exact: true }).waitFor();
    expect(await page.getByLabel("URL", { exact: true }).count()).toBe(0);
    const nameBox = await page.getByLabel("Host name", { exact: true }).boundingBox();
    const portBox = await page.getByLabel("Port", { exact: true }).boundingBox();
    expect(portBox!.y).toBeGreaterThan(nameBox!.y);
    expect(await fitsWidth(page)).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    expect(realErrors(errors)).toEqual([]);
    await context.close();
  });

  it("tells a viewer they cannot edit, shows no form, and the API refuses the change anyway", async () => {
    const { page, context, errors } = await newPage(tb.browser);
    await signIn(page, leader.url, "vic", "vic's long password");
    await page.goto(`${leader.url}/monitors/${monitorId}/edit`);
    await page.getByText("You cannot edit monitors").waitFor();
    expect(await page.getByRole("button", { name: "Save changes" }).count()).toBe(0);
    expect(await page.getByLabel("Name", { exact: true }).count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    const status = await page.evaluate(async (id) => {
      const session = (await (await fetch("/api/auth/session")).json()) as { csrfToken: string };
      const res = await fetch(`/api/monitors/${id}`, {
        method: "PATCH",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": session.csrfToken },
        body: JSON.stringify({ name: "taken over" }),
      });
      return res.status;
    }, monitorId);
    expect(status).toBe(403);
    expect((await json<{ name: string }>(leader.port, `/api/monitors/${monitorId}`)).name).toBe("web shop");
    expect(realErrors(errors).filter((e) => !/403/.test(e))).toEqual([]);
    await context.close();
  });
});
