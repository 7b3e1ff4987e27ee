import type { MonitorState } from "@uptop/core";
import { insertResults, insertStateChanges, saveMonitorStates } from "@uptop/store";
import type { TestServer } from "../../../apps/cli/test/harness.js";

export interface SeedMonitor {
  name: string;
  type?: string;
  status: MonitorState["status"];
  latencyMs?: number;
  parent?: string;
  retries?: number;
}

/**
 * Monitors created through the API, then given a verdict, recent results and a state change
 * the way the engine stores them (the test server runs no engine, so nothing checks for real).
 */
export async function seedMonitors(server: TestServer, monitors: readonly SeedMonitor[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const m of monitors) {
    const type = m.type ?? "http";
    const body: Record<string, unknown> = { name: m.name, type, retries: m.retries ?? 0 };
    if (type === "http") body.url = `https://${m.name}.example/`;
    if (m.parent) body.parent = m.parent;
    const res = await server.api("/api/monitors", { method: "POST", body: JSON.stringify(body) });
    if (res.status !== 201) throw new Error(`seeding ${m.name}: HTTP ${res.status} ${await res.text()}`);
    ids.set(m.name, ((await res.json()) as { id: number }).id);
  }
  const now = Date.now();
  const at = new Date(now - 60_000).toISOString();
  const states: MonitorState[] = monitors.map((m) => {
    const ok = m.status !== "DOWN";
    const vote = {
      node: "leader-1",
      region: "eu-west",
      ok,
      latencyMs: ok ? (m.latencyMs ?? 100) : null,
      error: null,
      at,
    };
    return {
      monitorId: ids.get(m.name)!,
      status: m.status,
      health: m.status === "DOWN" ? "DOWN" : "UP",
      since: at,
      failures: ok ? 0 : 1,
      successes: ok ? 1 : 0,
      lastCheck: { at, ok, latencyMs: vote.latencyMs, error: null, node: "leader-1" },
      votes: [vote],
      lastPushAt: null,
      downSince: ok ? null : at,
      noData: false,
    };
  });
  await saveMonitorStates(server.store.db, states);
  await insertResults(
    server.store.db,
    monitors.flatMap((m) =>
      Array.from({ length: 10 }, (_, i) => {
        const t = new Date(now - (10 - i) * 60_000);
        const ok = m.status !== "DOWN" || i < 7;
        return {
          monitorId: ids.get(m.name)!,
          nodeId: "leader-1",
          slot: t,
          checkedAt: t,
          ok,
          latencyMs: ok ? (m.latencyMs ?? 100) + i * 10 : null,
          statusCode: ok ? 200 : null,
          errorCode: ok ? null : "TIMEOUT",
          errorMessage: ok ? null : "timed out",
        };
      }),
    ),
  );
  await insertStateChanges(
    server.store.db,
    monitors
      .filter((m) => m.status === "DOWN")
      .map((m) => ({
        monitorId: ids.get(m.name)!,
        from: "UP" as const,
        to: "DOWN" as const,
        reason: "timed out after 10 s",
        votes: [
          {
            node: "leader-1",
            region: "eu-west",
            ok: false,
            latencyMs: null,
            error: { code: "TIMEOUT", message: "timed out" },
            at,
          },
        ],
        at: new Date(at),
        epoch: 1,
        nodeId: "leader-1",
      })),
  );
  return ids;
}
