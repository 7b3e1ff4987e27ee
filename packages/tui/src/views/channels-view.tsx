import { Box, useInput } from "ink";
import { roleAllows } from "@uptop/core";
import { useDashboard } from "../context.js";
import type { ChannelRow } from "../data/types.js";
import { useListNav } from "../hooks.js";
import { ListView, type ListColumn } from "./list-view.js";
import { useResource } from "./use-resource.js";

interface Props {
  width: number;
  height: number;
  active: boolean;
  version: number;
}

interface TestAnswer {
  ok: boolean;
  error?: string | null;
  status?: number | null;
}

/** Notification channels; `t` sends a test message through the selected one (editor). */
export function ChannelsView({ width, height, active, version }: Props) {
  const { api, theme, role, act, flash } = useDashboard();
  const { data, error } = useResource<ChannelRow[]>(api, "/api/channels", version);
  const channels = data ?? [];
  const [selected] = useListNav(channels.length, height - 2, active);
  useInput(
    (input) => {
      const c = channels[selected];
      if (input !== "t" || !c || !roleAllows(role, "editor")) return;
      flash(`sending a test through ${c.name}…`);
      void act(`test ${c.name}`, () => api.send<TestAnswer>("POST", `/api/channels/${c.id}/test`)).then((r) => {
        if (!r) return;
        if (r.ok) flash(`test through ${c.name}: delivered`);
        else flash(`test through ${c.name} failed: ${r.error ?? `HTTP ${r.status ?? "?"}`}`, "error");
      });
    },
    { isActive: active },
  );
  const columns: ListColumn<ChannelRow>[] = [
    {
      title: "ENABLED",
      width: 8,
      text: (c) => (c.enabled ? "yes" : "no"),
      colour: (c) => (c.enabled ? theme.up : theme.muted),
    },
    { title: "NAME", width: 24, text: (c) => c.name },
    { title: "TYPE", width: 12, text: (c) => c.type },
    { title: "DEFAULT", width: 8, text: (c) => (c.default ? "default" : "") },
  ];
  return (
    <Box flexDirection="column" width={width} height={height}>
      <ListView
        rows={channels}
        columns={columns}
        selected={selected}
        height={height}
        width={width}
        theme={theme}
        empty={error ?? (data ? "no channels yet" : "loading…")}
      />
    </Box>
  );
}
