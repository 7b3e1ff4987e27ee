import type { LiveEvent, Status } from "@uptop/core";
import { memo, useCallback, useEffect, useId, useMemo, useRef, useState } from "react";
import { Link } from "wouter";
import { get } from "../api";
import { GridCell, GridRow, GridRowGroup, GridTable } from "../components/GridTable";
import { HourBar } from "../components/HourBar";
import { ErrorNotice } from "../components/Notice";
import { StatusBadge } from "../components/StatusBadge";
import { useLiveEvents } from "../live";
import {
  ALL_STATUSES,
  formatLatency,
  formatPct,
  targetOf,
  type MonitorRow,
  type MonitorsSummary,
} from "../monitor-types";
import { useSession } from "../session";
import { useLoad } from "../use-load";
import { applyToMonitors, applyToSummary, countByStatus, type SortKey, visibleTree } from "./overview-model";
import "../components/link-button.css";
import "./overview.css";

type RowEvent = Extract<LiveEvent, { type: "status" | "check" }>;
type SummaryEntry = MonitorsSummary["monitors"][number];

const SUMMARY_REFRESH_MS = 5 * 60_000;
const RESORT_MS = 3000;

const Row = memo(function Row({
  m,
  s,
  firstHour,
  depth,
  parentName,
}: {
  m: MonitorRow;
  s: SummaryEntry | undefined;
  firstHour: string | undefined;
  depth: number;
  parentName: string | null;
}) {
  const target = targetOf(m);
  return (
    <GridRow className="mrow" id={m.id}>
      <GridCell className={`name depth-${Math.min(depth, 6)}`}>
        <Link href={`/monitors/${m.id}`}>{m.name}</Link>
        {parentName && <span className="sr-only">, in group {parentName}</span>}
        {target && m.type !== "group" && <span className="target">{target}</span>}
      </GridCell>
      <GridCell>
        <StatusBadge status={m.status} />
      </GridCell>
      <GridCell className="type">{m.type}</GridCell>
      <GridCell>{m.type === "group" ? "–" : formatLatency(m.lastCheck?.latencyMs)}</GridCell>
      <GridCell>{formatPct(s?.uptimePct)}</GridCell>
      <GridCell>{s && firstHour ? <HourBar hours={s.hours} firstHour={firstHour} /> : "–"}</GridCell>
    </GridRow>
  );
});

export function Overview() {
  const { can } = useSession();
  const monitors = useLoad(() => get<MonitorRow[]>("/api/monitors"));
  const summary = useLoad(() => get<MonitorsSummary>("/api/monitors/summary?hours=24"));
  const [status, setStatus] = useState<Status | "all">("all");
  const [search, setSearch] = useState("");
  const [sort, setSort] = useState<SortKey>("worst");
  const ids = useId();

  // Live events arrive in bursts (a round of a thousand checks): they are queued and applied
  // once per animation frame, in one state update, instead of one render per event.
  const queue = useRef<RowEvent[]>([]);
  const frame = useRef(0);
  const { set: setMonitors, reload: reloadMonitors } = monitors;
  const { set: setSummary, reload: reloadSummary } = summary;
  const flush = useCallback(() => {
    frame.current = 0;
    const batch = queue.current;
    queue.current = [];
    if (batch.some((e) => e.type === "status")) statusChanged.current = true;
    setMonitors((prev) => applyToMonitors(prev, batch));
    setSummary((prev) => applyToSummary(prev, batch));
  }, [setMonitors, setSummary]);
  // Rows change in place; the order (and the status filter) follows a few seconds later, so a
  // burst of changes does not move a thousand rows on every frame, nor a row from under the pointer.
  const statusChanged = useRef(false);
  const [resort, setResort] = useState(0);
  useEffect(() => {
    const t = setInterval(() => {
      if (!statusChanged.current) return;
      statusChanged.current = false;
      setResort((n) => n + 1);
    }, RESORT_MS);
    return () => clearInterval(t);
  }, []);
  useEffect(() => () => cancelAnimationFrame(frame.current), []);
  useEffect(() => {
    const t = setInterval(reloadSummary, SUMMARY_REFRESH_MS);
    return () => clearInterval(t);
  }, [reloadSummary]);

  const live = useLiveEvents((e) => {
    if (e.type === "status" || e.type === "check") {
      queue.current.push(e);
      if (!frame.current) frame.current = requestAnimationFrame(flush);
    } else if (e.type === "monitor") {
      reloadMonitors();
      if (e.action === "created" || e.action === "deleted") reloadSummary();
    } else if (e.type === "reset") {
      reloadMonitors();
      reloadSummary();
    }
  });

  const list = monitors.data;
  const latest = useRef(list);
  latest.current = list;
  // A new list from the API (not a live change) is a new structure: rows added or removed.
  const [structure, setStructure] = useState(0);
  const { loading } = monitors;
  useEffect(() => {
    if (!loading) setStructure((n) => n + 1);
  }, [loading]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: ordered again on a new list, a filter or the resort tick only
  const rows = useMemo(
    () => (latest.current ? visibleTree(latest.current, { status, search, sort }) : []),
    [structure, resort, status, search, sort],
  );
  const byId = useMemo(() => new Map((list ?? []).map((m) => [m.id, m])), [list]);
  const counts = useMemo(() => countByStatus(list ?? []), [list]);
  const summaries = useMemo(() => new Map((summary.data?.monitors ?? []).map((s) => [s.id, s])), [summary.data]);
  const firstHour = summary.data?.firstHour;

  return (
    <section className="overview">
      <div className="page-head">
        <h1>Monitors</h1>
        <span className={`live-state ${live}`} role="status">
          {live === "live" ? "Live" : live === "connecting" ? "Connecting…" : "Reconnecting…"}
        </span>
        {can("editor") && (
          <Link href="/monitors/new" className="button primary">
            New monitor
          </Link>
        )}
      </div>
      <ErrorNotice error={monitors.error} />
      {summary.error ? <ErrorNotice error={summary.error} /> : null}
      {list === undefined && !monitors.error && (
        <p className="loading" role="status">
          Loading monitors…
        </p>
      )}
      {list !== undefined && list.length === 0 && (
        <div className="panel empty">
          <h2>No monitors yet</h2>
          <p>
            {can("editor")
              ? "Add one with “New monitor” above, or through the API (POST /api/monitors) or a configuration file."
              : "An editor can add monitors; ask one, or check back later."}
          </p>
        </div>
      )}
      {list !== undefined && list.length > 0 && (
        <>
          <ul className="counts" aria-label="Counts by status">
            {ALL_STATUSES.filter((s) => counts.has(s)).map((s) => (
              <li key={s}>
                <StatusBadge status={s} /> <span className="count">{counts.get(s)}</span>
              </li>
            ))}
            <li className="total">{list.length} in all</li>
          </ul>
          <search className="filters">
            <div className="filter">
              <label htmlFor={`${ids}-search`}>Search</label>
              <input
                id={`${ids}-search`}
                type="search"
                value={search}
                placeholder="Name or URL"
                onChange={(e) => setSearch(e.target.value)}
              />
            </div>
            <div className="filter">
              <label htmlFor={`${ids}-status`}>Status</label>
              <select id={`${ids}-status`} value={status} onChange={(e) => setStatus(e.target.value as Status | "all")}>
                <option value="all">All statuses</option>
                {ALL_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {s.toLowerCase()}
                  </option>
                ))}
              </select>
            </div>
            <div className="filter">
              <label htmlFor={`${ids}-sort`}>Sort</label>
              <select id={`${ids}-sort`} value={sort} onChange={(e) => setSort(e.target.value as SortKey)}>
                <option value="worst">Worst first</option>
                <option value="name">By name</option>
              </select>
            </div>
          </search>
          {rows.length === 0 ? (
            <p className="notice" role="status">
              No monitor matches the filter.
            </p>
          ) : (
            <div className="table-wrap">
              {/* A grid with table roles, not a <table>: rows off screen are skipped by the browser
                  (content-visibility) and a live change re-lays out its own row, not all of them. */}
              <GridTable className="mtable" label={`Monitors, ${rows.length} shown`}>
                <GridRowGroup>
                  <GridRow className="mrow head">
                    <GridCell header>Name</GridCell>
                    <GridCell header>Status</GridCell>
                    <GridCell header className="type">
                      Type
                    </GridCell>
                    <GridCell header>Latency</GridCell>
                    <GridCell header>Uptime 24 h</GridCell>
                    <GridCell header>Last 24 hours</GridCell>
                  </GridRow>
                </GridRowGroup>
                <GridRowGroup className="mbody">
                  {rows.map((r) => (
                    <Row
                      key={r.monitor.id}
                      m={byId.get(r.monitor.id) ?? r.monitor}
                      s={summaries.get(r.monitor.id)}
                      firstHour={firstHour}
                      depth={r.depth}
                      parentName={r.parentName}
                    />
                  ))}
                </GridRowGroup>
              </GridTable>
            </div>
          )}
        </>
      )}
    </section>
  );
}
