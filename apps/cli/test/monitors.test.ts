import { until, WebhookReceiver } from "@uptop/test-kit";
import { runCli as runInProcess } from "../src/program.js";
import { readCliEnv } from "../src/cli-env.js";
import { runCli, serverArgs, startTestServer, type TestServer } from "./harness.js";

let server: TestServer;
let target: WebhookReceiver;

interface Listed {
  id: number;
  name: string;
  type: string;
  status: string;
  paused: boolean;
  lastCheck: unknown;
}

const cli = (...args: string[]) => runCli([...args, ...serverArgs(server)]);
const json = <T>(stdout: string) => JSON.parse(stdout) as T;

async function create(body: Record<string, unknown>): Promise<number> {
  const res = await server.api("/api/monitors", { method: "POST", body: JSON.stringify(body) });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: number }).id;
}

async function monitor(id: number): Promise<Listed> {
  return (await (await server.api(`/api/monitors/${id}`)).json()) as Listed;
}

let ids: Record<string, number>;

beforeAll(async () => {
  server = await startTestServer({ allowPrivateTargets: true });
  target = await new WebhookReceiver().start();
  ids = {
    // A day's interval: the only check the target sees is the one `check` asks for.
    web: await create({ name: "web", type: "http", url: target.urlOf("/health"), interval: 86_400 }),
    api: await create({ name: "api", type: "push" }),
    db: await create({ name: "db", type: "tcp", hostname: "db.example.com", port: 5432, paused: true }),
    "a-monitor-with-a-name-far-too-long-for-any-eighty-column-table-row": await create({
      name: "a-monitor-with-a-name-far-too-long-for-any-eighty-column-table-row",
      type: "push",
    }),
    Cache: await create({ name: "Cache", type: "push" }),
    CACHE: await create({ name: "CACHE", type: "push" }),
  };
});
afterAll(async () => {
  await server.stop();
  await target.stop();
});

describe("uptop monitors list", () => {
  it("prints a table of 80 columns at most, worst first, without colour off a terminal", async () => {
    const r = await cli("monitors", "list");
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("\u001b[");
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^\s*ID {2}NAME\s+TYPE\s+STATUS\s+LATENCY\s+UP 24H$/);
    expect(lines).toHaveLength(1 + 6);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
    // PENDING before PAUSED; the long name is cut with an ellipsis.
    expect(lines.at(-1)).toMatch(/^\s*\d+ {2}db\s+tcp\s+PAUSED\s+-\s+(-|[\d.]+%)$/);
    expect(r.stdout).toMatch(/ a-monitor-with-a-name-far-too-long-\S*…\s+push /);
    expect(lines[1]).toMatch(/PENDING/);
  });

  it("filters by status and by name, and --json prints only the API's objects", async () => {
    const paused = await cli("monitors", "list", "--status", "paused", "--json");
    expect(paused.code).toBe(0);
    expect(paused.stderr).toBe("");
    const rows = json<Listed[]>(paused.stdout);
    expect(rows.map((m) => [m.id, m.name, m.type, m.status, m.paused])).toEqual([
      [ids.db, "db", "tcp", "PAUSED", true],
    ]);

    const cache = json<Listed[]>((await cli("monitors", "list", "--filter", "cach", "--json")).stdout);
    expect(cache.map((m) => m.name).sort()).toEqual(["CACHE", "Cache"]);
    expect((await cli("monitors", "list", "--filter", "nothing-like-it")).stdout.trim()).toBe("no monitors match");
    expect((await cli("monitors", "list", "--status", "BROKEN")).code).toBe(2);
  });
});

describe("uptop monitors get", () => {
  it("shows one monitor by name or by id, and --json adds its uptime reports", async () => {
    const byName = await cli("monitors", "get", "db");
    expect(byName.code).toBe(0);
    expect(byName.stdout).toContain(`db (#${ids.db})`);
    expect(byName.stdout).toMatch(/status\s+PAUSED/);
    expect(byName.stdout).toMatch(/target\s+db\.example\.com:5432/);
    expect(byName.stdout).toMatch(/uptime\s+24h \S+, 7d \S+, 30d \S+$/m);

    const byId = json<Listed & { sla: Record<string, { uptimePct: number | null }> }>(
      (await cli("monitors", "get", String(ids.db), "--json")).stdout,
    );
    expect(byId).toMatchObject({ id: ids.db, name: "db", status: "PAUSED", hostname: "db.example.com" });
    expect(Object.keys(byId.sla)).toEqual(["24h", "7d", "30d"]);
    expect(byId.sla["24h"]).toHaveProperty("uptimePct");
  });

  it("refuses an unknown or ambiguous name with exit 2, and says why", async () => {
    const unknown = await cli("monitors", "get", "dbb");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toBe('error: no monitor "dbb"');
    const near = await cli("monitors", "get", "we");
    expect(near.stderr).toContain(`did you mean web (#${ids.web})`);
    const ambiguous = await cli("monitors", "get", "cache");
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain(`"cache" is ambiguous: it matches Cache (#${ids.Cache}), CACHE (#${ids.CACHE})`);
    expect(ambiguous.stdout).toBe("");
    // An exact name is never ambiguous.
    expect((await cli("monitors", "get", "Cache")).code).toBe(0);
    // A number that is one monitor's name and another's id.
    const named = await create({ name: String(ids.web), type: "push" });
    try {
      const both = await cli("monitors", "pause", String(ids.web));
      expect(both.code).toBe(2);
      expect(both.stderr.trim()).toBe(
        `error: "${ids.web}" is ambiguous: the name of ${ids.web} (#${named}) and the id of web (#${ids.web}); ` +
          `give ${named} or web instead`,
      );
    } finally {
      await server.api(`/api/monitors/${named}`, { method: "DELETE" });
    }
  });
});

describe("uptop monitors pause / resume", () => {
  it("pauses and resumes several monitors by name and id", async () => {
    const paused = await cli("monitors", "pause", "api", String(ids.Cache));
    expect(paused.code).toBe(0);
    expect(paused.stdout.trim().split("\n")).toEqual([
      `paused api (#${ids.api}): PAUSED`,
      `paused Cache (#${ids.Cache}): PAUSED`,
    ]);
    expect((await monitor(ids.api!)).paused).toBe(true);
    expect((await monitor(ids.Cache!)).paused).toBe(true);

    const resumed = json<Listed[]>((await cli("monitors", "resume", "api", "Cache", "--json")).stdout);
    expect(resumed.map((m) => [m.name, m.paused])).toEqual([
      ["api", false],
      ["Cache", false],
    ]);
    expect((await monitor(ids.api!)).paused).toBe(false);
  });

  it("changes nothing when any name is unknown", async () => {
    const r = await cli("monitors", "pause", "api", "nope");
    expect(r.code).toBe(2);
    expect((await monitor(ids.api!)).paused).toBe(false);
  });
});

describe("uptop monitors check", () => {
  it("exits 1 when no engine runs the check, then queues it and the target sees the request", async () => {
    const idle = await cli("monitors", "check", "web");
    expect(idle.code).toBe(1);
    expect(idle.stderr).toContain("not queued: web");

    await server.activate();
    const before = target.received.length;
    const r = await cli("monitors", "check", "web", "--json");
    expect(r.code).toBe(0);
    expect(json(r.stdout)).toEqual([{ id: ids.web, name: "web", queued: true }]);
    await until("the check to reach the target", () => target.received.length > before);
    await until("the check's result", async () => (await monitor(ids.web!)).lastCheck !== null);
    const table = await cli("monitors", "list", "--filter", "web");
    expect(table.stdout).toMatch(/web\s+http\s+\w+\s+\d+ ms/);
  });
});

describe("uptop monitors delete", () => {
  it("refuses without --yes when standard input is not a terminal, and deletes with it", async () => {
    const id = await create({ name: "doomed", type: "push" });
    const refused = await cli("monitors", "delete", "doomed");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("refusing without --yes");
    expect((await server.api(`/api/monitors/${id}`)).status).toBe(200);

    const r = await cli("monitors", "delete", "doomed", "--yes");
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(`deleted doomed (#${id})`);
    expect((await server.api(`/api/monitors/${id}`)).status).toBe(404);
  });

  it("asks on a terminal, and only 'y' deletes", async () => {
    const id = await create({ name: "asked", type: "push" });
    const run = async (answer: string) => {
      const out: string[] = [];
      const err: string[] = [];
      const questions: string[] = [];
      const code = await runInProcess(["monitors", "delete", "asked", ...serverArgs(server)], readCliEnv({}), {
        out: (s) => out.push(s),
        err: (s) => err.push(s),
        isTty: false,
        stdinIsTty: true,
        ask: async (q) => {
          questions.push(q);
          return answer;
        },
      });
      return { code, out, err, questions };
    };
    const no = await run("n");
    expect(no.questions).toEqual([`delete monitor asked (#${id})? [y/N] `]);
    expect(no.code).toBe(1);
    expect(no.err).toEqual(["nothing was deleted"]);
    expect((await server.api(`/api/monitors/${id}`)).status).toBe(200);

    const yes = await run("y");
    expect(yes.code).toBe(0);
    expect((await server.api(`/api/monitors/${id}`)).status).toBe(404);
  });
});
