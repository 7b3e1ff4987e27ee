import { useEffect, useState } from "react";
import { Box, Text } from "ink";
import { useDashboard } from "../context.js";
import type { MonitorRow, ResultPoint, SlaRow, StateChangeRow } from "../data/types.js";
import { ago, fit, formatLatency, formatPct, latencyChart, shortTime } from "../format.js";
import { statusColour } from "../theme.js";

const PERIODS = ["24h", "7d", "30d", "90d"] as const;

interface DetailData {
  results: ResultPoint[];
  changes: StateChangeRow[];
  sla: Partial<Record<(typeof PERIODS)[number], SlaRow>>;
  error: string | null;
}

interface Props {
  monitor: MonitorRow;
  width: number;
  height: number;
}

/** One monitor: its target and settings, a latency chart, SLA over four periods and the last state changes with votes. */
export function DetailView({ monitor, width, height }: Props) {
  const { api, theme } = useDashboard();
  const [data, setData] = useState<DetailData | null>(null);
  // Reload when the monitor's verdict or last check changes: the live stream drives the panel.
  const stamp = `${monitor.status}|${monitor.statusSince}|${monitor.lastCheck?.at ?? ""}`;
  // biome-ignore lint/correctness/useExhaustiveDependencies: stamp is the reason to read again.
  useEffect(() => {
    let gone = false;
    const id = monitor.id;
    void (async () => {
      try {
        const [results, changes, ...slas] = await Promise.all([
          api.get<ResultPoint[]>(`/api/monitors/${id}/results?limit=${Math.max(60, width)}`),
          api.get<StateChangeRow[]>(`/api/monitors/${id}/state-changes?limit=20`),
          ...PERIODS.map((p) => api.get<SlaRow>(`/api/monitors/${id}/sla?period=${p}`)),
        ]);
        const sla: DetailData["sla"] = {};
        PERIODS.forEach((p, i) => {
          sla[p] = slas[i] as SlaRow;
        });
        if (!gone)
          setData({ results: results as ResultPoint[], changes: changes as StateChangeRow[], sla, error: null });
      } catch (err) {
        if (!gone) setData((d) => ({ results: [], changes: [], sla: {}, ...d, error: (err as Error).message }));
      }
    })();
    return () => {
      gone = true;
    };
  }, [api, monitor.id, stamp, width]);

  const now = Date.now();
  const m = monitor;
  const chartHeight = height >= 36 ? 8 : height >= 24 ? 5 : 3;
  const chartWidth = Math.max(10, width - 8);
  const points = [...(data?.results ?? [])]
    .sort((a, b) => a.checkedAt.localeCompare(b.checkedAt))
    .map((r) => (r.ok ? (r.latencyMs ?? 0) : null));
  const latencies = points.filter((p): p is number => p !== null);
  const max = latencies.length ? Math.max(...latencies) : 0;
  const chart = latencyChart(points, chartWidth, chartHeight);
  const target = m.url ?? (m.hostname ? `${m.hostname}${m.port ? `:${m.port}` : ""}` : m.type);

  // What is left below the fixed part goes to state changes: each takes a line, plus one for votes.
  const fixed = 4 + chartHeight + 3;
  const room = Math.max(0, height - fixed);
  const changeLines: Array<{ text: string; colour?: string | undefined }> = [];
  for (const c of data?.changes ?? []) {
    if (changeLines.length >= room) break;
    changeLines.push({
      text: `${shortTime(c.at)}  ${c.from} → ${c.to}  ${c.reason}`,
      colour: statusColour(theme, c.to),
    });
    if (c.votes.length && changeLines.length < room) {
      const votes = c.votes
        .map(
          (v) =>
            `${v.region}/${v.node} ${v.ok ? "✓" : "✗"} ${v.ok ? formatLatency(v.latencyMs) : (v.error?.code ?? "fail")}`,
        )
        .join("  ");
      changeLines.push({ text: `    votes: ${votes}`, colour: theme.muted });
    }
  }

  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate">
        <Text bold>{m.name}</Text>
        <Text color={statusColour(theme, m.status)}> {m.status}</Text>
        <Text color={theme.muted}>
          {" "}
          since {ago(m.statusSince, now)} · {m.type} · {target}
        </Text>
      </Text>
      <Text wrap="truncate" color={theme.muted}>
        {`every ${m.interval}s · timeout ${m.timeout}s · retries ${Math.min(m.failures ?? 0, m.retries)}/${m.retries} · regions ${m.regions.join(",") || "all"}` +
          (m.lastCheck
            ? ` · last check ${ago(m.lastCheck.at, now)}${m.lastCheck.node ? ` on ${m.lastCheck.node}` : ""}`
            : "")}
      </Text>
      <Text wrap="truncate" bold color={theme.accent}>
        {fit(`Latency, last ${points.length} checks (max ${formatLatency(max)})`, width)}
      </Text>
      {chart.map((row, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: chart rows have no identity but their place.
        <Text key={i} wrap="truncate" color={theme.accent}>
          {`${i === 0 ? fit(formatLatency(max), 7, "right") : i === chart.length - 1 ? fit("0", 7, "right") : " ".repeat(7)} ${row}`}
        </Text>
      ))}
      <Text wrap="truncate">
        <Text bold color={theme.accent}>
          SLA{" "}
        </Text>
        {PERIODS.map((p) => (
          <Text key={p}>
            {` ${p} `}
            <Text bold>{formatPct(data?.sla[p]?.uptimePct)}</Text>
            <Text color={theme.muted}>{` (${data?.sla[p]?.outages ?? 0} out)`}</Text>
          </Text>
        ))}
      </Text>
      <Text wrap="truncate" bold color={theme.accent}>
        {data?.error ? `State changes (${data.error})` : "Last state changes"}
      </Text>
      {changeLines.length === 0 ? (
        <Text color={theme.muted}>{data ? "none yet" : "loading…"}</Text>
      ) : (
        changeLines.map((l, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: lines are redrawn as a whole.
          <Text key={i} wrap="truncate" color={l.colour}>
            {l.text}
          </Text>
        ))
      )}
    </Box>
  );
}
