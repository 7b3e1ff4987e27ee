import { openDatabase, type Store } from "@uptop/store";
import { createTempDatabase, freePort, until, type Proc, type TempDatabase } from "@uptop/test-kit";
import {
  createMonitor,
  json,
  RegionTarget,
  SECRET,
  startLeaderProcess,
  startProbeProcess,
  type MonitorView,
} from "./cluster-harness.js";

(import.meta as unknown as { jest: { setTimeout(ms: number): void } }).jest.setTimeout(150_000);

const PROBES = [
  { id: "probe-eu", region: "eu-west" },
  { id: "probe-us", region: "us-east" },
  { id: "probe-ap", region: "ap-south" },
];

/** Which probes see the target fail, and the regions the monitor is checked from. */
const PATTERNS = {
  one: { down: ["probe-eu"], regions: [] as string[] },
  two: { down: ["probe-eu", "probe-us"], regions: [] as string[] },
  all: { down: ["probe-eu", "probe-us", "probe-ap"], regions: [] as string[] },
  // Two regions, one down: a tie.
  tie: { down: ["probe-eu"], regions: ["eu-west", "us-east"] },
};
type Pattern = keyof typeof PATTERNS;

const EXPECTED: Array<[string, Pattern, "UP" | "DOWN"]> = [
  ["any-down", "one", "DOWN"],
  ["any-down", "two", "DOWN"],
  ["any-down", "all", "DOWN"],
  ["any-down", "tie", "DOWN"],
  ["majority-down", "one", "UP"],
  ["majority-down", "two", "DOWN"],
  ["majority-down", "all", "DOWN"],
  ["majority-down", "tie", "UP"],
  ["all-down", "one", "UP"],
  ["all-down", "two", "UP"],
  ["all-down", "all", "DOWN"],
  ["all-down", "tie", "UP"],
];

describe("leader on Postgres with three probe processes", () => {
  let tmp: TempDatabase;
  let store: Store;
  let leader: Proc;
  const probes: Proc[] = [];
  const target = new RegionTarget();
  let port = 0;
  let settledAt = 0;
  const monitors = new Map<string, MonitorView>();

  beforeAll(async () => {
    tmp = await createTempDatabase("uptop_cluster_agg");
    await target.start();
    port = await freePort();
    leader = await startLeaderProcess({ dsn: tmp.dsn, port });
    store = await openDatabase({ type: "postgres", dsn: tmp.dsn, poolMax: 2 });
    for (const [pattern, p] of Object.entries(PATTERNS)) target.down.set(pattern, new Set(p.down));
    for (const [strategy, pattern] of EXPECTED) {
      const name = `${strategy}-${pattern}`;
      const p = PATTERNS[pattern];
      monitors.set(
        name,
        await createMonitor(port, { name, url: target.url(pattern), aggregation: strategy, regions: p.regions }),
      );
    }
    for (const p of PROBES) {
      const proc = startProbeProcess({ ...p, leaderPort: port, port: await freePort() });
      target.probes.set(proc.pid, p.id);
      probes.push(proc);
    }
    await Promise.all(probes.map((p) => p.waitFor("registered with leader")));
    // Rounds decided while some probe had not synced yet count fewer votes; judge later ones.
    settledAt = Date.now() + 1000;
  });

  afterAll(async () => {
    await Promise.all(probes.map((p) => p.kill("SIGTERM")));
    await leader?.kill("SIGTERM");
    await store?.close();
    await target.stop();
    await tmp?.drop();
  });

  it("lists every probe as an online node with its region and role", async () => {
    const { nodes } = await json<{
      nodes: Array<{
        id: string;
        region: string;
        role: string;
        status: string;
        version: string;
        name: string;
        lastSeen: string;
      }>;
    }>(port, "/api/nodes");
    for (const p of PROBES) {
      const n = nodes.find((x) => x.id === p.id);
      expect(n).toMatchObject({ id: p.id, name: p.id, region: p.region, role: "probe", status: "online" });
      expect(Date.parse(n!.lastSeen)).toBeGreaterThan(Date.now() - 60_000);
    }
  });

  it.each(EXPECTED)(
    "%s with the %s pattern decides %s, with every counted vote shown",
    async (strategy, pattern, expected) => {
      const id = monitors.get(`${strategy}-${pattern}`)!.id;
      const p = PATTERNS[pattern];
      const voters = PROBES.filter((x) => p.regions.length === 0 || p.regions.includes(x.region));
      const m = await until(
        `monitor ${strategy}-${pattern} to be decided with ${voters.length} votes`,
        async () => {
          const v = await json<MonitorView>(port, `/api/monitors/${id}`);
          const fresh = v.votes.length === voters.length && v.votes.every((x) => Date.parse(x.at) > settledAt + 5000);
          return v.status !== "PENDING" && fresh ? v : null;
        },
        90_000,
      );
      expect(m.status).toBe(expected);
      for (const x of voters) {
        const vote = m.votes.find((v) => v.node === x.id);
        const down = p.down.includes(x.id);
        expect(vote).toMatchObject({ node: x.id, region: x.region, ok: !down });
        if (down) expect(vote!.error).toMatchObject({ code: "HTTP_STATUS" });
        else expect(vote!.error).toBeNull();
      }
    },
  );

  it("never assigns a region-restricted monitor to a probe of another region", async () => {
    const tie = monitors.get("any-down-tie")!.id;
    const everywhere = monitors.get("any-down-one")!.id;
    const assigned = async (nodeId: string, region: string) => {
      const res = await fetch(`http://127.0.0.1:${port}/api/probe/assignments?region=${region}`, {
        headers: { "X-Upkeep-Secret": SECRET, "X-Uptop-Protocol": "1", "X-Uptop-Node": nodeId },
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { monitors: Array<{ id: number }> }).monitors.map((m) => m.id);
    };
    expect(await assigned("probe-ap", "ap-south")).not.toContain(tie);
    expect(await assigned("probe-ap", "ap-south")).toContain(everywhere);
    expect(await assigned("probe-eu", "eu-west")).toContain(tie);
    const rows = await store.db
      .selectFrom("check_results")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("monitor_id", "=", tie)
      .where("node_id", "=", "probe-ap")
      .executeTakeFirstOrThrow();
    expect(Number(rows.n)).toBe(0);
  });

  it("answers an unchanged assignment set with 304 for its ETag", async () => {
    const headers = { "X-Upkeep-Secret": SECRET, "X-Uptop-Protocol": "1", "X-Uptop-Node": "probe-eu" };
    const first = await fetch(`http://127.0.0.1:${port}/api/probe/assignments?region=eu-west`, { headers });
    const etag = first.headers.get("etag")!;
    expect(etag).toBeTruthy();
    const again = await fetch(`http://127.0.0.1:${port}/api/probe/assignments?region=eu-west`, {
      headers: { ...headers, "If-None-Match": etag },
    });
    expect(again.status).toBe(304);
  });

  it("answers an unknown node with 404 so it registers again", async () => {
    const headers = { "X-Upkeep-Secret": SECRET, "X-Uptop-Protocol": "1", "content-type": "application/json" };
    const res = await fetch(`http://127.0.0.1:${port}/api/probe/results`, {
      method: "POST",
      headers,
      body: JSON.stringify({ nodeId: "nobody", results: [] }),
    });
    expect(res.status).toBe(404);
  });

  const ROUTES: Array<[string, string, unknown]> = [
    [
      "POST",
      "/api/probe/register",
      { nodeId: "intruder", name: "intruder", region: "eu-west", version: "1.0.0", role: "probe" },
    ],
    ["GET", "/api/probe/assignments?region=eu-west", undefined],
    ["POST", "/api/probe/results", { nodeId: "probe-eu", results: [] }],
    ["GET", "/api/cluster/config", undefined],
    ["POST", "/api/cluster/handback", { sealed: "x" }],
  ];
  const SECRETS: Array<[string, Record<string, string>]> = [
    ["missing", {}],
    ["wrong", { "X-Upkeep-Secret": "not-the-cluster-secret-000" }],
    ["wrong (alternate header)", { "X-Uptop-Secret": "not-the-cluster-secret-000" }],
  ];
  const TABLE = ROUTES.flatMap(([method, path, body]) =>
    SECRETS.map(([label, h]) => [method, path, label, h, body] as const),
  );

  it.each(TABLE)("%s %s with a %s secret answers 401", async (method, path, _label, secretHeaders, body) => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers: {
        "X-Uptop-Protocol": "1",
        "X-Uptop-Node": "probe-eu",
        "content-type": "application/json",
        ...secretHeaders,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("UNAUTHORIZED");
  });

  it("keeps the unauthenticated node out of the node list", async () => {
    const { nodes } = await json<{ nodes: Array<{ id: string }> }>(port, "/api/nodes");
    expect(nodes.map((n) => n.id)).not.toContain("intruder");
  });
});
