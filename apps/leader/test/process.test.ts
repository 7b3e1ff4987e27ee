import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { openAndMigrate, touchNode } from "@uptop/store";
import { runNode, spawnNode, type Env, type Proc } from "@uptop/test-kit";

const MAIN = join(dirname(fileURLToPath(import.meta.url)), "..", "dist", "main.js");

/** A leader process, once its output says `text`; killed if it never does. */
async function startLeader(env: Env, text: string): Promise<Proc> {
  const leader = spawnNode("leader", MAIN, env);
  try {
    await leader.waitFor(text, 60_000);
  } catch (err) {
    await leader.kill("SIGKILL");
    throw err;
  }
  return leader;
}

describe("leader process", () => {
  it.each([
    [{ UPTOP_HTTP_PORT: "http" }, "UPTOP_HTTP_PORT"],
    [{ UPTOP_DB_TYPE: "oracle" }, "UPTOP_DB_TYPE"],
    [{ UPTOP_CLUSTER_MODE: "probe" }, "UPTOP_CLUSTER_MODE"],
    // These used to pass loadConfig and fail once the database was open, with exit 1.
    [{ UPTOP_TRUSTED_PROXIES: "10.0.0.0/99" }, "UPTOP_TRUSTED_PROXIES"],
    [{ UPTOP_TLS_CERT: "/nonexistent/uptop/cert.pem", UPTOP_TLS_KEY: "/nonexistent/uptop/key.pem" }, "UPTOP_TLS_CERT"],
  ])("exits 2 with one line for %j", async (env, variable) => {
    const r = await runNode(MAIN, [], { env, timeoutMs: 30_000 });
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(variable);
    expect(lines[0]).toContain("example:");
  });

  it("exits 2 with one line naming a token file no client could sign in with, before opening the database", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "uptop-proc-"));
    writeFileSync(join(dataDir, "api-token"), "my admin token\n");
    const r = await runNode(MAIN, [], { env: { UPTOP_DATA_DIR: dataDir }, timeoutMs: 30_000 });
    expect(r.code).toBe(2);
    const lines = r.stdout.split("\n").filter((l) => l.includes('"level":"error"'));
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!) as { message: string; code: string };
    expect(line.code).toBe("API_TOKEN_FILE");
    expect(line.message).toContain(`${join(dataDir, "api-token")} holds spaces`);
    expect(existsSync(join(dataDir, "uptop"))).toBe(false);
  }, 60_000);

  it("generates a token once, keeps data across restarts and exits 0 on SIGTERM", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "uptop-proc-"));
    const port = String(20_000 + Math.floor(Math.random() * 20_000));
    const env = { UPTOP_DATA_DIR: dataDir, UPTOP_HTTP_PORT: port, UPTOP_HTTP_HOST: "127.0.0.1" };
    const first = await startLeader(env, "leader listening");
    const token = readFileSync(join(dataDir, "api-token"), "utf8").trim();
    expect(statSync(join(dataDir, "api-token")).mode & 0o777).toBe(0o600);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dataDir, "uptop.db")).mode & 0o777).toBe(0o600);
    expect(first.stdout).toContain(token);
    const created = await fetch(`http://127.0.0.1:${port}/api/monitors`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "kept", type: "tcp", hostname: "db.internal", port: 5432 }),
    });
    expect(created.status).toBe(201);
    expect(await first.kill("SIGTERM")).toBe(0);
    expect(first.stdout).toContain("UPTOP_CLUSTER_SECRET is not set");
    expect(first.stdout).not.toContain("served over plain HTTP");
    // The token reaches the log stream never, stdout exactly once.
    expect(first.stdout.split(token).length - 1).toBe(1);

    const second = await startLeader(env, "leader listening");
    expect(second.stdout).not.toContain(token);
    const list = await (
      await fetch(`http://127.0.0.1:${port}/api/monitors`, { headers: { authorization: `Bearer ${token}` } })
    ).json();
    expect(list.map((m: { name: string }) => m.name)).toEqual(["kept"]);
    expect(await second.kill("SIGTERM")).toBe(0);
  }, 120_000);

  it("exits 0 promptly on SIGTERM while waiting for a follower's hand-back", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "uptop-proc-"));
    const dsn = join(dataDir, "uptop.db");
    // A follower the leader has heard of, so it starts by waiting for the follower's hand-back.
    const store = await openAndMigrate({ type: "sqlite", dsn });
    await touchNode(
      store.db,
      { id: "follower", name: "follower", region: "local", version: "1.0.0", role: "follower" },
      new Date(),
    );
    await store.close();
    const port = String(20_000 + Math.floor(Math.random() * 20_000));
    const env = {
      UPTOP_DATA_DIR: dataDir,
      UPTOP_DB_DSN: dsn,
      UPTOP_HTTP_PORT: port,
      UPTOP_HTTP_HOST: "127.0.0.1",
      UPTOP_CLUSTER_SECRET: "a-long-random-shared-secret-0123",
      // A wait of 125 s: far longer than the 10 s a shutdown may take.
      UPTOP_FAILOVER_POLL: "60s",
    };
    const leader = await startLeader(env, "waiting for the follower's hand-back");
    const signalled = Date.now();
    expect(await leader.kill("SIGTERM")).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(10_000);
    expect(leader.stdout).toContain('"during":"start-up"');
    expect(leader.stdout).toContain('"message":"stopped"');
    expect(leader.stdout).not.toContain("engine active");
    // Cluster routes on plain HTTP carry the cluster secret in clear: the leader says so at start.
    expect(leader.stdout).toContain("cluster routes are served over plain HTTP");
  }, 120_000);
});
