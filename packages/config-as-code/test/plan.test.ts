import { normalizeMonitor } from "@uptop/core";
import { formatPlan, normalizeDocument, planConfig, publicPlan, type CurrentState } from "../src/index.js";

const empty: CurrentState = { channels: [], monitors: [], maintenance: [] };

function current(doc: unknown): CurrentState {
  const { state } = normalizeDocument(doc);
  let id = 1;
  return {
    channels: state.channels.map((c) => ({ ...c, id: id++ })),
    monitors: state.monitors.map((m) => ({
      ...m,
      id: id++,
      token: m.type === "push" ? (m.token ?? "server-made-token-0123456789") : null,
    })),
    maintenance: state.maintenance.map((w) => ({ ...w, id: id++ })),
  };
}

function lines(cur: CurrentState, doc: unknown, prune = false): string[] {
  return formatPlan(publicPlan(planConfig(cur, normalizeDocument(doc).state, { prune })));
}

const base = {
  channels: [{ name: "ops-hook", type: "webhook", settings: { url: "https://hooks.example.com/a", secret: "s1" } }],
  monitors: [
    {
      name: "shop",
      type: "group",
      monitors: [
        {
          name: "checkout-api",
          type: "http",
          url: "https://shop.example.com/health",
          interval: 60,
          channels: ["ops-hook"],
        },
      ],
    },
    { name: "heartbeat", type: "push", interval: 300 },
  ],
  maintenance: [
    { title: "db upgrade", start: "2026-05-01T02:00:00Z", end: "2026-05-01T03:00:00Z", monitors: ["shop"] },
  ],
};

describe("planConfig", () => {
  it("creates everything on an empty server, channels first and groups before children", () => {
    expect(lines(empty, base)).toEqual([
      "+ create channel ops-hook",
      "+ create monitor shop",
      "+ create monitor heartbeat",
      "+ create monitor checkout-api",
      "+ create maintenance db upgrade",
    ]);
  });

  it("has nothing to do when the server already holds the document", () => {
    expect(lines(current(base), base)).toEqual(["nothing to do"]);
  });

  it("keeps a push monitor's server-made token when the document names none", () => {
    const cur = current(base);
    expect(cur.monitors.find((m) => m.name === "heartbeat")?.token).toBe("server-made-token-0123456789");
    expect(lines(cur, base)).toEqual(["nothing to do"]);
  });

  // biome-ignore format: a table reads best one case per line
  it.each([
    ["an interval", (d: any) => (d.monitors[0].monitors[0].interval = 30), ["~ update monitor checkout-api interval: 60 -> 30"]],
    ["a url", (d: any) => (d.monitors[0].monitors[0].url = "https://shop.example.com/v2"), ['~ update monitor checkout-api url: "https://shop.example.com/health" -> "https://shop.example.com/v2"']],
    ["a channel secret", (d: any) => (d.channels[0].settings.secret = "s2"), ["~ update channel ops-hook settings.secret: (secret changed)"]],
    [
      "a channel's reminder",
      (d: any) => (d.channels[0].reminderInterval = "1h"),
      ["~ update channel ops-hook reminderInterval: (none) -> 3600"],
    ],
    ["paused", (d: any) => (d.monitors[1].paused = true), ["~ update monitor heartbeat paused: false -> true"]],
    ["a window's end", (d: any) => (d.maintenance[0].end = "2026-05-01T04:00:00Z"), ['~ update maintenance db upgrade endAt: "2026-05-01T03:00:00.000Z" -> "2026-05-01T04:00:00.000Z"']],
    ["moving a monitor out of its group", (d: any) => d.monitors.push(d.monitors[0].monitors.pop()), ['~ update monitor checkout-api parent: "shop" -> (none)']],
    ["a header named constructor", (d: any) => (d.monitors[0].monitors[0].headers = { constructor: "x" }), ['~ update monitor checkout-api headers.constructor: (none) -> "x"']],
  ])("updates only what changed: %s", (_name, edit, expected) => {
    const doc = structuredClone(base);
    edit(doc);
    expect(lines(current(base), doc)).toEqual(expected);
  });

  it("never deletes without prune, and deletes children before groups with it", () => {
    const doc = { channels: [], monitors: [{ name: "heartbeat", type: "push", interval: 300 }] };
    expect(lines(current(base), doc)).toEqual(["nothing to do"]);
    expect(lines(current(base), doc, true)).toEqual([
      "- delete maintenance db upgrade",
      "- delete monitor checkout-api",
      "- delete monitor shop",
      "- delete channel ops-hook",
    ]);
  });

  it("never shows secret values in the public plan", () => {
    const doc = structuredClone(base);
    doc.channels[0]!.settings.secret = "new-secret";
    const plan = publicPlan(planConfig(current(base), normalizeDocument(doc).state, { prune: false }));
    expect(JSON.stringify(plan)).not.toContain("new-secret");
    expect(JSON.stringify(plan)).not.toContain("s1");
  });

  it("treats a masked monitor auth change as secret", () => {
    const cur = current({
      monitors: [
        { name: "a", type: "http", url: "https://a.example", auth: { type: "basic", username: "u", password: "p1" } },
      ],
    });
    const plan = publicPlan(
      planConfig(
        cur,
        {
          channels: [],
          maintenance: [],
          monitors: [
            normalizeMonitor({
              name: "a",
              type: "http",
              url: "https://a.example",
              auth: { type: "basic", username: "u", password: "p2" },
            }),
          ],
        },
        { prune: false },
      ),
    );
    expect(formatPlan(plan)).toEqual(["~ update monitor a auth: (secret changed)"]);
  });

  const withCredentials = {
    monitors: [
      {
        name: "api",
        type: "http",
        url: "https://svc:old-pass@api.example.com/health",
        method: "POST",
        body: '{"key":"old-key"}',
        headers: { "X-Vault-Token": "old-token" },
      },
    ],
  };
  // biome-ignore format: a table reads best one case per line
  it.each([
    ["a URL's password", (m: any) => (m.url = "https://svc:new-pass@api.example.com/health"), ["~ update monitor api url: (secret changed)"]],
    ["a URL's host, its password kept", (m: any) => (m.url = "https://svc:old-pass@api2.example.com/health"), ['~ update monitor api url: "https://svc:********@api.example.com/health" -> "https://svc:********@api2.example.com/health"']],
    ["a URL losing its credentials", (m: any) => (m.url = "https://api.example.com/health"), ['~ update monitor api url: "https://svc:********@api.example.com/health" -> "https://api.example.com/health"']],
    ["a body", (m: any) => (m.body = '{"key":"new-key"}'), ["~ update monitor api body: (secret changed)"]],
    ["a token header", (m: any) => (m.headers["X-Vault-Token"] = "new-token"), ["~ update monitor api headers.X-Vault-Token: (secret changed)"]],
  ])("never shows a monitor's credentials in a plan: %s", (_name, edit, expected) => {
    const doc = structuredClone(withCredentials);
    edit(doc.monitors[0]);
    const plan = publicPlan(planConfig(current(withCredentials), normalizeDocument(doc).state, { prune: false }));
    expect(formatPlan(plan)).toEqual(expected);
    for (const secret of ["old-pass", "new-pass", "old-key", "new-key", "old-token", "new-token"])
      expect(JSON.stringify(plan)).not.toContain(secret);
  });

  it("renames a push monitor that keeps its token instead of creating a second one with the same token", () => {
    const cur = current(base);
    const heartbeat = cur.monitors.find((m) => m.name === "heartbeat")!;
    const doc = structuredClone(base) as any;
    doc.monitors[1] = { name: "beat", type: "push", interval: 300, token: "server-made-token-0123456789" };
    for (const prune of [false, true]) {
      const plan = planConfig(cur, normalizeDocument(doc).state, { prune });
      expect(plan.map((a) => [a.op, a.name, a.id])).toEqual([["update", "beat", heartbeat.id]]);
      expect(formatPlan(publicPlan(plan))).toEqual(['~ update monitor beat name: "heartbeat" -> "beat"']);
    }
  });

  it("still creates a push monitor whose token belongs to a monitor the document keeps", () => {
    const doc = structuredClone(base) as any;
    doc.monitors.push({ name: "beat", type: "push", interval: 300, token: "server-made-token-0123456789" });
    expect(lines(current(base), doc)).toEqual(["+ create monitor beat"]);
  });

  it.each([
    ["a name listed twice", ["shop", "shop"]],
    ["names in another order", ["heartbeat", "shop"]],
    ["both", ["heartbeat", "shop", "heartbeat"]],
  ])("compares a window's monitors as a set: %s", (_name, monitors) => {
    // The store keeps each monitor once, in first-seen order.
    const cur = current(base);
    cur.maintenance[0]!.monitors = monitors[0] === "shop" ? ["shop"] : ["shop", "heartbeat"];
    const doc = structuredClone(base);
    doc.maintenance[0]!.monitors = monitors;
    expect(lines(cur, doc)).toEqual(["nothing to do"]);
  });
});
