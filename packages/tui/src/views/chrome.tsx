import { Box, Text } from "ink";
import type { Role } from "@uptop/core";
import type { DashboardState } from "../data/dashboard-model.js";
import type { Flash } from "../context.js";
import type { Theme } from "../theme.js";
import { fit } from "../format.js";

export type ViewName = "monitors" | "nodes" | "channels" | "maintenance";
export const VIEWS: readonly ViewName[] = ["monitors", "nodes", "channels", "maintenance"];
const TITLES: Record<ViewName, string> = {
  monitors: "Monitors",
  nodes: "Nodes",
  channels: "Channels",
  maintenance: "Maintenance",
};

interface HeaderProps {
  state: DashboardState;
  server: string;
  view: ViewName;
  theme: Theme;
  width: number;
  role: Role;
  right: string;
}

/** Two lines: counts by status, the stream's state and who is signed in; then the view tabs. */
export function Header({ state, server, view, theme, width, role, right }: HeaderProps) {
  let down = 0;
  let warn = 0;
  let up = 0;
  for (const m of state.monitors) {
    if (m.status === "DOWN") down++;
    else if (m.status === "UP") up++;
    else if (m.status === "LATE" || m.status === "PENDING") warn++;
  }
  const live =
    state.stream === "live"
      ? "● live"
      : state.stream === "off" || state.stream === "absent"
        ? "○ polling"
        : "○ reconnecting";
  const who = state.me ? `${state.me.name} (${role})` : "…";
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate">
        <Text bold color={theme.accent}>
          uptop top
        </Text>
        <Text> {state.monitors.length} monitors </Text>
        <Text color={theme.down}>▼{down} </Text>
        <Text color={theme.warn}>○{warn} </Text>
        <Text color={theme.up}>▲{up} </Text>
        <Text color={state.stream === "live" ? theme.up : theme.warn}>{live} </Text>
        <Text color={theme.accent}>{who} </Text>
        <Text color={theme.muted}>{server}</Text>
      </Text>
      <Text wrap="truncate">
        {VIEWS.map((v, i) => (
          <Text key={v} inverse={v === view} color={v === view ? undefined : theme.muted}>
            {` ${i + 1} ${TITLES[v]} `}
          </Text>
        ))}
        <Text color={theme.muted}> {right}</Text>
      </Text>
    </Box>
  );
}

interface FooterProps {
  flash: Flash | null;
  error: string | null;
  keys: string;
  theme: Theme;
  width: number;
}

/** The message line (an action's outcome, a refusal, a load error) and the key help. */
export function Footer({ flash, error, keys, theme, width }: FooterProps) {
  const message = flash ?? (error ? { text: error, kind: "error" as const } : null);
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate" color={message?.kind === "error" ? theme.down : theme.accent}>
        {fit(message?.text ?? "", width)}
      </Text>
      <Text wrap="truncate" color={theme.muted}>
        {fit(keys, width)}
      </Text>
    </Box>
  );
}
