import { memo } from "react";
import { Box, Text } from "ink";
import type { HistoryPoint, MonitorRow } from "../data/types.js";
import { paint } from "../ansi.js";
import { fit, formatLatency, formatPct, sparkline } from "../format.js";
import { COLUMN_GAP, type Column } from "../table/columns.js";
import type { TableLine } from "../table/monitor-order.js";
import { latencyColour, statusColour, type Theme } from "../theme.js";

const STATUS_LABEL: Record<string, string> = {
  UP: "▲ UP",
  DOWN: "▼ DOWN",
  LATE: "! LATE",
  PENDING: "○ PEND",
  MAINTENANCE: "◆ MAINT",
  PAUSED: "‖ PAUSE",
};

export interface LineExtras {
  history: readonly HistoryPoint[];
  uptime: number | null | undefined;
}

function treePrefix(line: TableLine): string {
  if (line.depth === 0) return line.monitor.type === "group" ? "▸ " : "";
  return `${"  ".repeat(line.depth - 1)}${line.last ? "└ " : "├ "}${line.monitor.type === "group" ? "▸ " : ""}`;
}

function target(m: MonitorRow): string {
  if (m.url) return m.url;
  if (m.hostname) return m.port ? `${m.hostname}:${m.port}` : m.hostname;
  return m.type === "push" ? "(push)" : "";
}

function cell(
  c: Column,
  line: TableLine,
  extras: LineExtras,
  theme: Theme,
): { text: string; colour?: string | undefined } {
  const m = line.monitor;
  switch (c.key) {
    case "status":
      return { text: STATUS_LABEL[m.status] ?? m.status, colour: statusColour(theme, m.status) };
    case "name":
      return { text: treePrefix(line) + m.name };
    case "type":
      return { text: m.type, colour: theme.muted };
    case "latency": {
      const ms = m.lastCheck?.ok === false ? null : m.lastCheck?.latencyMs;
      return { text: m.lastCheck?.ok === false ? "fail" : formatLatency(ms), colour: latencyColour(theme, ms) };
    }
    case "uptime":
      return { text: formatPct(extras.uptime) };
    case "history":
      return { text: sparkline(extras.history, c.width), colour: theme.accent };
    case "cert": {
      const days = m.cert?.daysLeft;
      if (days === undefined || days === null) return { text: "—", colour: theme.muted };
      return { text: `${Math.floor(days)}d`, colour: days < 7 ? theme.down : days < 21 ? theme.warn : undefined };
    }
    case "retries":
      return {
        text: `${Math.min(m.failures ?? 0, m.retries)}/${m.retries}`,
        colour: (m.failures ?? 0) > 0 ? theme.warn : theme.muted,
      };
    case "target":
      return { text: target(m), colour: theme.muted };
    case "regions": {
      if (!m.votes.length) return { text: m.regions.join(",") || "all", colour: theme.muted };
      return { text: m.votes.map((v) => `${v.region}${v.ok ? "✓" : "✗"}`).join(" ") };
    }
  }
}

interface LineProps {
  line: TableLine;
  columns: readonly Column[];
  selected: boolean;
  extras: LineExtras;
  theme: Theme;
  width: number;
}

/** One monitor's line, as one string; memoised so a frame rebuilds only the lines whose data changed. */
export const MonitorLine = memo(function MonitorLine({ line, columns, selected, extras, theme, width }: LineProps) {
  let text = "";
  let used = 0;
  columns.forEach((c, i) => {
    const { text: cellText, colour } = cell(c, line, extras, theme);
    const gap = i < columns.length - 1 ? " ".repeat(COLUMN_GAP) : "";
    const shown = fit(cellText, c.width, c.align);
    text += (selected ? shown : paint(shown, colour)) + gap;
    used += c.width + gap.length;
  });
  if (selected) text += " ".repeat(Math.max(0, width - used));
  return (
    <Text wrap="truncate" inverse={selected}>
      {text}
    </Text>
  );
});

interface TableProps {
  lines: readonly TableLine[];
  columns: readonly Column[];
  selected: number;
  offset: number;
  height: number;
  width: number;
  theme: Theme;
  extrasOf(id: number): LineExtras;
}

/** The monitors table: a header and only the lines that fit (virtualised: 10 000 monitors draw 20 lines). */
export function MonitorTable({ lines, columns, selected, offset, height, width, theme, extrasOf }: TableProps) {
  const shown = lines.slice(offset, offset + height);
  const header = columns.map((c) => fit(c.title, c.width, c.align)).join(" ".repeat(COLUMN_GAP));
  return (
    <Box flexDirection="column" width={width} height={height + 1}>
      <Text wrap="truncate" bold color={theme.accent}>
        {header}
      </Text>
      {shown.map((line, i) => (
        <MonitorLine
          key={line.monitor.id}
          line={line}
          columns={columns}
          selected={offset + i === selected}
          extras={extrasOf(line.monitor.id)}
          theme={theme}
          width={width}
        />
      ))}
    </Box>
  );
}
