import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { runCli } from "./harness.js";

/** A server with 10 000 monitors: a few need a look, the rest are UP. */
const NOT_UP: Array<[string, string]> = [
  ["PAUSED", "old-batch"],
  ["DOWN", "db-primary"],
  ["LATE", "nightly-backup"],
  ["PENDING", "new-api"],
  ["DOWN", "checkout"],
  ["PAUSED", "legacy"],
  ["MAINTENANCE", "search"],
  ["DOWN", "auth"],
  ["LATE", "cron-report"],
];
const monitors = [
  ...NOT_UP.map(([status, name], i) => ({
    id: i + 1,
    name,
    type: "http",
    parent: null,
    status,
    statusSince: null,
    lastCheck: { ok: status !== "DOWN", latencyMs: 120, error: status === "DOWN" ? { code: "TIMEOUT" } : null },
  })),
  ...Array.from({ length: 10_000 - NOT_UP.length }, (_, i) => ({
    id: 100 + i,
    name: `svc-${String(i).padStart(5, "0")}`,
    type: "http",
    parent: null,
    status: "UP",
    statusSince: null,
    lastCheck: { ok: true, latencyMs: 42, error: null },
  })),
];
const nodes = [{ id: "n1", name: "leader-1", region: "eu-west", role: "leader", status: "online", version: "1.0.0" }];

let server: Server;
let url: string;

beforeAll(async () => {
  const bodies: Record<string, unknown> = {
    "/api/monitors": monitors,
    "/api/nodes": { nodes },
    "/api/maintenance": [],
  };
  server = createServer((req, res) => {
    const body = bodies[req.url ?? ""];
    res.writeHead(body === undefined ? 404 : 200, { "content-type": "application/json" });
    res.end(JSON.stringify(body ?? { error: { code: "NOT_FOUND", message: "not found" } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const status = (args: string[] = [], env: Record<string, string> = {}) =>
  runCli(["status", "--server", url, "--token", "t", ...args], env);
const lines = (stdout: string) => stdout.replace(/\n$/, "").split("\n");
const ESC = String.fromCharCode(27);
const plain = (s: string) => s.replaceAll(new RegExp(`${ESC}\\[\\d+m`, "g"), "");
const listedNames = (stdout: string) =>
  lines(plain(stdout)).flatMap((l) => /^ {2}[A-Z]+\s+(\S+)\s+http/.exec(l)?.[1] ?? []);

describe("uptop status on a large server", () => {
  it("fits one 24-row screen when not a terminal: counts, every non-UP monitor worst first, the rest summarised", async () => {
    const r = await status();
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("\u001b[");
    const out = lines(r.stdout);
    expect(out.length).toBeLessThanOrEqual(23);
    expect(out[0]).toBe(
      `uptop at ${url}: 10000 monitors — 3 DOWN, 2 LATE, 1 PENDING, 1 MAINTENANCE, 9991 UP, 2 PAUSED`,
    );
    const names = listedNames(r.stdout);
    expect(names.slice(0, 9)).toEqual([
      "auth",
      "checkout",
      "db-primary",
      "cron-report",
      "nightly-backup",
      "new-api",
      "search",
      "legacy",
      "old-batch",
    ]);
    const shownUp = names.length - 9;
    const more = out.find((l) => / more UP /.test(l));
    expect(more).toBe(`  ${9991 - shownUp} more UP (--all lists every monitor)`);
    expect(out).toContain("  online   leader-1         eu-west      leader   1.0.0");
    expect(out.at(-1)).toBe("  none active");
  });

  it("uses the terminal's rows and colours on the terminal path (forced with FORCE_COLOR and LINES)", async () => {
    const r = await status([], { FORCE_COLOR: "1", LINES: "40" });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("\u001b[31mDOWN");
    expect(r.stdout).toContain("\u001b[32mUP");
    expect(lines(r.stdout).length).toBe(39);
    // 39 rows: the count line, MONITORS (2), 9 not UP, 20 UP, "more UP", nodes (3), incidents (3).
    expect(listedNames(r.stdout)).toHaveLength(9 + 20);
  });

  it("lists every monitor with --all, and --json still carries all of them", async () => {
    const all = await status(["--all"]);
    expect(listedNames(all.stdout)).toHaveLength(10_000);
    expect(all.stdout).not.toContain("more UP");
    const json = JSON.parse((await status(["--json"])).stdout) as { monitors: unknown[]; nodes: unknown[] };
    expect(json.monitors).toHaveLength(10_000);
    expect(json.nodes).toEqual(nodes);
  });
});
