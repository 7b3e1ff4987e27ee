import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { STATUSES } from "@uptop/core";
import { freePort, HttpTarget, promtoolLint, until, WebhookReceiver, type Proc } from "@uptop/test-kit";
import { createMonitor, startLeaderProcess } from "./cluster-harness.js";
import { engineStatus, parseMetrics, patch, post, scrape, type Sample } from "./process-helpers.js";

(import.meta as unknown as { jest: { setTimeout(ms: number): void } }).jest.setTimeout(90_000);

const SCRAPE_TOKEN = "metrics-process-scrape-token-01";

/** A self-signed certificate for 127.0.0.1, valid for 30 days (openssl, as on any CI image). */
function selfSigned(dir: string): { key: string; cert: string; notAfter: number } {
  const key = join(dir, "key.pem");
  const cert = join(dir, "cert.pem");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      key,
      "-out",
      cert,
      "-days",
      "30",
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
    ],
    { stdio: "ignore" },
  );
  const end = execFileSync("openssl", ["x509", "-in", cert, "-noout", "-enddate"], { encoding: "utf8" })
    .trim()
    .replace(/^notAfter=/, "");
  return { key: readFileSync(key, "utf8"), cert: readFileSync(cert, "utf8"), notAfter: Date.parse(end) };
}

/**
 * The /metrics of a real leader process: per monitor, check, node, notification, the scheduler,
 * the write queue and the cluster role, plus Node's own, each series with labels that fit.
 */
describe("/metrics of a leader process", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "uptop-metrics-proc-"));
  const target = new HttpTarget();
  const hook = new WebhookReceiver();
  let tlsServer: Server;
  let certNotAfter = 0;
  let leader: Proc | undefined;
  let port = 0;
  let samples: Sample[] = [];
  let text = "";
  const ids: Record<string, number> = {};
  const of = (name: string) => samples.filter((s) => s.name === name);

  beforeAll(async () => {
    await target.start();
    await hook.start();
    const pems = selfSigned(dataDir);
    certNotAfter = pems.notAfter;
    tlsServer = createServer({ key: pems.key, cert: pems.cert }, (_req, res) => res.end("ok"));
    await new Promise<void>((r) => tlsServer.listen(0, "127.0.0.1", r));
    port = await freePort();
    leader = await startLeaderProcess({
      dsn: join(dataDir, "db"),
      port,
      dataDir,
      extra: { UPTOP_DB_TYPE: "sqlite", UPTOP_LEADER_CHECKS: "true", UPTOP_METRICS_TOKEN: SCRAPE_TOKEN },
    });

    await post(port, "/api/channels", { name: "hook", type: "webhook", settings: { url: hook.url }, default: true });
    ids.web = (await createMonitor(port, { name: "web", url: target.urlOf("/web"), interval: 5, timeout: 2 })).id;
    // One monitor in each state that is neither up nor down.
    ids.paused = (await createMonitor(port, { name: "paused", url: target.urlOf("/p"), paused: true })).id;
    ids.maint = (await createMonitor(port, { name: "maint", url: target.urlOf("/m"), interval: 5, timeout: 2 })).id;
    ids.waiting = (await createMonitor(port, { name: "waiting", type: "push", url: undefined, interval: 3600 })).id;
    await post(port, "/api/maintenance", {
      title: "upgrade",
      type: "maintenance",
      monitors: ["maint"],
      start: new Date(Date.now() - 60_000).toISOString(),
      end: new Date(Date.now() + 3_600_000).toISOString(),
    });
    await createMonitor(port, {
      name: "cert",
      type: "tls",
      url: undefined,
      hostname: "127.0.0.1",
      port: (tlsServer.address() as { port: number }).port,
      ignoreTls: true,
      interval: 5,
      timeout: 2,
    });
    await createMonitor(port, {
      name: "cron",
      type: "push",
      token: "metrics-push-token-0001",
      interval: 60,
      channels: ["hook"],
    });
    await until("the engine to hold cron", async () => (await engineStatus(port, "cron")) !== null, 10_000, 100);
    // A push reporting a failure: DOWN at once, and one webhook delivery for the notification counter.
    const res = await fetch(`http://127.0.0.1:${port}/api/push/metrics-push-token-0001?status=down&msg=failed`);
    expect(res.status).toBe(200);
    await until(
      "web and cert UP, cron DOWN",
      async () =>
        (await engineStatus(port, "web")) === "UP" &&
        (await engineStatus(port, "cert")) === "UP" &&
        (await engineStatus(port, "cron")) === "DOWN" &&
        (await engineStatus(port, "paused")) === "PAUSED" &&
        (await engineStatus(port, "maint")) === "MAINTENANCE" &&
        (await engineStatus(port, "waiting")) === "PENDING",
      30_000,
      250,
    );
    await until(
      "the webhook delivery to be counted",
      async () => {
        const res = await fetch(`http://127.0.0.1:${port}/metrics`, {
          headers: { authorization: `Bearer ${SCRAPE_TOKEN}` },
        });
        text = await res.text();
        samples = parseMetrics(text);
        return of("uptop_notifications_total").some((s) => s.value >= 1);
      },
      30_000,
      250,
    );
  });

  afterAll(async () => {
    await leader?.kill("SIGTERM");
    await target.stop();
    await hook.stop();
    await new Promise<void>((r) => (tlsServer ? tlsServer.close(() => r()) : r()));
  });

  it("asks for a token unless UPTOP_METRICS_PUBLIC is set; the scrape token reads nothing else", async () => {
    const url = `http://127.0.0.1:${port}`;
    const scrapeAuth = { authorization: `Bearer ${SCRAPE_TOKEN}` };
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    expect((await fetch(`${url}/api/monitors`, { headers: scrapeAuth })).status).toBe(401);
    expect((await scrape(port)).length).toBeGreaterThan(0);
  });

  it("passes promtool check metrics without a warning", () => {
    // "" when clean; null only outside CI, where promtool may be missing.
    expect(promtoolLint(text) ?? "").toBe("");
  });

  it("has uptop_monitor_up for UP (1) and DOWN (0) only, and a one-hot uptop_monitor_status for all", () => {
    expect(
      of("uptop_monitor_up")
        .map((s) => [s.labels.monitor, s.labels.type, s.value])
        .sort(),
    ).toEqual([
      ["cert", "tls", 1],
      ["cron", "push", 0],
      ["web", "http", 1],
    ]);
    for (const [monitor, status] of [
      ["web", "UP"],
      ["cert", "UP"],
      ["cron", "DOWN"],
      ["paused", "PAUSED"],
      ["maint", "MAINTENANCE"],
      ["waiting", "PENDING"],
    ]) {
      const rows = of("uptop_monitor_status").filter((s) => s.labels.monitor === monitor);
      expect(rows.map((s) => s.labels.status).sort()).toEqual([...STATUSES].sort());
      expect(rows.filter((s) => s.value === 1).map((s) => s.labels.status)).toEqual([status]);
      expect(rows.filter((s) => s.value !== 0 && s.value !== 1)).toEqual([]);
    }
  });

  it("labels every per-monitor series with the monitor's id as well as its name", () => {
    const perMonitor = samples.filter((s) => s.name.startsWith("uptop_monitor_"));
    expect(new Set(perMonitor.map((s) => s.name)).size).toBeGreaterThanOrEqual(5);
    for (const s of perMonitor) {
      expect(s.labels.monitor_id).toBeDefined();
      expect(ids[s.labels.monitor!] ?? Number(s.labels.monitor_id)).toBe(Number(s.labels.monitor_id));
    }
  });

  it("has the latest latency and the certificate expiry per monitor", () => {
    const latency = of("uptop_monitor_latency_seconds").find((s) => s.labels.monitor === "web");
    expect(latency!.value).toBeGreaterThan(0);
    expect(latency!.value).toBeLessThan(2);
    const expiry = of("uptop_monitor_cert_expiry_timestamp_seconds");
    expect(expiry.map((s) => s.labels.monitor)).toEqual(["cert"]);
    expect(Math.abs(expiry[0]!.value - certNotAfter / 1000)).toBeLessThanOrEqual(1);
  });

  it("has the check duration histogram by type and node, and checks counted by result", () => {
    const count = of("uptop_check_duration_seconds_count");
    expect(count.map((s) => `${s.labels.type}@${s.labels.node}`).sort()).toEqual(["http@leader", "tls@leader"]);
    for (const c of count) expect(c.value).toBeGreaterThanOrEqual(1);
    const inf = of("uptop_check_duration_seconds_bucket").filter(
      (s) => s.labels.le === "+Inf" && s.labels.type === "http",
    );
    expect(inf[0]!.value).toBe(count.find((c) => c.labels.type === "http")!.value);
    expect(of("uptop_check_duration_seconds_sum").length).toBe(2);

    const checks = of("uptop_checks_total");
    const key = (s: Sample) => `${s.labels.type}/${s.labels.node}/${s.labels.result}`;
    expect(checks.map(key).sort()).toEqual(["http/leader/up", "tls/leader/up"]);
    for (const c of checks) expect(c.value).toBeGreaterThanOrEqual(1);
  });

  it("has the nodes' last-seen time and liveness", () => {
    const seen = of("uptop_node_last_seen_timestamp_seconds");
    expect(seen.map((s) => s.labels)).toEqual([{ node: "leader", region: "local", role: "leader" }]);
    expect(Math.abs(seen[0]!.value - Date.now() / 1000)).toBeLessThan(120);
    expect(of("uptop_node_up").map((s) => [s.labels.node, s.labels.role, s.value])).toEqual([["leader", "leader", 1]]);
  });

  it("has notifications by channel type and result", () => {
    expect(of("uptop_notifications_total").map((s) => [s.labels.channel_type, s.labels.result, s.value])).toEqual([
      ["webhook", "sent", 1],
    ]);
    expect(hook.bodies().map((b) => b.event)).toEqual(["down"]);
  });

  it("has the scheduler lag histogram, the write queue depth and the cluster role", () => {
    expect(of("uptop_scheduler_lag_seconds_count")[0]!.value).toBeGreaterThanOrEqual(1);
    expect(of("uptop_scheduler_lag_seconds_bucket").some((s) => s.labels.le === "+Inf")).toBe(true);
    const depth = of("uptop_write_queue_depth");
    expect(depth).toHaveLength(1);
    expect(depth[0]!.value).toBeGreaterThanOrEqual(0);
    const role = of("uptop_cluster_role");
    expect(role.map((s) => s.labels)).toEqual([{ role: "leader", state: "active" }]);
    expect(role[0]!.value).toBeGreaterThanOrEqual(1);
  });

  it("has Node's default process metrics", () => {
    for (const name of [
      "process_cpu_user_seconds_total",
      "process_resident_memory_bytes",
      "nodejs_heap_size_used_bytes",
      "nodejs_eventloop_lag_seconds",
    ]) {
      expect(of(name).length).toBeGreaterThan(0);
    }
  });

  it("keeps a renamed monitor's series under its id, under the new name only", async () => {
    await patch(port, `/api/monitors/${ids.web}`, { name: "web-renamed" });
    let up: Sample[] = [];
    await until(
      "the scrape to carry the new name",
      async () => {
        up = (await scrape(port)).filter((s) => s.name === "uptop_monitor_up");
        return up.some((s) => s.labels.monitor === "web-renamed");
      },
      10_000,
      100,
    );
    expect(up.filter((s) => s.labels.monitor_id === String(ids.web)).map((s) => [s.labels.monitor, s.value])).toEqual([
      ["web-renamed", 1],
    ]);
    expect(up.filter((s) => s.labels.monitor === "web")).toEqual([]);
  });
});
