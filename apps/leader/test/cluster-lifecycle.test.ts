import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase, type Store } from "@uptop/store";
import { createTempDatabase, freePort, sleep, until, type Proc, type TempDatabase } from "@uptop/test-kit";
import {
  createMonitor,
  json,
  RegionTarget,
  startLeaderProcess,
  startProbeProcess,
  type MonitorView,
} from "./cluster-harness.js";

(import.meta as unknown as { jest: { setTimeout(ms: number): void } }).jest.setTimeout(180_000);

interface NodeRow {
  id: string;
  status: string;
}

describe("probes across leader restarts and probe deaths (real processes, Postgres)", () => {
  let tmp: TempDatabase;
  let store: Store;
  let leader: Proc;
  const probes = new Map<string, { proc: Proc; port: number }>();
  const target = new RegionTarget();
  const dataDir = mkdtempSync(join(tmpdir(), "uptop-cl-life-"));
  let port = 0;
  let both: MonitorView;
  let usOnly: MonitorView;

  beforeAll(async () => {
    tmp = await createTempDatabase("uptop_cluster_life");
    store = await openDatabase({ type: "postgres", dsn: tmp.dsn, poolMax: 2 });
    await target.start();
    port = await freePort();
  });

  afterAll(async () => {
    for (const p of probes.values()) await p.proc.kill("SIGTERM");
    await leader?.kill("SIGTERM");
    await store?.close();
    await target.stop();
    await tmp?.drop();
  });

  it("a probe started before the leader registers once the leader is up", async () => {
    for (const [id, region] of [
      ["probe-eu", "eu-west"],
      ["probe-us", "us-east"],
    ] as const) {
      const probePort = await freePort();
      const proc = startProbeProcess({ id, region, leaderPort: port, port: probePort });
      target.probes.set(proc.pid, id);
      probes.set(id, { proc, port: probePort });
    }
    await probes.get("probe-eu")!.proc.waitFor("registration failed, retrying");
    leader = await startLeaderProcess({ dsn: tmp.dsn, port, dataDir });
    await Promise.all([...probes.values()].map((p) => p.proc.waitFor("registered with leader")));
    const { nodes } = await json<{ nodes: NodeRow[] }>(port, "/api/nodes");
    expect(nodes.filter((n) => n.id.startsWith("probe-")).map((n) => [n.id, n.status])).toEqual([
      ["probe-eu", "online"],
      ["probe-us", "online"],
    ]);
    both = await createMonitor(port, { name: "both", url: target.url("both"), aggregation: "any-down" });
    usOnly = await createMonitor(port, { name: "us-only", url: target.url("us-only"), regions: ["us-east"] });
  });

  const rows = (monitorId: number, nodeId: string) =>
    store.db
      .selectFrom("check_results")
      .select(["slot"])
      .where("monitor_id", "=", monitorId)
      .where("node_id", "=", nodeId)
      .orderBy("slot")
      .execute();

  /** Slots the probe's scheduler did not run (late or overlapping), from its /metrics. */
  async function skippedSlots(probePort: number): Promise<number> {
    const text = await (await fetch(`http://127.0.0.1:${probePort}/metrics`)).text();
    return text
      .split("\n")
      .filter((l) => l.startsWith("uptop_scheduler_skipped_total{"))
      .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(" ") + 1)), 0);
  }

  it("buffers while the leader is down and replays without duplicates or gaps", async () => {
    await until(
      "results from both probes",
      async () => (await rows(both.id, "probe-eu")).length >= 2 && (await rows(both.id, "probe-us")).length >= 2,
      60_000,
    );
    const downAt = Date.now();
    // Killed, not stopped: results the leader acknowledged must already be in the database,
    // since the probe drops them from its buffer on the acknowledgement.
    await leader.kill("SIGKILL");
    await sleep(60_000);
    leader = await startLeaderProcess({ dsn: tmp.dsn, port, dataDir });
    const upAt = Date.now();
    for (const [, p] of probes) {
      await until(
        "the probe's buffer to drain",
        async () => {
          const h = (await (await fetch(`http://127.0.0.1:${p.port}/api/health`)).json()) as {
            buffer: { size: number };
          };
          return h.buffer.size === 0;
        },
        60_000,
      );
    }
    for (const node of ["probe-eu", "probe-us"]) {
      await until(
        `a result of ${node} slotted after the restart`,
        async () => (await rows(both.id, node)).some((r) => r.slot.getTime() > upAt),
        30_000,
      );
    }
    const dupes = await store.db
      .selectFrom("check_results")
      .select(["monitor_id", "node_id", "slot"])
      .groupBy(["monitor_id", "node_id", "slot"])
      .having((eb) => eb.fn.countAll(), ">", 1)
      .execute();
    expect(dupes).toEqual([]);
    for (const node of ["probe-eu", "probe-us"]) {
      const slots = (await rows(both.id, node)).map((r) => r.slot.getTime());
      expect(slots[0]).toBeLessThan(downAt);
      expect(slots[slots.length - 1]).toBeGreaterThan(upAt);
      // A slot is missing only if the probe itself did not run it: its scheduler skips a slot
      // when a starved machine wakes it too late (counted), never because a replay lost it.
      const missing = slots
        .slice(1)
        .map((s, i) => (s - slots[i]!) / 5000 - 1)
        .reduce((a, b) => a + b, 0);
      expect(missing).toBeLessThanOrEqual(await skippedSlots(probes.get(node)!.port));
    }
  });

  it("a killed probe turns stale, then offline, stops voting and raises node notifications", async () => {
    await store.db
      .insertInto("channels")
      .values({
        name: "ops",
        type: "webhook",
        settings: JSON.stringify({ url: "http://127.0.0.1:9/hook" }),
        is_default: true,
        enabled: true,
        reminder_interval_s: null,
      })
      .execute();
    // probe-us sees "both" fail: any-down makes it DOWN.
    target.down.set("both", new Set(["probe-us"]));
    await until(
      "both DOWN",
      async () => (await json<MonitorView>(port, `/api/monitors/${both.id}`)).status === "DOWN",
      60_000,
    );
    await probes.get("probe-us")!.proc.kill("SIGKILL");
    probes.delete("probe-us");

    // Age the dead probe's last sighting instead of waiting minutes for it.
    const age = (ms: number) =>
      store.db
        .updateTable("nodes")
        .set({ last_seen: new Date(Date.now() - ms) })
        .where("id", "=", "probe-us")
        .execute();
    const statusOf = async () =>
      (await json<{ nodes: NodeRow[] }>(port, "/api/nodes")).nodes.find((n) => n.id === "probe-us")!.status;
    await age(2 * 60_000);
    expect(await statusOf()).toBe("stale");
    await age(6 * 60_000);
    expect(await statusOf()).toBe("offline");

    // Its DOWN vote is still young, but an offline node's vote no longer counts.
    const m = await until(
      "both UP again",
      async () => {
        const v = await json<MonitorView>(port, `/api/monitors/${both.id}`);
        return v.status === "UP" ? v : null;
      },
      60_000,
    );
    expect(m.votes.find((v) => v.node === "probe-eu")).toMatchObject({ ok: true });

    const nodeEvents = async () =>
      (
        await store.db
          .selectFrom("notifications")
          .select(["monitor_id", "payload"])
          .where("event", "=", "node")
          .execute()
      ).map((r) => ({
        monitorId: r.monitor_id,
        payload: (typeof r.payload === "string" ? JSON.parse(r.payload) : r.payload) as {
          node?: { id: string; status: string };
          uncoveredRegions?: string[];
        },
      }));
    const offline = await until(
      "a node offline notification",
      async () => (await nodeEvents()).find((e) => e.payload.node?.id === "probe-us"),
      30_000,
    );
    expect(offline).toMatchObject({ monitorId: null, payload: { node: { id: "probe-us", status: "offline" } } });
    const noData = await until(
      "a no-data notification for us-only",
      async () => (await nodeEvents()).find((e) => e.monitorId === usOnly.id),
      30_000,
    );
    expect(noData.payload.uncoveredRegions).toEqual(["us-east"]);
    // Once per episode: later reloads add nothing.
    await sleep(11_000);
    expect((await nodeEvents()).length).toBe(2);
  });
});
