import { createTempDatabase, freePort, until, type Proc, type TempDatabase } from "@uptop/test-kit";
import { FOLLOWER_MAIN, LEADER_MAIN, health, startProcess } from "./harness.js";

/**
 * A follower keeps a database of its own: pointed at its leader's (a copied setting, say) it
 * would run a second engine on the leader's rows. Both refuse to share, whoever starts first.
 */
(import.meta as unknown as { jest: { setTimeout(ms: number): void } }).jest.setTimeout(120_000);

let procs: Proc[] = [];
let db: TempDatabase;

beforeEach(async () => {
  db = await createTempDatabase("uptop_own_db");
});
afterEach(async () => {
  await Promise.all(procs.map((p) => p.kill("SIGKILL")));
  procs = [];
  await db.drop();
});

function leader(port: number): Proc {
  const p = startProcess("leader", LEADER_MAIN, {
    UPTOP_NODE_ID: "leader-a",
    UPTOP_DB_TYPE: "postgres",
    UPTOP_DB_DSN: db.dsn,
    UPTOP_HTTP_PORT: String(port),
  });
  procs.push(p);
  return p;
}

function follower(port: number, leaderPort: number): Proc {
  const p = startProcess("follower", FOLLOWER_MAIN, {
    UPTOP_CLUSTER_MODE: "follower",
    UPTOP_NODE_ID: "follower-b",
    UPTOP_PEER_URL: `http://127.0.0.1:${leaderPort}`,
    UPTOP_DB_TYPE: "postgres",
    UPTOP_DB_DSN: db.dsn,
    UPTOP_HTTP_PORT: String(port),
  });
  procs.push(p);
  return p;
}

/** The process's exit code, once it has ended (the test's timeout bounds the wait). */
const exitCode = (p: Proc) => p.exited;
const errorLines = (p: Proc) => p.stdout.split("\n").filter((l) => l.includes('"level":"error"'));

it("a follower pointed at its leader's database exits 2 naming the leader, which serves on", async () => {
  const leaderPort = await freePort();
  const first = leader(leaderPort);
  await first.waitFor("leader listening");
  const second = follower(await freePort(), leaderPort);
  expect(await exitCode(second)).toBe(2);
  const lines = errorLines(second);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(`is already in use by leader \\"leader-a\\" (pid ${first.pid} on `);
  expect(lines[0]).toContain("a follower never shares its leader's");
  expect(second.stdout).not.toContain("follower standing by");
  expect((await until("leader health", () => health(leaderPort)))?.state).toBe("active");
});

it("a leader pointed at a database a follower holds exits 2 naming the follower", async () => {
  const followerPort = await freePort();
  const first = follower(followerPort, await freePort());
  await first.waitFor("follower standing by");
  const second = leader(await freePort());
  expect(await exitCode(second)).toBe(2);
  expect(errorLines(second)[0]).toContain(`is already in use by follower \\"follower-b\\" (pid ${first.pid} on `);
  expect(first.running).toBe(true);
});
