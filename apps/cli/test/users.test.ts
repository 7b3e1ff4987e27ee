import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { sshKey } from "@uptop/test-kit";
import { runCli, serverArgs, startTestServer, tempDir, type TestServer } from "./harness.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

const users = (...args: string[]) => runCli(["users", ...args, ...serverArgs(server)]);

describe("uptop users", () => {
  it("adds a user with a key and a token shown once, lists, adds keys and tokens, revokes", async () => {
    const added = await users("add", "dana", "--role", "editor", "--key", sshKey("dana@laptop").line, "--with-token");
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(
      /^created user dana \(editor\) with key SHA256:\S+\ntoken \(shown once, store it now\): uptop_/,
    );
    const token = /uptop_\S+/.exec(added.stdout)![0];
    expect((await runCli(["users", "list", "--server", server.url, "--token", token])).code).toBe(1);
    const me = await server.api("/api/me", { token });
    expect(await me.json()).toMatchObject({ name: "dana", role: "editor" });

    const file = join(tempDir(), "id.pub");
    writeFileSync(file, `${sshKey("dana@phone").line}\n`);
    const key = await users("key-add", "dana", "--file", file, "--json");
    expect(key.code).toBe(0);
    expect(JSON.parse(key.stdout)).toMatchObject({
      fingerprint: expect.stringMatching(/^SHA256:/),
      comment: "dana@phone",
    });

    const second = await users("token", "dana", "--name", "ci", "--json");
    expect(JSON.parse(second.stdout)).toMatchObject({ name: "ci", token: expect.stringMatching(/^uptop_/) });

    const listed = await users("list");
    expect(listed.stdout).toMatch(/^NAME\s+ROLE\s+STATE\s+KEYS\s+TOKENS\ndana\s+editor\s+active\s+2\s+2\n$/);
    const json = JSON.parse((await users("list", "--json")).stdout) as Array<{ tokens: unknown[] }>;
    expect(JSON.stringify(json)).not.toContain(token);

    const revoked = await users("revoke", "dana");
    expect(revoked.stdout).toBe("disabled user dana and revoked 2 token(s)\n");
    expect((await server.api("/api/me", { token })).status).toBe(401);
  }, 60_000);

  it("refuses a bad key with the server's reason, an unknown user, and a bad role", async () => {
    const bad = await users("add", "erin", "--role", "viewer");
    expect(bad.code).toBe(0);
    const key = await users("key-add", "erin", "ssh-ed25519 AAAA");
    expect(key.code).toBe(2);
    expect(key.stderr).toContain("publicKey: is not an SSH public key");
    expect((await users("token", "nobody")).stderr).toContain('no user named "nobody"');
    expect((await users("add", "fay", "--role", "root")).code).toBe(2);
  }, 60_000);
});
