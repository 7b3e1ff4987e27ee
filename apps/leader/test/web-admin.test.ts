import { createHmac } from "node:crypto";
import { HttpTarget, WebhookReceiver } from "@uptop/test-kit";
import type { Page } from "playwright-core";
import {
  addUser,
  type DashboardLeader,
  fitsWidth,
  newPage,
  openBrowser,
  realErrors,
  seriousViolations,
  signIn,
  type TestBrowser,
} from "./browser-harness.js";
import { api, json } from "./cluster-harness.js";

(import.meta as unknown as { jest: { setTimeout(ms: number): void } }).jest.setTimeout(180_000);

/** The page at `path`, found by its h1, checked with axe at a desktop width and on a phone. */
async function checkPage(page: Page, url: string, heading: string): Promise<void> {
  for (const viewport of [
    { width: 1280, height: 800 },
    { width: 375, height: 740 },
  ]) {
    await page.setViewportSize(viewport);
    await page.goto(url);
    await page.getByRole("heading", { name: heading, level: 1 }).waitFor();
    await page.getByText("Loading…").waitFor({ state: "detached" });
    expect(await seriousViolations(page)).toEqual([]);
    expect(await fitsWidth(page)).toBe(true);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

// The write side of the dashboard, as editors and admins use it, against a real leader.
describe("the dashboard's channels, maintenance, status page and users pages", () => {
  let leader: DashboardLeader;
  let tb: TestBrowser;
  let target: HttpTarget;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    const { startDashboardLeader } = await import("./browser-harness.js");
    target = await new HttpTarget().start();
    receiver = await new WebhookReceiver().start();
    [leader, tb] = await Promise.all([startDashboardLeader(), openBrowser()]);
    await addUser(leader.port, "edna", "editor", "edna's long password");
    await addUser(leader.port, "ada", "admin", "ada's long password");
    const res = await api(leader.port, "/api/monitors", {
      method: "POST",
      body: JSON.stringify({ name: "api", type: "http", url: target.urlOf("/api"), interval: 5, timeout: 2 }),
    });
    expect(res.status).toBe(201);
  });

  afterAll(async () => {
    await tb?.close();
    await leader?.stop();
    await receiver?.stop();
    await target?.stop();
  });

  it("adds a webhook channel and its Send test reaches the receiver", async () => {
    const { page, context, errors } = await newPage(tb.browser);
    await signIn(page, leader.url, "edna", "edna's long password");
    await checkPage(page, `${leader.url}/channels`, "Notification channels");
    await page.getByRole("button", { name: "Add channel" }).click();
    await page.getByLabel("Name", { exact: true }).fill("ops hook");
    await page.getByLabel("Type", { exact: true }).selectOption("webhook");
    // A URL that is no URL is refused under its field.
    await page.getByLabel("Webhook URL", { exact: true }).fill("not a url");
    await page.getByRole("button", { name: "Create channel" }).click();
    await page.getByRole("alert").waitFor();
    expect(await page.getByRole("alert").textContent()).toMatch(/Webhook URL: must be an http\(s\) URL/);
    expect(await page.getByLabel("Webhook URL", { exact: true }).getAttribute("aria-invalid")).toBe("true");
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel("Webhook URL", { exact: true }).fill(receiver.url);
    await page.getByLabel("Signing secret", { exact: true }).fill("hook signing secret");
    await page.getByRole("button", { name: "Create channel" }).click();
    await page.getByRole("cell", { name: "ops hook", exact: true }).waitFor();
    await page.getByRole("button", { name: "Send test to ops hook" }).click();
    await page.getByText("Test sent: the receiver accepted it.").waitFor({ timeout: 20_000 });
    const tests = receiver.bodies().filter((b) => b.event === "test");
    expect(tests).toHaveLength(1);

    // Editing keeps the masked secret: saving unchanged and testing again still signs.
    await page.getByRole("button", { name: "Edit ops hook" }).click();
    expect(await page.getByLabel("Signing secret", { exact: true }).inputValue()).toBe("********");
    await page.getByLabel("Default: notify for every monitor").check();
    await page.getByRole("button", { name: "Save channel" }).click();
    await page.getByRole("cell", { name: "Yes: every monitor" }).waitFor();
    const channels = await json<Array<{ name: string; default: boolean; settings: Record<string, unknown> }>>(
      leader.port,
      "/api/channels",
    );
    expect(channels).toEqual([
      expect.objectContaining({
        name: "ops hook",
        default: true,
        settings: expect.objectContaining({ secret: "********" }),
      }),
    ]);
    const before = receiver.received.length;
    await page.getByRole("button", { name: "Send test to ops hook" }).click();
    const deadline = Date.now() + 20_000;
    while (receiver.received.length === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    // Both tests are signed with the secret typed once into the form, not with the mask.
    for (const r of receiver.received) {
      expect(r.headers["x-uptop-signature"]).toBe(
        `sha256=${createHmac("sha256", "hook signing secret").update(r.body).digest("hex")}`,
      );
    }
    expect(receiver.received.length).toBe(before + 1);
    expect(realErrors(errors).filter((e) => !/400/.test(e))).toEqual([]);
    await context.close();
  });

  it("enables the status page, opens an incident with a message, and the public page shows it", async () => {
    const { page, context, errors } = await newPage(tb.browser);
    await signIn(page, leader.url, "edna", "edna's long password");
    await checkPage(page, `${leader.url}/status-page`, "Status page");
    await page.getByLabel("Enable the public status page").check();
    await page.getByLabel("Title", { exact: true }).fill("Acme status");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("Saved.").waitFor();
    expect(await json<{ enabled: boolean; title: string }>(leader.port, "/api/status-page/settings")).toMatchObject({
      enabled: true,
      title: "Acme status",
    });

    await checkPage(page, `${leader.url}/maintenance`, "Maintenance and incidents");
    await page.getByRole("button", { name: "New window" }).click();
    await page.getByLabel("Type", { exact: true }).selectOption("incident");
    await page.getByLabel("Title", { exact: true }).fill("Payments are slow");
    await page.getByLabel("Message", { exact: true }).fill("We are looking into slow card payments.");
    await page.getByRole("button", { name: "Create window" }).click();
    await page.getByRole("heading", { name: "Active now" }).waitFor();
    await page.getByRole("cell", { name: /^Payments are slow/ }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    // The public page, as anyone sees it.
    const status = await context.newPage();
    await status.goto(`${leader.url}/status`);
    await status.getByText("Acme status").first().waitFor();
    await status.getByText("Payments are slow").first().waitFor();
    await status.getByText("We are looking into slow card payments.").first().waitFor();
    await status.close();

    // Ended, it leaves the active list for the past one.
    await page.getByRole("button", { name: "End now: Payments are slow" }).click();
    await page.getByRole("heading", { name: "Past" }).waitFor();
    await page.waitForFunction(() => !document.querySelector('[aria-labelledby="mw-active"] table'));
    const windows = await json<Array<{ title: string; active: boolean; end: string | null }>>(
      leader.port,
      "/api/maintenance",
    );
    expect(windows).toEqual([expect.objectContaining({ title: "Payments are slow", active: false })]);
    expect(windows[0]!.end).not.toBeNull();
    expect(realErrors(errors)).toEqual([]);
    await context.close();
  });

  it("lets an admin add a viewer with a password who then signs in, and shows a new token once", async () => {
    const { page, context, errors } = await newPage(tb.browser);
    await signIn(page, leader.url, "ada", "ada's long password");
    await checkPage(page, `${leader.url}/users`, "Users");
    await page.getByRole("button", { name: "Add user" }).click();
    await page.getByLabel("User name", { exact: true }).fill("walter");
    await page.getByLabel("Role", { exact: true }).selectOption("viewer");
    await page.getByLabel("Password", { exact: true }).fill("walter's long password");
    await page.getByRole("button", { name: "Add user" }).last().click();
    await page.getByRole("cell", { name: "walter", exact: true }).waitFor();

    await page.getByRole("button", { name: "Manage walter" }).click();
    await page.getByLabel("Token name", { exact: true }).fill("ci");
    await page.getByRole("button", { name: "Create token" }).click();
    const shown = await page.getByTestId("secret-once").textContent();
    expect(shown).toMatch(/\S{20,}/);
    // The token works for the API, as walter (a viewer).
    const me = await fetch(`${leader.url}/api/me`, { headers: { Authorization: `Bearer ${shown}` } });
    expect(await me.json()).toMatchObject({ name: "walter", role: "viewer" });
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole("button", { name: "Done" }).click();
    expect(await page.getByTestId("secret-once").count()).toBe(0);
    await page.getByRole("button", { name: "Revoke token ci" }).click();
    await page.getByText("No tokens.").waitFor();
    expect((await fetch(`${leader.url}/api/me`, { headers: { Authorization: `Bearer ${shown}` } })).status).toBe(401);
    expect(realErrors(errors)).toEqual([]);
    await context.close();

    // Walter signs in with the password the admin gave, sees his account, and signs out.
    const w = await newPage(tb.browser);
    await signIn(w.page, leader.url, "walter", "walter's long password");
    await checkPage(w.page, `${leader.url}/account`, "Your account");
    await w.page.getByText("viewer").first().waitFor();
    expect(await w.page.getByRole("link", { name: "Users" }).count()).toBe(0);
    // A viewer sees channels but no way to change them.
    await checkPage(w.page, `${leader.url}/channels`, "Notification channels");
    expect(await w.page.getByRole("button", { name: "Add channel" }).count()).toBe(0);
    await w.page.getByRole("button", { name: "Sign out" }).click();
    await w.page.getByRole("heading", { name: "Sign in to uptop" }).waitFor();
    expect(realErrors(w.errors)).toEqual([]);
    await w.context.close();
  });

  it("changes the signed-in user's own password on the account page", async () => {
    await addUser(leader.port, "pat", "editor", "pat's first password");
    const { page, context, errors } = await newPage(tb.browser);
    await signIn(page, leader.url, "pat", "pat's first password");
    await page.goto(`${leader.url}/account`);
    await page.getByRole("heading", { name: "Your account", level: 1 }).waitFor();
    await page.getByLabel("Current password", { exact: true }).fill("not my password");
    await page.getByLabel("New password", { exact: true }).fill("pat's second password");
    await page.getByLabel("New password again", { exact: true }).fill("pat's second password");
    await page.getByRole("button", { name: "Change password" }).click();
    await page.getByRole("alert").waitFor();
    expect(await page.getByRole("alert").textContent()).toMatch(/current password is wrong/);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel("Current password", { exact: true }).fill("pat's first password");
    await page.getByRole("button", { name: "Change password" }).click();
    await page.getByText("Password changed.").waitFor();
    await context.close();
    const again = await newPage(tb.browser);
    await signIn(again.page, leader.url, "pat", "pat's second password");
    await again.context.close();
    expect(realErrors(errors).filter((e) => !/403/.test(e))).toEqual([]);
  });
});
