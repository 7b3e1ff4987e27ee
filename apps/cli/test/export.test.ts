import { closeSync, openSync, readFileSync, readSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCli, serverArgs, startTestServer, tempDir, type TestServer } from "./harness.js";

const FULL = `
channels:
  - name: ops-hook
    type: webhook
    default: true
    settings:
      url: https://hooks.example.com/uptop
      secret: hook-signing-secret
      headers: { X-Api-Key: header-secret }
  - name: ops-slack
    type: slack
    reminderInterval: 1h
    settings:
      webhookUrl: https://hooks.slack.com/services/T0/B0/slack-secret
monitors:
  - name: shop
    type: group
    channels: [ops-slack]
    monitors:
      - name: checkout-api
        type: http
        url: https://shop.example.com/health
        interval: 30
        retries: 2
        retryInterval: 10
        method: POST
        headers: { Authorization: Bearer api-secret, X-Env: prod }
        auth: { type: basic, username: shop, password: basic-secret }
        acceptedCodes: 200-299,301
        keyword: ok
        regions: [eu-west, us-east]
        aggregation: majority-down
      - name: api-json
        type: http
        url: https://shop.example.com/api/status
        jsonAssertion: { path: $.status, equals: ok }
  - name: db
    type: tcp
    hostname: db.example.com
    port: 5432
    paused: true
  - name: mx
    type: dns
    hostname: example.com
    recordType: MX
    expected: [mx1.example.com]
  - name: heartbeat
    type: push
    token: kept-push-token-0123456789
    interval: 1h
    grace: 10m
maintenance:
  - title: weekly window
    start: 2030-05-01T02:00:00Z
    monitors: [shop]
    recurrence: { frequency: weekly, daysOfWeek: [0], startTime: "02:00", durationMinutes: 60 }
  - title: outage notice
    type: incident
    start: 2030-05-01T02:00:00Z
`;

const SECRETS = ["hook-signing-secret", "header-secret", "slack-secret", "api-secret", "basic-secret"];

let a: TestServer;
let b: TestServer;
let dir: string;

beforeEach(async () => {
  [a, b] = await Promise.all([startTestServer(), startTestServer()]);
  dir = tempDir();
});
afterEach(async () => {
  await Promise.all([a.stop(), b.stop()]);
});

describe("uptop export", () => {
  it("round-trips: export → apply to an empty server → export is identical", async () => {
    writeFileSync(join(dir, "full.yaml"), FULL);
    expect((await runCli(["apply", "-f", join(dir, "full.yaml"), ...serverArgs(a)])).code).toBe(0);

    const out = join(dir, "export.yaml");
    const exported = await runCli(["export", "--include-secrets", "-o", out, ...serverArgs(a)]);
    expect(exported.code).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const first = readFileSync(out, "utf8");
    for (const s of SECRETS) expect(first).toContain(s);
    expect(first).toContain("kept-push-token-0123456789");

    const applied = await runCli(["apply", "-f", out, ...serverArgs(b)]);
    expect(applied.code).toBe(0);
    const again = await runCli(["export", "--include-secrets", ...serverArgs(b)]);
    expect(again.stdout).toBe(first);
    expect((await runCli(["apply", "-f", out, ...serverArgs(b)])).stdout.trim()).toBe("nothing to do");
  });

  it("writes placeholders instead of secrets, and the placeholders apply back from the environment", async () => {
    writeFileSync(join(dir, "full.yaml"), FULL);
    await runCli(["apply", "-f", join(dir, "full.yaml"), ...serverArgs(a)]);
    const r = await runCli(["export", ...serverArgs(a)]);
    expect(r.code).toBe(0);
    for (const s of SECRETS) expect(r.stdout).not.toContain(s);
    expect(r.stdout).toContain("${UPTOP_SECRET_OPS_HOOK_SECRET}");
    expect(r.stdout).toContain("kept-push-token-0123456789");
    writeFileSync(join(dir, "placeholders.yaml"), r.stdout);

    const missing = await runCli(["apply", "-f", join(dir, "placeholders.yaml"), ...serverArgs(b)]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/environment variable UPTOP_SECRET_\w+ is not set/);

    const env = {
      UPTOP_SECRET_OPS_HOOK_SECRET: "hook-signing-secret",
      UPTOP_SECRET_OPS_HOOK_HEADERS_X_API_KEY: "header-secret",
      UPTOP_SECRET_OPS_SLACK_WEBHOOKURL: "https://hooks.slack.com/services/T0/B0/slack-secret",
      UPTOP_SECRET_MONITOR_CHECKOUT_API_PASSWORD: "basic-secret",
      UPTOP_SECRET_MONITOR_CHECKOUT_API_HEADER_AUTHORIZATION: "Bearer api-secret",
    };
    expect((await runCli(["apply", "-f", join(dir, "placeholders.yaml"), ...serverArgs(b)], env)).code).toBe(0);
    const fromA = await runCli(["export", "--include-secrets", ...serverArgs(a)]);
    const fromB = await runCli(["export", "--include-secrets", ...serverArgs(b)]);
    expect(fromB.stdout).toBe(fromA.stdout);
  });

  it("never lets an existing file's readers see the secrets: the export replaces it with a new 0600 file", async () => {
    writeFileSync(join(dir, "full.yaml"), FULL);
    expect((await runCli(["apply", "-f", join(dir, "full.yaml"), ...serverArgs(a)])).code).toBe(0);
    const out = join(dir, "existing.yaml");
    writeFileSync(out, "old, readable by everyone\n", { mode: 0o644 });
    // Someone who could read the old file, and has it open, while the export runs.
    const reader = openSync(out, "r");
    try {
      const r = await runCli(["export", "--include-secrets", "-o", out, ...serverArgs(a)]);
      expect(r.code).toBe(0);
      const buf = Buffer.alloc(64 * 1024);
      const seen = buf.subarray(0, readSync(reader, buf, 0, buf.length, 0)).toString();
      expect(seen).toBe("old, readable by everyone\n");
    } finally {
      closeSync(reader);
    }
    expect(statSync(out).mode & 0o777).toBe(0o600);
    for (const s of SECRETS) expect(readFileSync(out, "utf8")).toContain(s);
  });

  it("exports JSON with --json", async () => {
    const r = await runCli(["export", "--json", ...serverArgs(a)]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ version: 1 });
  });
});
