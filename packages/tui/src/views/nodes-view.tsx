import { Box, Text } from "ink";
import { useDashboard } from "../context.js";
import type { NodeRow } from "../data/types.js";
import { ago } from "../format.js";
import { useListNav } from "../hooks.js";
import { ListView, type ListColumn } from "./list-view.js";
import { useResource } from "./use-resource.js";

interface Props {
  width: number;
  height: number;
  active: boolean;
  version: number;
}

/** Every node with its role and freshness, and per region how many nodes are online. */
export function NodesView({ width, height, active, version }: Props) {
  const { api, theme } = useDashboard();
  const { data, error } = useResource<{ nodes: NodeRow[] }>(api, "/api/nodes", version);
  const nodes = data?.nodes ?? [];
  const regions = new Map<string, { online: number; total: number }>();
  for (const n of nodes) {
    const r = regions.get(n.region) ?? { online: 0, total: 0 };
    r.total++;
    if (n.status === "online") r.online++;
    regions.set(n.region, r);
  }
  const regionLine = [...regions]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, r]) => `${name} ${r.online}/${r.total}`)
    .join("  ");
  const [selected] = useListNav(nodes.length, height - 3, active);
  const now = Date.now();
  const colour = (n: NodeRow) => (n.status === "online" ? theme.up : n.status === "stale" ? theme.warn : theme.down);
  const columns: ListColumn<NodeRow>[] = [
    { title: "STATUS", width: 8, text: (n) => n.status, colour },
    { title: "NAME", width: 20, text: (n) => n.name },
    { title: "REGION", width: 12, text: (n) => n.region },
    { title: "ROLE", width: 9, text: (n) => n.role },
    { title: "SEEN", width: 9, text: (n) => ago(n.lastSeen, now) },
    { title: "VERSION", width: 10, text: (n) => n.version },
  ];
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate" color={error ? theme.down : theme.accent}>
        {error ?? `Regions (online/total): ${regionLine || "none"}`}
      </Text>
      <ListView
        rows={nodes}
        columns={columns}
        selected={selected}
        height={height - 1}
        width={width}
        theme={theme}
        empty={data ? "no nodes have registered" : "loading…"}
      />
    </Box>
  );
}
