import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import {
  checkCarriesAdmin,
  checkCarriesCli,
  checkDockerfile,
  parseDockerfile,
  productionClosure,
  repoRoot,
  workspacePackages,
} from "../src/index.js";

const root = repoRoot();
const APPS = ["leader", "follower", "probe"] as const;
const dockerfile = (app: string) => readFileSync(join(root, "deploy", "docker", `${app}.Dockerfile`), "utf8");

describe.each(APPS)("%s.Dockerfile", (app) => {
  it("holds every image invariant", () => {
    expect(checkDockerfile(parseDockerfile(dockerfile(app)), app)).toEqual([]);
  });

  it("is configured for its own mode", () => {
    expect(dockerfile(app)).toMatch(new RegExp(`UPTOP_CLUSTER_MODE=${app}\\b`));
  });
});

describe("the Dockerfile checker", () => {
  const base = dockerfile("probe");
  // biome-ignore format: a table reads best one case per line
  it.each<[string, (t: string) => string, RegExp]>([
    ["a single stage", (t) => t.slice(t.indexOf("# --- runtime")), /builder and a runtime stage/],
    ["a full install", (t) => t.replace("pnpm deploy --filter @uptop/probe --prod /out", "cp -r apps/probe /out"), /pnpm deploy --filter @uptop\/probe --prod/],
    ["root", (t) => t.replace("USER 10001:10001", "USER root"), /non-root USER/],
    ["no USER", (t) => t.replace("USER 10001:10001\n", ""), /non-root USER/],
    ["curl in the health check", (t) => t.replace('CMD ["node", "/app/healthcheck.mjs"]', "CMD curl -f http://localhost:8080/api/health"), /HEALTHCHECK does not call node/],
    ["apt lists left behind", (t) => t.replace(" && rm -rf /var/lib/apt/lists/* \\\n", " \\\n"), /apt lists are not cleaned/],
    ["the embedded database in the probe", (t) => t.replace("COPY --from=builder /out/ /app/", "COPY --from=builder /out/ /app/\nCOPY --from=builder /src/node_modules/@electric-sql/pglite /app/node_modules/@electric-sql/pglite"), /mentions an embedded database/],
    ["sources from the build context", (t) => t.replace("COPY --from=builder /out/ /app/", "COPY --from=builder /out/ /app/\nCOPY apps/probe/src /app/src"), /copies from the build context/],
    ["another base image", (t) => t.replace("ARG NODE_IMAGE=node:20-bookworm-slim", "ARG NODE_IMAGE=node:20"), /not node:20-bookworm-slim/],
  ])("catches %s", (_, edit, expected) => {
    const edited = edit(base);
    expect(edited).not.toBe(base);
    expect(checkDockerfile(parseDockerfile(edited), "probe").join("\n")).toMatch(expected);
  });
});

describe("the uptop CLI in the leader image", () => {
  const leader = dockerfile("leader");

  it("is built, deployed to /app/cli and on the PATH as uptop", () => {
    expect(checkCarriesCli(parseDockerfile(leader))).toEqual([]);
  });

  it("reports the follower and probe images, which carry no CLI", () => {
    for (const app of ["follower", "probe"]) expect(checkCarriesCli(parseDockerfile(dockerfile(app)))).not.toEqual([]);
  });

  // biome-ignore format: a table reads best one case per line
  it.each<[string, (t: string) => string, RegExp]>([
    ["a build that leaves the CLI out", (t) => t.replace(" --filter=@uptop/cli...", ""), /does not build @uptop\/cli/],
    ["no CLI deploy", (t) => t.replace("pnpm deploy --filter @uptop/cli --prod /out-cli", "true"), /pnpm deploy --filter @uptop\/cli --prod/],
    ["the deploy output left in the builder", (t) => t.replace("COPY --from=builder /out-cli/ /app/cli/\n", ""), /does not copy the CLI deploy output/],
    ["the CLI copied elsewhere", (t) => t.replace("COPY --from=builder /out-cli/ /app/cli/", "COPY --from=builder /out-cli/ /opt/cli/"), /not \/app\/cli/],
    ["no wrapper on the PATH", (t) => t.replace("> /usr/local/bin/uptop", "> /tmp/uptop"), /no \/usr\/local\/bin\/uptop wrapper/],
    ["a wrapper that is not executable", (t) => t.replace("chmod 0755 /usr/local/bin/uptop", "chmod 0644 /usr/local/bin/uptop"), /not made executable/],
  ])("catches %s", (_, edit, expected) => {
    const edited = edit(leader);
    expect(edited).not.toBe(leader);
    expect(checkCarriesCli(parseDockerfile(edited)).join("\n")).toMatch(expected);
  });
});

describe("uptop-admin in the leader image", () => {
  const leader = dockerfile("leader");
  const adminBin: string = JSON.parse(readFileSync(join(root, "apps", "leader", "package.json"), "utf8")).bin[
    "uptop-admin"
  ];

  it("is on the PATH and runs the leader's own bin entry", () => {
    expect(checkCarriesAdmin(parseDockerfile(leader), adminBin)).toEqual([]);
  });

  // biome-ignore format: a table reads best one case per line
  it.each<[string, (t: string) => string, RegExp]>([
    ["no wrapper", (t) => t.replace("> /usr/local/bin/uptop-admin", "> /tmp/uptop-admin"), /no \/usr\/local\/bin\/uptop-admin wrapper/],
    ["a wrapper to another file", (t) => t.replace("exec node /app/dist/admin/main.js", "exec node /app/dist/admin.js"), /runs \/app\/dist\/admin\/main\.js/],
    ["a wrapper that is not executable", (t) => t.replace("chmod 0755 /usr/local/bin/uptop /usr/local/bin/uptop-admin", "chmod 0755 /usr/local/bin/uptop"), /uptop-admin is not made executable/],
  ])("catches %s", (_, edit, expected) => {
    const edited = edit(leader);
    expect(edited).not.toBe(leader);
    expect(checkCarriesAdmin(parseDockerfile(edited), adminBin).join("\n")).toMatch(expected);
  });

  it("does not take the uptop-admin wrapper for the uptop one", () => {
    const edited = leader.replace(" > /usr/local/bin/uptop \\", " > /tmp/uptop \\");
    expect(edited).not.toBe(leader);
    expect(checkCarriesCli(parseDockerfile(edited)).join("\n")).toMatch(/no \/usr\/local\/bin\/uptop wrapper/);
  });
});

describe("what pnpm deploy --prod ships", () => {
  const pkgs = workspacePackages(root);

  it("keeps the probe free of the store, the embedded database and the API", () => {
    const { workspace, external } = productionClosure(pkgs, "@uptop/probe");
    expect([...workspace].sort()).toEqual([
      "@uptop/checks",
      "@uptop/cluster-protocol",
      "@uptop/core",
      "@uptop/ssrf-guard",
    ]);
    expect(external.has("@electric-sql/pglite")).toBe(false);
    expect(external.has("better-sqlite3")).toBe(false);
    expect(external.has("pg")).toBe(false);
  });

  it("keeps the CLI free of the database: it talks to a server over the API", () => {
    const { workspace, external } = productionClosure(pkgs, "@uptop/cli");
    expect(workspace.has("@uptop/store")).toBe(false);
    expect(external.has("@electric-sql/pglite")).toBe(false);
    expect(external.has("better-sqlite3")).toBe(false);
    expect(external.has("pg")).toBe(false);
  });

  it("gives the leader its database", () => {
    const { workspace } = productionClosure(pkgs, "@uptop/leader");
    expect(workspace.has("@uptop/store")).toBe(true);
  });
});

describe(".dockerignore", () => {
  const lines = readFileSync(join(root, ".dockerignore"), "utf8")
    .split("\n")
    .map((l) => l.trim());
  it.each(["**/node_modules", "**/dist", "data", ".git", ".env", "**/coverage", "**/*.log"])(
    "leaves out %s",
    (entry) => {
      expect(lines).toContain(entry);
    },
  );
  it("keeps what the builder needs", () => {
    for (const needed of ["deploy/docker", "packages", "apps", "pnpm-lock.yaml"]) {
      expect(lines.filter((l) => l === needed || l === `${needed}/`)).toEqual([]);
    }
  });
});

describe("deploy/docker/healthcheck.mjs", () => {
  const script = join(root, "deploy", "docker", "healthcheck.mjs");
  let status = 200;
  let server: Server;
  let port: number;
  const paths: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      paths.push(req.url ?? "");
      res.writeHead(status).end("{}");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function run(env: Record<string, string>): Promise<number | null> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [script], {
        env: { PATH: process.env.PATH ?? "", ...env },
        stdio: "ignore",
      });
      child.on("close", resolve);
    });
  }

  it.each<[string, number, number]>([
    ["healthy", 200, 0],
    ["unhealthy", 503, 1],
  ])(
    "exits by the answer of /api/health: %s",
    async (_, answer, code) => {
      status = answer;
      expect(await run({ UPTOP_HTTP_PORT: String(port) })).toBe(code);
      expect(paths.at(-1)).toBe("/api/health");
    },
    20_000,
  );

  it("fails when nothing listens", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const unused = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await run({ UPTOP_HTTP_PORT: String(unused) })).toBe(1);
  }, 20_000);
});
