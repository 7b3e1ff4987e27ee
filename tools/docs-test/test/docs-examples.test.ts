import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigFileError, loadConfigSources, normalizeDocument } from "@uptop/config-as-code";
import { freePort, runNode, spawnNode, until, type Proc } from "@uptop/test-kit";
import { docBlocks, variablesIn, type DocBlock } from "../src/index.js";

// Every yaml and shell example of README.md and docs/*.md. A block that cannot run here is
// marked in the document (<!-- docs-test: skip (why) -->) and shows up as a skipped test.
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../../..");
const DOCS = [
  "README.md",
  ...readdirSync(join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f) => `docs/${f}`),
];
const BLOCKS = DOCS.flatMap((f) => docBlocks(f, readFileSync(join(ROOT, f), "utf8")));
const CLI = join(ROOT, "apps/cli/dist/main.js");
const where = (b: DocBlock) => `${b.file}:${b.line}`;
const STREAM_MS = 2_000;

/** Values for the variables an example names (a URL for a `…_URL`): it shows their use, not their values. */
const exampleValue = (name: string) =>
  name.endsWith("_URL") ? `https://hooks.example.com/${name.toLowerCase()}` : `example-${name.toLowerCase()}`;
const exampleEnv = (yaml: string) => Object.fromEntries(variablesIn(yaml).map((v) => [v, exampleValue(v)]));

let work: string;
let leader: Proc;
let port: number;
let token: string;
let shellEnv: Record<string, string>;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "uptop-docs-"));
  port = await freePort();
  const dataDir = join(work, "data");
  leader = spawnNode("leader", join(ROOT, "apps/leader/dist/main.js"), {
    UPTOP_HTTP_PORT: String(port),
    UPTOP_HTTP_HOST: "127.0.0.1",
    UPTOP_DATA_DIR: dataDir,
    UPTOP_LOG_LEVEL: "warn",
  });
  await until("the leader to answer /api/health", async () => {
    if (!leader.running) throw new Error(`the leader exited:\n${leader.out.slice(-2000)}`);
    return (await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => null))?.ok === true;
  });
  token = readFileSync(join(dataDir, "api-token"), "utf8").trim();

  // The commands the docs name, as an installed leader image has them on its PATH.
  const bin = join(work, "bin");
  mkdirSync(bin);
  for (const [name, main] of [
    ["uptop", CLI],
    ["uptop-admin", join(ROOT, "apps/leader/dist/admin/main.js")],
  ] as const) {
    writeFileSync(join(bin, name), `#!/bin/sh\nexec "${process.execPath}" "${main}" "$@"\n`);
    chmodSync(join(bin, name), 0o755);
  }
  shellEnv = {
    PATH: `${bin}:${process.env.PATH ?? ""}`,
    HOME: work,
    // Where the docs write a server, a token or a data folder, these stand in for them.
    UPTOP_SERVER: `http://127.0.0.1:${port}`,
    UPTOP_API_TOKEN: token,
    TOKEN: token,
    UPTOP_DATA_DIR: dataDir,
    UPTOP_DOCS_PORT: String(port),
  };

  // A secret for the encryption examples to encrypt and rotate.
  const res = await fetch(`http://127.0.0.1:${port}/api/channels`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({
      name: "docs-hook",
      type: "webhook",
      settings: { url: "https://hooks.example.com/docs", secret: "docs-signing-secret" },
    }),
  });
  expect(res.status).toBe(201);
}, 90_000);

afterAll(async () => {
  await leader?.kill();
  if (work) rmSync(work, { recursive: true, force: true });
});

// A docs example writes a server as localhost:8080 or 127.0.0.1:8080; curl is pointed at the
// test's leader whatever host and port the example names, so the text runs as written.
const PRELUDE = `set -euo pipefail
curl() { command curl --silent --show-error --fail-with-body --connect-to "::127.0.0.1:$UPTOP_DOCS_PORT" "$@"; }
if [ -f "$DOCS_STATE" ]; then source "$DOCS_STATE"; fi
`;

interface ShellRun {
  code: number | null;
  out: string;
}

/**
 * Runs one block in bash from the leader's working folder. Blocks of one document run in order
 * and share exported variables (a later block uses the key an earlier one set), as in a terminal.
 */
function runShell(b: DocBlock, stopAfterMs?: number): Promise<ShellRun> {
  const state = join(work, `${b.file.replace(/\W/g, "_")}.env`);
  const script = `${PRELUDE}${b.code}\nexport -p > "$DOCS_STATE"\n`;
  const child = spawn("bash", ["-c", script], {
    cwd: work,
    env: { ...shellEnv, DOCS_STATE: state },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d));
  child.stderr.on("data", (d: Buffer) => (out += d));
  // The block's own process group, so a stream's curl ends with the shell that started it.
  const stop = () => {
    try {
      if (child.pid) process.kill(-child.pid, "SIGTERM");
    } catch {
      // already ended
    }
  };
  const timer = setTimeout(stop, stopAfterMs ?? 60_000);
  return new Promise((resolve) =>
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    }),
  );
}

describe("YAML config examples", () => {
  for (const b of BLOCKS.filter((x) => x.kind === "yaml")) {
    if (b.mode.run === "skip") {
      it.skip(`${where(b)} (skipped: ${b.mode.reason})`, () => {});
      continue;
    }
    it(`${where(b)} parses and validates with the config-as-code parser`, () => {
      const loaded = (() => {
        try {
          return loadConfigSources([{ file: where(b), text: b.code }], exampleEnv(b.code));
        } catch (err) {
          if (err instanceof ConfigFileError) throw new Error(err.located.map((l) => l.message).join("\n"));
          throw err;
        }
      })();
      expect(() => normalizeDocument(loaded.document)).not.toThrow();
    });

    it(`${where(b)} is accepted by the leader (uptop apply --dry-run)`, async () => {
      const file = join(work, `example-${b.line}.yaml`);
      writeFileSync(file, b.code);
      const env = { ...exampleEnv(b.code), UPTOP_SERVER: shellEnv.UPTOP_SERVER!, UPTOP_API_TOKEN: token };
      const r = await runNode(CLI, ["apply", "-f", file, "--dry-run"], { env, timeoutMs: 60_000 });
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
      expect(r.stdout).toContain("dry run:");
    });
  }
});

describe("shell examples, against a leader on loopback", () => {
  for (const b of BLOCKS.filter((x) => x.kind === "shell")) {
    if (b.mode.run === "skip") {
      it.skip(`${where(b)} (skipped: ${b.mode.reason})`, () => {});
    } else if (b.mode.run === "stream") {
      it(`${where(b)} streams output until stopped`, async () => {
        const r = await runShell(b, STREAM_MS);
        expect(r.code).toBeNull();
        expect(r.out.trim()).not.toBe("");
      });
    } else {
      it(`${where(b)} runs`, async () => {
        const r = await runShell(b);
        expect({ code: r.code, out: r.out }).toEqual({ code: 0, out: expect.any(String) });
      });
    }
  }
});

it("finds the examples: every document is read and each kind has blocks that run", () => {
  const runs = (kind: string) => BLOCKS.filter((b) => b.kind === kind && b.mode.run !== "skip").length;
  expect(DOCS).toContain("docs/config-as-code.md");
  expect(runs("yaml")).toBeGreaterThan(0);
  expect(runs("shell")).toBeGreaterThan(0);
});
