import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateEd25519Key } from "@uptop/serving-node";
import { ADMIN_TOKEN, freePort, until, type Proc } from "@uptop/test-kit";
import ssh2, { type ClientChannel } from "ssh2";
import { startLeaderProcess } from "./cluster-harness.js";

/**
 * The dashboard over SSH on a real leader process: an editor's and a viewer's keys seeded from
 * UPTOP_KEYS, a real SSH client with a pty, the pause key pressed on a monitor, and the result read
 * back through the API.
 */
const editor = generateEd25519Key("ed@laptop");
const viewer = generateEd25519Key("vic@laptop");
let leader: Proc;
let httpPort: number;
let sshPort: number;
let monitorId: number;

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${httpPort}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

const paused = async () => (await api<{ paused: boolean }>("GET", `/api/monitors/${monitorId}`)).paused;

/** A shell with a pty as `ssh -t` opens it; `screen()` is everything the server drew so far. */
async function openDashboard(privateKey: string): Promise<{ screen(): string; press(k: string): void; end(): void }> {
  const client = new ssh2.Client();
  await new Promise<void>((resolve, reject) => {
    client.on("ready", () => resolve()).on("error", reject);
    client.connect({ host: "127.0.0.1", port: sshPort, username: "any", privateKey, readyTimeout: 10_000 });
  });
  const stream = await new Promise<ClientChannel>((resolve, reject) =>
    client.shell({ term: "xterm-256color", cols: 100, rows: 30 }, (err, s) => (err ? reject(err) : resolve(s))),
  );
  let text = "";
  stream.on("data", (d: Buffer) => (text += d.toString("utf8")));
  return { screen: () => text, press: (k) => stream.write(k), end: () => client.end() };
}

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "uptop-ssh-"));
  const keysFile = join(dataDir, "keys");
  writeFileSync(keysFile, `editor ed ${editor.publicLine}\nviewer vic ${viewer.publicLine}\n`);
  [httpPort, sshPort] = [await freePort(), await freePort()];
  leader = await startLeaderProcess({
    dsn: join(dataDir, "uptop.db"),
    port: httpPort,
    dataDir,
    extra: { UPTOP_DB_TYPE: "sqlite", UPTOP_SSH_PORT: String(sshPort), UPTOP_KEYS: keysFile },
  });
  await leader.waitFor("ssh listening", 20_000);
  monitorId = (await api<{ id: number }>("POST", "/api/monitors", { name: "billing-api", type: "push" })).id;
}, 60_000);

afterAll(async () => {
  await leader?.kill("SIGTERM");
});

it("a viewer sees the monitors table, and the pause key changes nothing", async () => {
  const s = await openDashboard(viewer.privateKey);
  try {
    await until("the table", () => s.screen().includes("billing-api"), 15_000);
    s.press("p");
    await until("the refusal", () => s.screen().includes("needs role editor; you are viewer"), 10_000);
    // And the server was not asked behind the dashboard's back: the monitor runs on.
    await new Promise((r) => setTimeout(r, 500));
    expect(await paused()).toBe(false);
  } finally {
    s.end();
  }
}, 40_000);

it("an editor presses the pause key on the monitor and the API shows it paused", async () => {
  const s = await openDashboard(editor.privateKey);
  try {
    await until("the table", () => s.screen().includes("billing-api"), 15_000);
    s.press("p");
    await until("paused through the API", paused, 10_000);
  } finally {
    s.end();
  }
}, 40_000);
