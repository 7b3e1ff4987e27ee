import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, SecretBox } from "@uptop/core";
import { openAndMigrate, type Store } from "@uptop/store";
import { ADMIN_TOKEN, quietLogger } from "@uptop/test-kit";
import { EpochHolder, ServingNode, SSH_HOST_KEY_FILE } from "../src/index.js";
import { connect, keyring, openShell, textScreen, userKey } from "./ssh-harness.js";

const admin = userKey();
const users = keyring([{ privateKey: admin.private, user: { id: null, name: "admin", role: "admin" } }]);

let store: Store;
const nodes: ServingNode[] = [];

beforeAll(async () => {
  store = await openAndMigrate({ type: "sqlite", dsn: ":memory:", poolMax: 1 });
});

afterAll(async () => {
  for (const n of nodes) await n.stop();
  await store?.close();
});

async function startNode(role: "leader" | "follower", env: Record<string, string> = { UPTOP_SSH_PORT: "0" }) {
  const dataDir = mkdtempSync(join(tmpdir(), "uptop-ssh-node-"));
  const config = loadConfig({
    UPTOP_DATA_DIR: dataDir,
    UPTOP_DB_DSN: ":memory:",
    UPTOP_HTTP_HOST: "127.0.0.1",
    UPTOP_HTTP_PORT: "0",
    UPTOP_API_TOKEN: ADMIN_TOKEN,
    UPTOP_LEADER_CHECKS: "false",
    ...env,
  });
  const epoch = new EpochHolder(store.db, `${role}-1`);
  await epoch.load();
  const node = new ServingNode({
    config,
    logger: quietLogger(),
    store,
    box: new SecretBox(null),
    apiToken: ADMIN_TOKEN,
    role,
    epoch,
    ssh: { authenticate: users.authenticate, startSession: textScreen },
  });
  nodes.push(node);
  await node.listen();
  return { node, dataDir };
}

describe("SSH on a serving node", () => {
  it("a follower makes its host key at start but serves SSH only while active", async () => {
    const { node, dataDir } = await startNode("follower");
    expect(statSync(join(dataDir, SSH_HOST_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(node.sshPort).toBe(0);

    await node.activate("test take-over");
    const port = node.sshPort;
    expect(port).toBeGreaterThan(0);
    const s = await openShell(port, admin.private);
    await s.waitFor("uptop — admin (admin)");

    // Standing down ends the sessions: a standby's dashboard would show a mirror it cannot act on.
    await node.deactivate("test stand-down");
    await s.closed;
    expect(s.screen()).toContain("uptop: the server is stopping");
    expect(node.sshPort).toBe(0);
    await expect(connect(port, admin.private)).rejects.toThrow(/ECONNREFUSED/);
  });

  it("an active leader serves SSH until it stops, and the stop closes the sessions", async () => {
    const { node } = await startNode("leader");
    await node.activate("test start");
    const s = await openShell(node.sshPort, admin.private);
    await s.waitFor("size 80x24");
    await node.stop();
    await s.closed;
    expect(s.screen()).toContain("uptop: the server is stopping");
  });

  it("serves no SSH when UPTOP_SSH_PORT is unset", async () => {
    const { node, dataDir } = await startNode("leader", {});
    await node.activate("test start");
    expect(node.sshPort).toBe(0);
    expect(() => statSync(join(dataDir, SSH_HOST_KEY_FILE))).toThrow(/ENOENT/);
    await node.stop();
  });
});
