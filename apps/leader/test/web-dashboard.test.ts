import {
  ADMIN_TOKEN,
  addUser,
  type DashboardLeader,
  newPage,
  signIn,
  openBrowser,
  seriousViolations,
  type TestBrowser,
} from "./browser-harness.js";

(import.meta as unknown as { jest: { setTimeout(ms: number): void } }).jest.setTimeout(90_000);

// The dashboard as the leader serves it: the app, its assets and its policy, in a real browser.
describe("the web dashboard served by a real leader", () => {
  let leader: DashboardLeader;
  let tb: TestBrowser;

  beforeAll(async () => {
    const { startDashboardLeader } = await import("./browser-harness.js");
    [leader, tb] = await Promise.all([startDashboardLeader(), openBrowser()]);
  });

  afterAll(async () => {
    await tb?.close();
    await leader?.stop();
  });

  it("answers / with the app, hashed assets cached for good, and a policy that allows nothing foreign", async () => {
    const res = await fetch(`${leader.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-cache");
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    const html = await res.text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${leader.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("cache-control")).toMatch(/immutable/);
    // A page path is the app (it routes in the browser); a missing file is a 404, not the app.
    expect((await fetch(`${leader.url}/monitors/12`)).status).toBe(200);
    expect((await fetch(`${leader.url}/assets/missing.js`)).status).toBe(404);
    // The API keeps answering JSON.
    const apiRes = await fetch(`${leader.url}/api/monitors`);
    expect(apiRes.status).toBe(401);
    expect(apiRes.headers.get("content-type")).toMatch(/json/);
  });

  it("shows the sign-in form without script or policy errors, accessible, on a desktop and a phone", async () => {
    for (const viewport of [
      { width: 1280, height: 800 },
      { width: 375, height: 740 },
    ]) {
      const { page, context, errors } = await newPage(tb.browser, viewport);
      await page.goto(leader.url);
      await page.getByRole("heading", { name: "Sign in to uptop" }).waitFor();
      expect(await seriousViolations(page)).toEqual([]);
      // The form fits the phone's width: nothing scrolls sideways.
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      // The session check answers 401 before anyone signs in: expected, and the only console noise allowed.
      expect(errors.filter((e) => !/401/.test(e))).toEqual([]);
      await context.close();
    }
  });

  it("signs in with a password, keeps the session across a reload, and signs out", async () => {
    await addUser(leader.port, "olga", "viewer", "correct horse battery");
    const { page, context, errors } = await newPage(tb.browser);
    await signIn(page, leader.url, "olga", "correct horse battery");
    const cookie = (await context.cookies()).find((c) => c.name === "uptop_session");
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict" });
    await page.reload();
    await page.getByRole("button", { name: "Sign out" }).waitFor();
    expect(await page.getByRole("link", { name: "Users" }).count()).toBe(0);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in to uptop" }).waitFor();
    await page.reload();
    await page.getByRole("heading", { name: "Sign in to uptop" }).waitFor();
    expect(errors.filter((e) => !/401/.test(e))).toEqual([]);
    await context.close();
  });

  it("refuses a wrong password with a message and keeps the user on the form", async () => {
    const { page, context } = await newPage(tb.browser);
    await page.goto(leader.url);
    await page.getByLabel("User name").fill("olga");
    await page.getByLabel("Password").fill("not her password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").waitFor();
    expect(await page.getByRole("alert").textContent()).toMatch(/invalid|wrong|incorrect/i);
    expect(await page.getByLabel("Password").inputValue()).toBe("");
    await context.close();
  });

  it("sets up a new installation's first admin with the admin API token, from the sign-in page", async () => {
    const { page, context, errors } = await newPage(tb.browser);
    await page.goto(leader.url);
    await page.getByRole("button", { name: /First time here/ }).click();
    await page.getByLabel("Admin API token").fill(ADMIN_TOKEN);
    await page.getByLabel("User name").fill("founder");
    await page.getByLabel("Password").fill("a long enough password");
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole("button", { name: "Create admin and sign in" }).click();
    await page.getByRole("button", { name: "Sign out" }).waitFor();
    // An admin: the users page is theirs.
    await page.getByRole("link", { name: "Users" }).waitFor();
    expect(errors.filter((e) => !/401/.test(e))).toEqual([]);
    await context.close();
  });
});
