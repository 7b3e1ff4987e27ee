import { fileURLToPath } from "node:url";
import { runCli, serverArgs, startTestServer, type TestServer } from "./harness.js";

const BACKUP = fileURLToPath(
  new URL("../../../packages/config-as-code/test/fixtures/kuma-backup.json", import.meta.url),
);

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.stop();
});

describe("uptop import-kuma", () => {
  it("dry-runs, imports faithfully, lists what it skipped, and is idempotent", async () => {
    const dry = await runCli(["import-kuma", BACKUP, "--dry-run", ...serverArgs(server)]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("+ create monitor Checkout API");
    expect(((await (await server.api("/api/monitors")).json()) as unknown[]).length).toBe(0);

    const r = await runCli(["import-kuma", BACKUP, ...serverArgs(server)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("kuma: 10 monitors and 11 notifications mapped, 5 skipped");
    expect(r.stdout).toContain('skipped monitor "Docker web" (docker): monitor type "docker" is not supported');
    expect(r.stdout).toContain('skipped notification "Matrix" (matrix)');
    expect(r.stdout).toContain(
      'note: notification "Form hook": Kuma posted form data; uptop posts its JSON body (application/json)',
    );

    const monitors = (await (await server.api("/api/monitors")).json()) as Array<Record<string, unknown>>;
    const byName = (n: string) => monitors.find((m) => m.name === n)!;
    expect(byName("Nightly backup").token).toBe("kuma0123456789abcdefPUSHtoken32");
    expect(byName("Postgres port").paused).toBe(true);
    expect(byName("Checkout API").parent).toBe("Shop");
    expect(byName("Checkout API").url).toBe("https://shop.example.com/api/health");
    expect(byName("Checkout API").channels).toEqual(["Hook", "Ops Discord"]);
    expect(byName("MX record").resolver).toBe("9.9.9.9:5353");
    expect(byName("Orders JSON").certExpiryDays).toBe(0);
    const channels = (await (await server.api("/api/channels")).json()) as Array<{ name: string; type: string }>;
    expect(channels.map((c) => c.type).sort()).toEqual([
      "discord",
      "email",
      "gotify",
      "ntfy",
      "opsgenie",
      "pagerduty",
      "pushover",
      "slack",
      "telegram",
      "webhook",
      "webhook",
    ]);

    const again = await runCli(["import-kuma", BACKUP, "--json", ...serverArgs(server)]);
    expect(JSON.parse(again.stdout)).toMatchObject({
      applied: false,
      lines: ["nothing to do"],
      imported: { monitors: 10, channels: 11 },
    });
  });

  it("exits 2 on a file that is not a Kuma backup", async () => {
    const r = await runCli([
      "import-kuma",
      fileURLToPath(new URL("./harness.ts", import.meta.url)),
      ...serverArgs(server),
    ]);
    expect(r.code).toBe(2);
  });
});
