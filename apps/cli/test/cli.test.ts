import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCli, serverArgs, startTestServer, tempDir } from "./harness.js";

describe("help and exit codes", () => {
  it.each([
    [[]],
    [["apply"]],
    [["export"]],
    [["import-kuma"]],
    [["status"]],
    [["version"]],
    [["monitors"]],
    [["monitors", "list"]],
    [["monitors", "get"]],
    [["monitors", "pause"]],
    [["monitors", "check"]],
    [["monitors", "delete"]],
    [["maintenance"]],
    [["maintenance", "start"]],
    [["maintenance", "end"]],
    [["maintenance", "list"]],
    [["channels"]],
    [["channels", "list"]],
    [["channels", "test"]],
  ])("uptop %s --help", async (args) => {
    const r = await runCli([...args, "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatchSnapshot();
  });

  it.each([
    ["an unknown command", ["bogus"]],
    ["apply without -f", ["apply"]],
    ["an unknown option", ["status", "--colour"]],
    ["a missing file", ["apply", "-f", "no-such-file.yaml"]],
  ])("exits 2 on %s", async (_name, args) => {
    expect((await runCli(args)).code).toBe(2);
  });

  it("prints its version", async () => {
    const r = await runCli(["version"]);
    expect(r.stdout.trim()).toMatch(/^uptop \d+\.\d+\.\d+$/);
  });
});

describe("uptop status", () => {
  it("summarises monitors, nodes and active windows, without colour when not a terminal", async () => {
    const server = await startTestServer();
    try {
      const dir = tempDir();
      writeFileSync(
        join(dir, "m.yaml"),
        "monitors:\n  - name: api\n    type: push\n  - name: db\n    type: tcp\n    hostname: db.example.com\n    port: 5432\n    paused: true\nmaintenance:\n  - title: now\n    type: incident\n    start: 2020-01-01T00:00:00Z\n",
      );
      expect((await runCli(["apply", "-f", join(dir, "m.yaml"), ...serverArgs(server)])).code).toBe(0);
      const r = await runCli(["status", ...serverArgs(server)]);
      expect(r.code).toBe(0);
      expect(r.stdout).not.toContain("\u001b[");
      expect(r.stdout).toContain("2 monitors — 1 PENDING, 1 PAUSED");
      expect(r.stdout).toMatch(/PENDING\s+api/);
      expect(r.stdout).toMatch(/incident\s+now \(all monitors\)/);
      const json = JSON.parse((await runCli(["status", "--json", ...serverArgs(server)])).stdout) as {
        monitors: unknown[];
        active: unknown[];
      };
      expect(json.monitors).toHaveLength(2);
      expect(json.active).toHaveLength(1);
      const withServer = await runCli(["version", ...serverArgs(server)]);
      expect(withServer.stdout).toMatch(/\(server \d+\.\d+\.\d+\)/);
    } finally {
      await server.stop();
    }
  });
});
