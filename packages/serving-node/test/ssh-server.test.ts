import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RefusedToRunError } from "@uptop/core";
import { quietLogger, until } from "@uptop/test-kit";
import { ensureHostKey, SSH_HOST_KEY_FILE, SshServer, type SshHooks } from "../src/index.js";
import { connect, keyring, openShell, publicBlob, recordingLogger, textScreen, userKey } from "./ssh-harness.js";

const alice = userKey();
const stranger = userKey();
const users = keyring([{ privateKey: alice.private, user: { id: 1, name: "alice", role: "editor" } }]);

const servers: SshServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function start(
  options: { idleTimeoutMs?: number; maxConnections?: number; dataDir?: string; hooks?: SshHooks } = {},
) {
  const log = recordingLogger();
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "uptop-ssh-"));
  const server = new SshServer({
    host: "127.0.0.1",
    port: 0,
    hostKey: ensureHostKey(dataDir, quietLogger()),
    idleTimeoutMs: options.idleTimeoutMs ?? 60_000,
    hooks: options.hooks ?? { authenticate: users.authenticate, startSession: textScreen },
    logger: log.logger,
    ...(options.maxConnections ? { maxConnections: options.maxConnections } : {}),
  });
  servers.push(server);
  const port = await server.listen();
  return { server, port, log, dataDir };
}

describe("the SSH server", () => {
  it("signs a known key in, shows the screen, passes keys and resizes, and ends when the user quits", async () => {
    const { port, log } = await start();
    const s = await openShell(port, alice.private);
    // The newline a program writes reaches the client's raw terminal as CR LF.
    await s.waitFor("uptop — alice (editor) on xterm-256color\r\nsize 80x24\r\n");
    s.stream.write("j");
    await s.waitFor('key "j"');
    s.stream.setWindow(48, 160, 0, 0);
    await s.waitFor("size 160x48");
    s.stream.write("q");
    await s.closed;
    expect(s.exitCode()).toBe(0);
    s.client.end();
    await until("session end logged", () => log.lines().find((l) => l.message === "ssh session ended"));
    const ended = log.lines().find((l) => l.message === "ssh session ended")!;
    expect(ended).toMatchObject({ user: "alice", reason: "user quit" });
    expect(String(ended.remote)).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(log.lines().find((l) => l.message === "ssh session started")).toMatchObject({
      user: "alice",
      role: "editor",
      columns: 80,
      rows: 24,
    });
    // The key never reaches the log, in either of its forms.
    const blob = publicBlob(alice.private).toString("base64");
    expect(log.text()).not.toContain(blob);
    expect(log.text()).not.toContain(alice.private.split("\n")[1]!);
  });

  it("refuses a key it does not know, logging its fingerprint with the address", async () => {
    const { port, log } = await start();
    await expect(connect(port, stranger.private)).rejects.toThrow(/authentication methods failed/);
    const refused = log.lines().find((l) => l.message === "ssh sign-in refused: unknown key");
    expect(refused).toMatchObject({ keyType: "ssh-ed25519" });
    expect(String(refused!.fingerprint)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(String(refused!.remote)).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it("refuses passwords and keyboard-interactive without asking who the user is", async () => {
    const { port } = await start();
    const asked = users.asked.length;
    await expect(connect(port, { password: "admin" })).rejects.toThrow(/authentication methods failed/);
    expect(users.asked.length).toBe(asked);
  });

  it("lets a key in only with a valid signature: an offer for a known key alone does not sign in", async () => {
    // The client first asks whether the key would do (no signature), then signs; both are asked
    // about, and only the signed request signs in.
    const { port, log } = await start();
    const before = users.asked.length;
    const { client } = await connect(port, alice.private);
    client.end();
    expect(users.asked.length - before).toBe(2);
    expect(log.lines().filter((l) => l.message === "ssh signed in")).toHaveLength(1);
  });

  it("without a pty says why in one line and closes", async () => {
    const { port } = await start();
    const s = await openShell(port, alice.private, false);
    await s.closed;
    expect(s.screen()).toBe("uptop: the dashboard needs a terminal; connect with ssh -t\r\n");
    expect(s.exitCode()).toBe(1);
    s.client.end();
  });

  it("refuses a command, a second session and port forwarding", async () => {
    const { port } = await start();
    const s = await openShell(port, alice.private);
    await s.waitFor("size 80x24");
    await expect(
      new Promise((resolve, reject) => s.client.shell((err, st) => (err ? reject(err) : resolve(st)))),
    ).rejects.toThrow(/open failure|Channel open failure/i);
    // Port forwarding is no way through the node either.
    await expect(
      new Promise((resolve, reject) =>
        s.client.forwardOut("127.0.0.1", 0, "127.0.0.1", port, (err, ch) => (err ? reject(err) : resolve(ch))),
      ),
    ).rejects.toThrow(/open failure/i);
    s.client.end();

    const { client } = await connect(port, alice.private);
    const out = await new Promise<{ text: string; code: number }>((resolve, reject) =>
      client.exec("uptime", (err, st) => {
        if (err) return reject(err);
        let text = "";
        let code = -1;
        st.on("data", (d: Buffer) => (text += d.toString()));
        st.on("exit", (c: number) => (code = c));
        st.on("close", () => resolve({ text, code }));
      }),
    );
    client.end();
    expect(out).toEqual({
      text: "uptop: this server serves only the dashboard; connect without a command\r\n",
      code: 1,
    });
  });

  it("a dashboard that fails tells the user in one line and closes", async () => {
    const { port, log } = await start({
      hooks: {
        authenticate: users.authenticate,
        startSession: ({ stdout }) => {
          stdout.write("starting\n");
          return { close: () => {}, done: Promise.reject(new Error("no API")) };
        },
      },
    });
    const s = await openShell(port, alice.private);
    await s.closed;
    expect(s.screen()).toBe("starting\r\n\r\nuptop: the dashboard stopped on an error; see the server's log\r\n");
    expect(s.exitCode()).toBe(1);
    s.client.end();
    expect(log.lines().find((l) => l.message === "ssh session failed")).toMatchObject({ error: "no API" });
  });

  it("closes a session after the idle timeout, with a message; output alone does not keep it open", async () => {
    const { port, log } = await start({ idleTimeoutMs: 400 });
    const s = await openShell(port, alice.private);
    await s.waitFor("size 80x24");
    // Key presses hold it open past one timeout.
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setTimeout(r, 150));
      s.stream.write("x");
    }
    expect(s.screen()).not.toContain("without input");
    await s.closed;
    expect(s.screen()).toContain("bye\r\n\r\nuptop: closed after 400ms without input\r\n");
    s.client.end();
    await until("idle end logged", () =>
      log.lines().find((l) => l.message === "ssh session ended" && l.reason === "idle"),
    );
  });

  it("stop tells every session, closes it and the listener", async () => {
    const { server, port } = await start();
    const a = await openShell(port, alice.private);
    const b = await openShell(port, alice.private);
    await a.waitFor("size 80x24");
    await b.waitFor("size 80x24");
    await server.close();
    await Promise.all([a.closed, b.closed]);
    expect(a.screen()).toContain("uptop: the server is stopping");
    expect(b.screen()).toContain("uptop: the server is stopping");
    expect(server.connectionCount).toBe(0);
    await expect(connect(port, alice.private)).rejects.toThrow(/ECONNREFUSED/);
  });

  it("holds at most the connection limit; one more is cut, and a slot frees when a client goes", async () => {
    const { port, log } = await start({ maxConnections: 2 });
    const a = await connect(port, alice.private);
    const b = await connect(port, alice.private);
    await expect(connect(port, alice.private)).rejects.toThrow();
    expect(log.lines().find((l) => l.message === "ssh connection refused: too many connections")).toMatchObject({
      limit: 2,
    });
    a.client.end();
    await until("a slot frees", async () => {
      try {
        const c = await connect(port, alice.private);
        c.client.end();
        return true;
      } catch {
        return false;
      }
    });
    b.client.end();
  });
});

describe("the SSH host key", () => {
  it("is generated 0600 on first start and the same one is served after a restart", async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), "uptop-ssh-")), "data");
    const first = await start({ dataDir });
    const file = join(dataDir, SSH_HOST_KEY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const before = await connect(first.port, alice.private);
    before.client.end();
    await first.server.close();

    const second = await start({ dataDir });
    const after = await connect(second.port, alice.private);
    after.client.end();
    expect(after.hostKey.equals(before.hostKey)).toBe(true);
    expect(before.hostKey.subarray(4, 15).toString()).toBe("ssh-ed25519");
  });

  it("stops the start when the file is not a private key, rather than replacing it", () => {
    const dataDir = mkdtempSync(join(tmpdir(), "uptop-ssh-"));
    writeFileSync(join(dataDir, SSH_HOST_KEY_FILE), "not a key\n", { mode: 0o600 });
    expect(() => ensureHostKey(dataDir, quietLogger())).toThrow(RefusedToRunError);
    expect(() => ensureHostKey(dataDir, quietLogger())).toThrow(/is not an SSH private key.*delete the file/);
  });
});
