import type { LiveEvent } from "@uptop/core";
import { useMemo } from "react";
import { get } from "../api";
import { ErrorNotice } from "../components/Notice";
import { ScrollRegion } from "../components/ScrollRegion";
import { useLiveEvents } from "../live";
import { ago } from "../monitor-types";
import { useLoad } from "../use-load";
import "./nodes.css";

interface NodeView {
  id: string;
  name: string;
  region: string;
  version: string;
  role: string;
  status: string;
  lastSeen: string;
  firstSeen: string;
}

type NodeEvent = Extract<LiveEvent, { type: "node" }>;

function applyNodeEvent(nodes: NodeView[], e: NodeEvent): NodeView[] {
  const i = nodes.findIndex((n) => n.id === e.nodeId);
  if (i < 0) return nodes;
  const next = nodes.slice();
  next[i] = { ...nodes[i]!, name: e.name, region: e.region, role: e.role, status: e.status, lastSeen: e.at };
  return next;
}

/** A node's status as a word in a frame, like a monitor's: never colour alone. */
function NodeStatus({ status }: { status: string }) {
  return <span className={`badge n-${status}`}>{status}</span>;
}

export function Nodes() {
  const nodes = useLoad(() => get<{ nodes: NodeView[] }>("/api/nodes").then((r) => r.nodes));
  const { set, reload } = nodes;
  useLiveEvents((e) => {
    if (e.type === "reset") reload();
    if (e.type !== "node") return;
    // An unknown node registered: its first-seen time and version come from the API.
    if (!nodes.data?.some((n) => n.id === e.nodeId)) reload();
    else set((prev) => (prev ? applyNodeEvent(prev, e) : prev));
  });
  const list = nodes.data;
  const regions = useMemo(() => {
    const by = new Map<string, { total: number; online: number }>();
    for (const n of list ?? []) {
      const r = by.get(n.region) ?? { total: 0, online: 0 };
      r.total++;
      if (n.status === "online") r.online++;
      by.set(n.region, r);
    }
    return [...by].sort(([a], [b]) => a.localeCompare(b));
  }, [list]);

  return (
    <section className="nodes">
      <h1>Nodes and regions</h1>
      <ErrorNotice error={nodes.error} />
      {list === undefined && !nodes.error && (
        <p className="loading" role="status">
          Loading nodes…
        </p>
      )}
      {list !== undefined && list.length === 0 && <p className="panel">No node has registered yet.</p>}
      {list !== undefined && list.length > 0 && (
        <>
          <h2>Regions</h2>
          <ul className="regions">
            {regions.map(([region, r]) => (
              <li key={region} className="panel">
                <strong>{region}</strong> {r.online} of {r.total} online
              </li>
            ))}
          </ul>
          <h2>Nodes</h2>
          <ScrollRegion label="Nodes table">
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Role</th>
                  <th scope="col">Region</th>
                  <th scope="col">Status</th>
                  <th scope="col">Last seen</th>
                  <th scope="col">Version</th>
                </tr>
              </thead>
              <tbody>
                {list.map((n) => (
                  <tr key={n.id}>
                    <td>
                      {n.name}
                      {n.name !== n.id && <span className="node-id">{n.id}</span>}
                    </td>
                    <td>{n.role}</td>
                    <td>{n.region}</td>
                    <td>
                      <NodeStatus status={n.status} />
                    </td>
                    <td>
                      <time dateTime={n.lastSeen} title={n.lastSeen}>
                        {ago(n.lastSeen)}
                      </time>
                    </td>
                    <td>{n.version}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollRegion>
        </>
      )}
    </section>
  );
}
