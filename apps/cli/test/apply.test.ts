import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ADMIN_TOKEN } from "@uptop/test-kit";
import { runCli, serverArgs, startTestServer, tempDir, type TestServer } from "./harness.js";

const CONFIG = `
channels:
  - name: ops-hook
    type: webhook
    settings:
      url: https://hooks.example.com/uptop
      secret: \${HOOK_SECRET}
monitors:
  - name: shop
    type: group
    channels: [ops-hook]
    monitors:
      - name: checkout-api
        type: http
        url: https://shop.example.com/health
        interval: 60
      - name: db
        type: tcp
        hostname: db.example.com
        port: 5432
  - name: nightly-backup
    type: push
    interval: 1d
maintenance:
  - title: db upgrade
    start: 2030-05-01T02:00:00Z
    end: 2030-05-01T03:00:00Z
    monitors: [db]
`;

let server: TestServer;
let dir: string;
const env = { HOOK_SECRET: "hook-signing-secret" };

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

async function monitorNames(): Promise<string[]> {
  const list = (await (await server.api("/api/monitors")).json()) as Array<{ name: string }>;
  return list.map((m) => m.name).sort();
}

beforeEach(async () => {
  server = await startTestServer();
  dir = tempDir();
});
afterEach(async () => {
  await server.stop();
});

describe("uptop apply", () => {
  it("dry-runs, applies, and is a no-op the second time", async () => {
    const file = write("monitors.yaml", CONFIG);
    const dry = await runCli(["apply", "-f", file, "--dry-run", ...serverArgs(server)], env);
    expect(dry.code).toBe(0);
    expect(dry.stdout.split("\n").filter((l) => /^[+~-] /.test(l))).toEqual([
      "+ create channel ops-hook",
      "+ create monitor shop",
      "+ create monitor nightly-backup",
      "+ create monitor checkout-api",
      "+ create monitor db",
      "+ create maintenance db upgrade",
    ]);
    expect(dry.stdout).toContain("dry run: 6 to create, 0 to update, 0 to delete; nothing was changed");
    expect(await monitorNames()).toEqual([]);

    const first = await runCli(["apply", "-f", file, ...serverArgs(server)], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("applied: 6 to create");
    expect(await monitorNames()).toEqual(["checkout-api", "db", "nightly-backup", "shop"]);
    const monitors = (await (await server.api("/api/monitors")).json()) as Array<{
      name: string;
      parent: string | null;
      channels: string[];
      token: string | null;
    }>;
    expect(monitors.find((m) => m.name === "db")?.parent).toBe("shop");
    expect(monitors.find((m) => m.name === "shop")?.channels).toEqual(["ops-hook"]);
    expect(monitors.find((m) => m.name === "nightly-backup")?.token).toMatch(/^[A-Za-z0-9_-]{16,}$/);

    const second = await runCli(["apply", "-f", file, ...serverArgs(server)], env);
    expect(second.code).toBe(0);
    expect(second.stdout.trim()).toBe("nothing to do");
  });

  it("prints one line per changed field and prunes only when asked", async () => {
    const file = write("monitors.yaml", CONFIG);
    expect((await runCli(["apply", "-f", file, ...serverArgs(server)], env)).code).toBe(0);
    const edited = write(
      "edited.yaml",
      CONFIG.replace("interval: 60", "interval: 30").replace(
        / {2}- name: nightly-backup\n {4}type: push\n {4}interval: 1d\n/,
        "",
      ),
    );
    const update = await runCli(["apply", "-f", edited, ...serverArgs(server)], env);
    expect(update.stdout.split("\n")[0]).toBe("~ update monitor checkout-api interval: 60 -> 30");
    expect(await monitorNames()).toContain("nightly-backup");
    const prune = await runCli(["apply", "-f", edited, "--prune", ...serverArgs(server)], env);
    expect(prune.stdout.split("\n")[0]).toBe("- delete monitor nightly-backup");
    expect(await monitorNames()).toEqual(["checkout-api", "db", "shop"]);
  });

  it("applies a directory of files as one document", async () => {
    const sub = join(dir, "conf");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(sub);
    writeFileSync(join(sub, "a.yaml"), "monitors:\n  - name: a\n    type: push\n");
    writeFileSync(join(sub, "b.json"), JSON.stringify({ monitors: [{ name: "b", type: "push" }] }));
    const r = await runCli(["apply", "-f", sub, ...serverArgs(server)]);
    expect(r.code).toBe(0);
    expect(await monitorNames()).toEqual(["a", "b"]);
  });

  // biome-ignore format: a table reads best one case per line
  it.each([
    ["an unknown field", "monitors:\n  - name: a\n    type: push\n    intervall: 30\n", {}, "bad.yaml:4:5: monitors.0.intervall: unknown field"],
    ["a bad value", "monitors:\n  - name: a\n    type: http\n    url: ftp://x\n", {}, "bad.yaml:4:5: monitors.0.url: must be http:// or https://"],
    ["a missing variable", "channels:\n  - name: c\n    type: webhook\n    settings:\n      url: ${HOOK_URL}\n", {}, "bad.yaml:5:12: channels.0.settings.url: environment variable HOOK_URL is not set"],
  ])("exits 2 on %s, naming file, line, column and field", async (_name, text, vars, message) => {
    write("bad.yaml", text);
    const r = await runCli(["apply", "-f", "bad.yaml", ...serverArgs(server)], vars, dir);
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe(message);
    expect(await monitorNames()).toEqual([]);
  });

  it("prints a YAML syntax error as one line naming file, line and column, whatever follows it", async () => {
    // biome-ignore format: a table reads best one case per line
    const cases = [
      ["monitors:\n  - name: a\n    type: push\n   interval: 60\n", "bad.yaml:4:4: Sequence item without - indicator"],
      ['monitors:\n  - name: "a\n    type: push\n', 'bad.yaml:2:11: this " is never closed'],
      ["monitors:\n\t- name: a\n", "bad.yaml:2:1: tabs are not allowed as indentation"],
      ["monitors:\n  - name: a\n    name: b\n", 'bad.yaml:3:5: duplicate key "name"'],
      [`monitors:\n  - { name: a, type: push, token: \${TOKEN} }\n${"  - name: b\n    type: push\n".repeat(40)}`, "bad.yaml:2:35: a ${VARIABLE} inside { } or [ ] must be quoted"],
    ];
    for (const [text, start] of cases) {
      write("bad.yaml", text!);
      const r = await runCli(["apply", "-f", "bad.yaml", ...serverArgs(server)], { TOKEN: "t" }, dir);
      expect({ code: r.code, lines: r.stderr.trimEnd().split("\n").length }).toEqual({ code: 2, lines: 1 });
      expect(r.stderr.slice(0, start!.length)).toBe(start);
    }
    expect(await monitorNames()).toEqual([]);
  });

  it("rolls everything back when the 5th of 10 steps fails in the database", async () => {
    // Valid on its own: only the database knows "plain", already on the server, is not a group.
    // "plain" is not in the file, so m4 is a top-level step and runs 5th, after four creates.
    expect(
      (
        await runCli([
          "apply",
          "-f",
          write("plain.yaml", "monitors:\n  - name: plain\n    type: push\n"),
          ...serverArgs(server),
        ])
      ).code,
    ).toBe(0);
    const items = Array.from(
      { length: 10 },
      (_, i) => `  - name: m${i}\n    type: push\n${i === 4 ? "    parent: plain\n" : ""}`,
    );
    write("ten.yaml", `monitors:\n${items.join("")}`);
    const dry = await runCli(["apply", "-f", "ten.yaml", "--dry-run", "--json", ...serverArgs(server)], {}, dir);
    expect((JSON.parse(dry.stdout) as { lines: string[] }).lines[4]).toBe("+ create monitor m4");

    const r = await runCli(["apply", "-f", "ten.yaml", ...serverArgs(server)], {}, dir);
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe('ten.yaml:10:5: create monitor "m4": parent: "plain" is not a group');
    expect(r.stderr).toContain("nothing was applied");
    expect(await monitorNames()).toEqual(["plain"]);
  });

  it("renames a push monitor that keeps its token, with or without --prune, keeping its id", async () => {
    const token = "kept-push-token-0123456789";
    const one = write("one.yaml", `monitors:\n  - name: backup\n    type: push\n    token: ${token}\n`);
    expect((await runCli(["apply", "-f", one, ...serverArgs(server)])).code).toBe(0);
    const idOf = async (name: string) =>
      ((await (await server.api("/api/monitors")).json()) as Array<{ id: number; name: string }>).find(
        (m) => m.name === name,
      )?.id;
    const id = await idOf("backup");

    const renamed = write("two.yaml", `monitors:\n  - name: nightly-backup\n    type: push\n    token: ${token}\n`);
    const r = await runCli(["apply", "-f", renamed, "--prune", ...serverArgs(server)]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe('~ update monitor nightly-backup name: "backup" -> "nightly-backup"');
    expect(await monitorNames()).toEqual(["nightly-backup"]);
    expect(await idOf("nightly-backup")).toBe(id);

    const back = await runCli(["apply", "-f", one, ...serverArgs(server)]);
    expect(back.code).toBe(0);
    expect(await monitorNames()).toEqual(["backup"]);
    expect((await runCli(["apply", "-f", one, "--prune", ...serverArgs(server)])).stdout.trim()).toBe("nothing to do");
  });

  it("is idempotent when a window names a monitor twice", async () => {
    const file = write("twice.yaml", CONFIG.replace("monitors: [db]", "monitors: [db, shop, db]"));
    expect((await runCli(["apply", "-f", file, ...serverArgs(server)], env)).code).toBe(0);
    expect((await runCli(["apply", "-f", file, ...serverArgs(server)], env)).stdout.trim()).toBe("nothing to do");
  });

  it("rolls back a duplicate push token and exits 1 (conflict)", async () => {
    const token = "same-token-0123456789abcd";
    const items = Array.from(
      { length: 10 },
      (_, i) => `  - name: p${i}\n    type: push\n${i === 0 || i === 4 ? `    token: ${token}\n` : ""}`,
    );
    const r = await runCli(["apply", "-f", write("dup.yaml", `monitors:\n${items.join("")}`), ...serverArgs(server)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('create monitor "p4"');
    expect(await monitorNames()).toEqual([]);
  });

  it("accepts YAML over the API directly", async () => {
    const res = await server.api("/api/config/apply?dryRun=true", {
      method: "POST",
      body: "monitors:\n  - name: y\n    type: push\n",
      headers: { "content-type": "application/yaml" },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { lines: string[] }).lines).toEqual(["+ create monitor y"]);
  });

  it("exits 1 with a wrong token and 1 when the server is unreachable", async () => {
    const file = write("m.yaml", "monitors:\n  - name: a\n    type: push\n");
    const denied = await runCli(["apply", "-f", file, "--server", server.url, "--token", "wrong-token-000000000000"]);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain("HTTP 401");
    const down = await runCli(["apply", "-f", file, "--server", "http://127.0.0.1:9", "--token", "x"]);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain("cannot reach http://127.0.0.1:9");
  });

  it("reads the server and token from UPTOP_SERVER and UPTOP_API_TOKEN", async () => {
    const file = write("m.yaml", "monitors:\n  - name: from-env\n    type: push\n");
    const r = await runCli(["apply", "-f", file], { UPTOP_SERVER: server.url, UPTOP_API_TOKEN: ADMIN_TOKEN });
    expect(r.code).toBe(0);
    expect(await monitorNames()).toEqual(["from-env"]);
  });
});
