import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { ADMIN_TOKEN } from "@uptop/test-kit";
import { startTestServer, type TestServer } from "../../../apps/cli/test/harness.js";
import { KEY, renderDashboard, userWithToken } from "./render-helpers.js";
import { seedMonitors } from "./seed.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
  await seedMonitors(server, [
    { name: "web", type: "group", status: "DOWN" },
    { name: "checkout", status: "DOWN", parent: "web", retries: 2 },
    { name: "homepage", status: "UP", parent: "web", latencyMs: 80 },
    { name: "search-api", status: "UP", latencyMs: 1500 },
    { name: "billing", status: "PENDING" },
    { name: "legacy", status: "PAUSED" },
  ]);
});
afterAll(async () => {
  await server.stop();
});

function lineOf(frame: string, text: string): string {
  return frame.split("\n").find((l) => l.includes(text)) ?? "";
}

describe("the monitors table", () => {
  it("lists monitors worst first, groups as a tree, within 80×24", async () => {
    const d = renderDashboard(server.url);
    try {
      const frame = await d.waitFor("search-api");
      const lines = frame.split("\n");
      expect(lines.length).toBeLessThanOrEqual(24);
      for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
      const order = ["web", "checkout", "billing", "search-api", "legacy"].map((n) =>
        lines.findIndex((l) => new RegExp(`\\b${n}\\b`).test(l)),
      );
      expect(order).toEqual([...order].sort((a, b) => a - b));
      expect(lineOf(frame, "checkout")).toMatch(/▼ DOWN.*└|├/);
      expect(lineOf(frame, "search-api")).toContain("1.5s");
      expect(frame).toContain("6 monitors");
    } finally {
      d.unmount();
    }
  });

  it("moves with arrows and j/k, opens the detail panel on Enter and goes back on Esc", async () => {
    const d = renderDashboard(server.url, { columns: 120, rows: 40 });
    try {
      await d.waitFor("search-api");
      // The first line (web, the worst group) is selected; two down is homepage's or checkout's child row.
      await d.press("j", KEY.down, "k");
      await d.press(KEY.enter);
      const detail = await d.waitFor(/UP → DOWN\s+timed out after 10 s/);
      expect(detail).toContain("checkout DOWN");
      expect(detail).toMatch(/votes: eu-west\/leader-1 ✗ TIMEOUT/);
      expect(await d.waitFor(/24h \d+(\.\d+)?%/)).toMatch(/Latency, last 10 checks/);
      await d.press(KEY.escape);
      const table = await d.waitFor("search-api");
      expect(table).not.toContain("SLA");
    } finally {
      d.unmount();
    }
  });

  it("filters with / as the user types, and Esc clears the filter", async () => {
    const d = renderDashboard(server.url);
    try {
      await d.waitFor("search-api");
      await d.press("/", "s", "e", "a");
      const filtered = await d.waitFor("/sea");
      expect(filtered).toContain("search-api");
      expect(filtered).not.toContain("billing");
      expect(filtered).toContain("1/6");
      await d.press(KEY.enter, KEY.escape);
      expect(await d.waitFor("billing")).toContain("6/6");
    } finally {
      d.unmount();
    }
  });

  it("shows the schema's field errors in the new-monitor form and creates the monitor once valid", async () => {
    const d = renderDashboard(server.url);
    try {
      await d.waitFor("search-api");
      await d.waitFor("api-token (admin)");
      await d.press("n");
      await d.waitFor("New monitor");
      // A port that is not a number: the schema's own message, next to the field.
      await d.press(..."api-two", KEY.down, KEY.down, KEY.down, KEY.down, ..."80x", KEY.enter);
      const form = await d.waitFor("field to fix");
      expect(lineOf(form, " port ")).toMatch(/expected number/i);
      // Then the rule that spans fields: an http monitor needs a URL.
      await d.press(KEY.backspace, KEY.enter);
      expect(lineOf(await d.waitFor("is required for http"), " url ")).toContain("is required for http monitors");
      await d.press(KEY.up, KEY.up, ..."https://two.example/", KEY.enter);
      await d.waitFor("api-two created");
      const res = await server.api("/api/monitors");
      const names = ((await res.json()) as Array<{ name: string; url: string }>).map((m) => m.name);
      expect(names).toContain("api-two");
    } finally {
      d.unmount();
    }
  });

  it("pauses and resumes the selected monitor through the API", async () => {
    const d = renderDashboard(server.url);
    try {
      await d.waitFor("search-api");
      await d.press("/", ..."billing", KEY.enter);
      await d.waitFor("1/");
      await d.press("p");
      await d.waitFor("billing paused");
      const paused = (await (await server.api("/api/monitors")).json()) as Array<{ name: string; paused: boolean }>;
      expect(paused.find((m) => m.name === "billing")?.paused).toBe(true);
      await d.press("p");
      await d.waitFor("billing resumed");
    } finally {
      d.unmount();
    }
  });
});

describe("every view fits the terminal", () => {
  // The dashboard clips only rows (a horizontal clip costs a width pass over every line of every
  // frame), so each view must keep its lines within the width by itself.
  const views: Array<[string, string[], string]> = [
    ["monitors", [], "search-api"],
    ["detail", [KEY.enter], "Latency"],
    ["new-monitor form", ["n"], "› name"],
    ["nodes", ["2"], "Regions"],
    ["channels", ["3"], "ENABLED"],
    ["maintenance", ["4"], "STATE"],
  ];
  it.each([
    [60, 20],
    [30, 12],
    [80, 24],
    [160, 48],
  ])("at %i×%i", async (columns, rows) => {
    for (const [view, keys, shows] of views) {
      const d = renderDashboard(server.url, { columns, rows });
      try {
        await d.waitFor("search-api");
        await d.press(...keys);
        const lines = (await d.waitFor(shows)).split("\n");
        expect({ view, lines: lines.length }).toEqual({ view, lines: Math.min(lines.length, rows) });
        for (const l of lines)
          expect({ view, l, width: l.length }).toEqual({ view, l, width: Math.min(l.length, columns) });
      } finally {
        d.unmount();
      }
    }
  });
});

describe("roles", () => {
  it("a viewer sees no edit keys, and an edit key changes nothing", async () => {
    const viewer = await userWithToken(server.url, "viewer-user", "viewer");
    const d = renderDashboard(server.url, { token: viewer.token });
    try {
      const frame = await d.waitFor("viewer-user (viewer)");
      await d.waitFor("search-api");
      expect(frame).not.toMatch(/p pause|n new|e edit|d delete/);
      await d.press("/", ..."search", KEY.enter, "p");
      await d.waitFor("needs role editor; you are viewer");
      await d.press("n");
      expect(d.frame()).not.toContain("New monitor");
      const all = (await (await server.api("/api/monitors")).json()) as Array<{ name: string; paused: boolean }>;
      expect(all.find((m) => m.name === "search-api")?.paused).toBe(false);
    } finally {
      d.unmount();
    }
  });

  it("a 403 from the server (the role was lowered meanwhile) shows as a message and the dashboard keeps running", async () => {
    const editor = await userWithToken(server.url, "editor-user", "editor");
    const d = renderDashboard(server.url, { token: editor.token });
    try {
      await d.waitFor("editor-user (editor)");
      const lowered = await fetch(`${server.url}/api/users/${editor.id}`, {
        method: "PATCH",
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ role: "viewer" }),
      });
      expect(lowered.status).toBe(200);
      await d.press("/", ..."search", KEY.enter, "c");
      await d.waitFor("refused: needs role editor; you are viewer");
      await d.press(KEY.escape);
      expect(await d.waitFor("billing")).toContain("search-api");
    } finally {
      d.unmount();
    }
  });
});

describe("an empty server", () => {
  it("says so and names the key to add a monitor", async () => {
    const empty = await startTestServer();
    const d = renderDashboard(empty.url);
    try {
      await d.waitFor("no monitors yet — press n to add one");
    } finally {
      d.unmount();
      await empty.stop();
    }
  });
});
