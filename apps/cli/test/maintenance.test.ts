import { runCli, serverArgs, startTestServer, type TestServer } from "./harness.js";

let server: TestServer;
const cli = (...args: string[]) => runCli([...args, ...serverArgs(server)]);

interface Window {
  id: number;
  title: string;
  type: string;
  monitors: string[] | null;
  start: string;
  end: string | null;
  active: boolean;
}

beforeAll(async () => {
  server = await startTestServer();
  for (const name of ["api", "db"]) {
    const res = await server.api("/api/monitors", { method: "POST", body: JSON.stringify({ name, type: "push" }) });
    expect(res.status).toBe(201);
  }
});
afterAll(async () => {
  await server.stop();
});

describe("uptop maintenance", () => {
  it("starts a window for named monitors for a duration, lists it and ends it", async () => {
    const before = Date.now();
    const started = await cli(
      "maintenance",
      "start",
      "--title",
      "db upgrade",
      "--monitors",
      "db, 1",
      "--duration",
      "1h",
      "--json",
    );
    expect(started.code).toBe(0);
    expect(started.stderr).toBe("");
    const w = JSON.parse(started.stdout) as Window;
    // "1" is the id of api: the server keeps names.
    expect(w).toMatchObject({ title: "db upgrade", type: "maintenance", monitors: ["db", "api"], active: true });
    const length = Date.parse(w.end!) - Date.parse(w.start);
    expect(length).toBe(3_600_000);
    expect(Date.parse(w.start)).toBeGreaterThanOrEqual(before - 1000);

    const listed = await cli("maintenance", "list");
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^\s*ID {2}TYPE\s+ACTIVE\s+START \(UTC\)\s+END \(UTC\)\s+TITLE \(MONITORS\)$/);
    expect(lines[1]).toMatch(new RegExp(`^\\s*${w.id} {2}maintenance\\s+yes\\s+.*db upgrade \\(db, api\\)$`));
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);

    const ended = await cli("maintenance", "end", String(w.id));
    expect(ended.code).toBe(0);
    expect(ended.stdout).toMatch(new RegExp(`^ended maintenance #${w.id} "db upgrade" at `));
    const after = JSON.parse((await cli("maintenance", "list", "--json")).stdout) as Window[];
    expect(after).toEqual([expect.objectContaining({ id: w.id, active: false })]);

    // Ending it again is the server's conflict: a refusal, exit 1.
    const again = await cli("maintenance", "end", String(w.id));
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("already ended");
  });

  it("starts an open-ended incident for all monitors, or one that ends at a time", async () => {
    const open = await cli("maintenance", "start", "--title", "outage", "--type", "incident");
    expect(open.code).toBe(0);
    expect(open.stdout).toMatch(
      /^started incident #\d+ "outage" for all monitors, until ended \(uptop maintenance end \d+\)/,
    );
    const until = new Date(Date.now() + 7_200_000).toISOString();
    const timed = JSON.parse(
      (await cli("maintenance", "start", "--title", "window", "--until", until, "--json")).stdout,
    ) as Window;
    expect(timed.end).toBe(until);
    expect(timed.monitors).toBeNull();
  });

  it.each([
    ["no title", ["maintenance", "start"]],
    [
      "both --duration and --until",
      ["maintenance", "start", "--title", "t", "--duration", "1h", "--until", "2099-01-01T00:00:00Z"],
    ],
    ["a bad duration", ["maintenance", "start", "--title", "t", "--duration", "soon"]],
    ["an --until in the past", ["maintenance", "start", "--title", "t", "--until", "2000-01-01T00:00:00Z"]],
    ["an unknown monitor", ["maintenance", "start", "--title", "t", "--monitors", "api,nope"]],
    ["a window id that is not a number", ["maintenance", "end", "db upgrade"]],
  ])("exits 2 on %s, creating nothing", async (_what, args) => {
    const count = async () => ((await (await server.api("/api/maintenance")).json()) as unknown[]).length;
    const n = await count();
    const r = await cli(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toBe("");
    expect(await count()).toBe(n);
  });
});
