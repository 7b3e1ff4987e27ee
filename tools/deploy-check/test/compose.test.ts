import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { checkCompose, parseCompose, parseEnvExample, repoRoot } from "../src/index.js";

const root = repoRoot();
const deploy = join(root, "deploy");
const knownEnv = parseEnvExample(readFileSync(join(root, ".env.example"), "utf8"));
const FILES = ["docker-compose.yml", "docker-compose.cluster.yml", "docker-compose.probe.yml"];
const read = (f: string) => readFileSync(join(deploy, f), "utf8");

const hasCompose = spawnSync("docker-compose", ["version"], { encoding: "utf8" }).status === 0;
if (!hasCompose)
  console.warn(
    "docker-compose is not installed: skipping `docker-compose config` (apt-get install docker-compose; CI installs it)",
  );
const itCompose = hasCompose ? it : it.skip;

/** What compose reads from deploy/.env, with harmless stand-ins for the required secrets. */
const ENV = {
  PATH: process.env.PATH ?? "",
  POSTGRES_PASSWORD: "stand-in-password",
  UPTOP_ENCRYPTION_KEY: "0".repeat(64),
  UPTOP_CLUSTER_SECRET: "stand-in-cluster-secret",
  UPTOP_API_TOKEN: "stand-in-api-token",
};

function composeConfig(file: string, env: Record<string, string>) {
  // --project-directory keeps compose from reading a developer's real deploy/.env.
  return spawnSync(
    "docker-compose",
    ["--project-directory", "/nonexistent-uptop", "-f", join(deploy, file), "config", "-q"],
    {
      encoding: "utf8",
      env,
    },
  );
}

describe.each(FILES)("%s", (file) => {
  it("holds every deploy invariant", () => {
    expect(checkCompose(read(file), knownEnv)).toEqual([]);
  });

  itCompose("is a valid compose file", () => {
    const r = composeConfig(file, ENV);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  itCompose("refuses to start without its required secrets, naming them", () => {
    const r = composeConfig(file, { PATH: ENV.PATH });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(
      /set (POSTGRES_PASSWORD|UPTOP_ENCRYPTION_KEY|UPTOP_CLUSTER_SECRET|UPTOP_API_TOKEN) in deploy\/\.env/,
    );
  });

  itCompose("refuses to start without UPTOP_API_TOKEN, naming it", () => {
    const { UPTOP_API_TOKEN: _, ...rest } = ENV;
    const r = composeConfig(file, rest);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/set UPTOP_API_TOKEN in deploy\/\.env/);
  });

  it("mounts deploy/config read-only at /config in the leader, for the uptop CLI", () => {
    const leader = parseCompose(read(file)).services.leader;
    expect(leader?.volumes).toContain("./config:/config:ro");
  });
});

describe("the compose topologies", () => {
  it("cluster: leader and follower each on their own Postgres, sharing one cluster secret", () => {
    const { services } = parseCompose(read("docker-compose.cluster.yml"));
    const env = (s: string) => services[s]?.environment as Record<string, string>;
    expect(env("leader").UPTOP_DB_DSN).toContain("@postgres-leader:");
    expect(env("follower").UPTOP_DB_DSN).toContain("@postgres-follower:");
    expect(env("follower").UPTOP_CLUSTER_MODE).toBe("follower");
    expect(env("follower").UPTOP_PEER_URL).toContain("http://leader:8080");
    expect(env("follower").UPTOP_CLUSTER_SECRET).toBe(env("leader").UPTOP_CLUSTER_SECRET);
    // One admin token for both, from .env: a generated one would differ per node.
    expect(env("follower").UPTOP_API_TOKEN).toBe(env("leader").UPTOP_API_TOKEN);
    expect(env("leader").UPTOP_API_TOKEN).toMatch(/^\$\{UPTOP_API_TOKEN:\?/);
  });

  it("probe: three probes in three regions with distinct node ids", () => {
    const { services } = parseCompose(read("docker-compose.probe.yml"));
    const probes = Object.values(services)
      .map((s) => s.environment as Record<string, string>)
      .filter((e) => e.UPTOP_CLUSTER_MODE === "probe");
    expect(probes).toHaveLength(3);
    expect(new Set(probes.map((p) => p.UPTOP_NODE_REGION)).size).toBe(3);
    expect(new Set(probes.map((p) => p.UPTOP_NODE_ID)).size).toBe(3);
    // A probe has no database: a DB setting would only make its config check fail.
    for (const p of probes) expect(Object.keys(p).filter((k) => k.startsWith("UPTOP_DB_"))).toEqual([]);
  });

  it("deploy/.env.example names every variable the compose files interpolate", () => {
    const documented = new Set([...read(".env.example").matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1]));
    const used = new Set(FILES.flatMap((f) => [...read(f).matchAll(/\$\{([A-Z0-9_]+)/g)].map((m) => m[1])));
    expect([...used].filter((v) => !documented.has(v))).toEqual([]);
  });
});

describe("the compose checker", () => {
  const base = read("docker-compose.yml");
  // biome-ignore format: a table reads best one case per line
  it.each<[string, (t: string) => string, RegExp]>([
    ["a literal password", (t) => t.replace(/POSTGRES_PASSWORD: \$\{[^}]+\}/, "POSTGRES_PASSWORD: hunter2"), /POSTGRES_PASSWORD is a literal/],
    ["a password inside a URL", (t) => t.replace(/uptop:\$\{POSTGRES_PASSWORD[^}]+\}@/, "uptop:hunter2@"), /literal password/],
    ["an optional required secret", (t) => t.replace(/\$\{UPTOP_ENCRYPTION_KEY:\?[^}]+\}/, "${UPTOP_ENCRYPTION_KEY:-}"), /must be required/],
    ["an optional API token", (t) => t.replace(/\$\{UPTOP_API_TOKEN:\?[^}]+\}/, "${UPTOP_API_TOKEN:-}"), /UPTOP_API_TOKEN:-\} must be required/],
    ["no restart policy", (t) => t.replace("    restart: unless-stopped\n    read_only: true\n    tmpfs:\n      - /tmp\n      - /var/run", "    read_only: true\n    tmpfs:\n      - /tmp\n      - /var/run"), /service postgres: no restart policy/],
    ["no ICMP permission", (t) => t.replace(/ {2}sysctls:\n {4}net\.ipv4\.ping_group_range: "0 2147483647"\n/, ""), /service leader: ICMP checks need/],
    ["an unknown variable", (t) => t.replace("UPTOP_LOG_LEVEL:", "UPTOP_LOGLEVEL:"), /UPTOP_LOGLEVEL is not a variable/],
    ["a writable root", (t) => t.replace("  read_only: true\n  tmpfs:", "  read_only: false\n  tmpfs:"), /service leader: root filesystem is not read_only/],
  ])("catches %s", (_, edit, expected) => {
    const edited = edit(base);
    expect(edited).not.toBe(base);
    expect(checkCompose(edited, knownEnv).join("\n")).toMatch(expected);
  });
});
