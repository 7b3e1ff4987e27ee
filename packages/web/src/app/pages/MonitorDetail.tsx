import type { LiveEvent, Status } from "@uptop/core";
import { useCallback, useMemo, useState } from "react";
import { Link, useLocation } from "wouter";
import { ApiError, del, get, post } from "../api";
import { LatencyChart, type LatencySeries } from "../components/LatencyChart";
import { ErrorNotice } from "../components/Notice";
import { ScrollRegion } from "../components/ScrollRegion";
import { StatusBadge } from "../components/StatusBadge";
import { useLiveEvents } from "../live";
import { ago, formatLatency, formatPct, type MonitorRow, targetOf } from "../monitor-types";
import { useSession } from "../session";
import { useLoad } from "../use-load";
import { latencyStats, type StoredResult, seriesByNode } from "./detail-model";
import "../components/link-button.css";
import "./monitor-detail.css";

interface StateChange {
  id: number;
  from: Status;
  to: Status;
  reason: string;
  at: string;
  votes: MonitorRow["votes"];
}

interface Sla {
  uptimePct: number | null;
  downtimeS: number;
  maintenanceS: number;
  outages: number;
}

const PERIODS = ["24h", "7d", "30d", "90d"] as const;
const DAY_MS = 86_400_000;

function duration(s: number): string {
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 86_400) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86_400).toFixed(1)} d`;
}

function when(iso: string): string {
  return new Date(iso).toLocaleString();
}

function Votes({ votes }: { votes: MonitorRow["votes"] }) {
  if (votes.length === 0) return <span className="muted">none</span>;
  return (
    <ul className="votes">
      {votes.map((v) => (
        <li key={`${v.node}-${v.at}`}>
          {v.region} ({v.node}): <strong>{v.ok ? "up" : "down"}</strong>
          {v.latencyMs !== null && `, ${formatLatency(v.latencyMs)}`}
          {v.error && ` – ${v.error.message}`}
        </li>
      ))}
    </ul>
  );
}

export function MonitorDetail({ id }: { id: number }) {
  const { can } = useSession();
  const [, navigate] = useLocation();
  const monitor = useLoad(() => get<MonitorRow>(`/api/monitors/${id}`), [id]);
  const results = useLoad(() => {
    const from = new Date(Date.now() - DAY_MS).toISOString();
    return get<StoredResult[]>(`/api/monitors/${id}/results?from=${encodeURIComponent(from)}&limit=1000`);
  }, [id]);
  const changes = useLoad(() => get<StateChange[]>(`/api/monitors/${id}/state-changes?limit=50`), [id]);
  const sla = useLoad(() => Promise.all(PERIODS.map((p) => get<Sla>(`/api/monitors/${id}/sla?period=${p}`))), [id]);
  const nodes = useLoad(() =>
    get<{ nodes: Array<{ id: string; name: string; region: string }> }>("/api/nodes").then((r) => r.nodes),
  );
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [deleted, setDeleted] = useState(false);

  const { set: setMonitor, reload: reloadMonitor } = monitor;
  const { set: setResults, reload: reloadResults } = results;
  const { reload: reloadChanges } = changes;
  const { reload: reloadSla } = sla;

  // The status and its history are read again once the stream is open: a monitor just created
  // gets its first verdict within moments, often between this page's first reads and its
  // subscription, and would show "pending" until its next change. A check missed there only
  // costs the chart a point until the next one.
  const readStatusAgain = () => {
    reloadMonitor();
    reloadChanges();
  };
  useLiveEvents((e: LiveEvent) => {
    if (e.type === "reset") {
      reloadMonitor();
      reloadResults();
      reloadChanges();
      reloadSla();
      return;
    }
    if (!("monitorId" in e) || e.monitorId !== id) return;
    if (e.type === "check") {
      const r: StoredResult = {
        nodeId: e.nodeId,
        slot: e.at,
        checkedAt: e.at,
        ok: e.ok,
        latencyMs: e.latencyMs,
        errorMessage: e.error,
      };
      setResults((prev) => (prev ? [r, ...prev] : prev));
      setMonitor((prev) =>
        prev
          ? {
              ...prev,
              lastCheck: {
                at: e.at,
                ok: e.ok,
                latencyMs: e.latencyMs,
                error: e.error ? { code: "ERROR", message: e.error } : null,
                node: e.nodeId,
              },
            }
          : prev,
      );
    } else if (e.type === "status") {
      setMonitor((prev) => (prev ? { ...prev, status: prev.paused ? "PAUSED" : e.to, statusSince: e.at } : prev));
      reloadChanges();
      reloadSla();
      // The votes behind the new verdict come with the monitor.
      reloadMonitor();
    } else if (e.type === "monitor") {
      if (e.action === "deleted") setDeleted(true);
      else reloadMonitor();
    }
  }, readStatusAgain);

  const act = useCallback(async (run: () => Promise<void>) => {
    setBusy(true);
    setActionError(null);
    setNotice(null);
    try {
      await run();
    } catch (err) {
      setActionError(err);
    } finally {
      setBusy(false);
    }
  }, []);

  const regionOf = useMemo(() => new Map((nodes.data ?? []).map((n) => [n.id, n])), [nodes.data]);
  const series: LatencySeries[] = useMemo(
    () =>
      seriesByNode(results.data ?? [], (nodeId) => {
        const n = regionOf.get(nodeId);
        return n ? `${n.name} (${n.region})` : nodeId;
      }),
    [results.data, regionOf],
  );
  const stats = useMemo(() => latencyStats(results.data ?? []), [results.data]);

  if (deleted) {
    return (
      <section>
        <h1>Monitor deleted</h1>
        <p>
          This monitor was deleted. <Link href="/">Back to the monitors</Link>
        </p>
      </section>
    );
  }
  if (monitor.error instanceof ApiError && monitor.error.status === 404) {
    return (
      <section>
        <h1>Monitor not found</h1>
        <p>
          There is no monitor {id}. <Link href="/">Back to the monitors</Link>
        </p>
      </section>
    );
  }
  const m = monitor.data;
  if (!m) {
    return (
      <section>
        <h1>Monitor {id}</h1>
        <ErrorNotice error={monitor.error} />
        {!monitor.error && (
          <p className="loading" role="status">
            Loading…
          </p>
        )}
      </section>
    );
  }

  const target = targetOf(m);
  // The API gives at most 1 000 results: a monitor checked often shows less than the whole day.
  const oldest = results.data?.[results.data.length - 1]?.checkedAt;
  const span = oldest ? `since ${when(oldest)}` : "over the last 24 hours";
  const chartLabel =
    stats === null
      ? `Response time of ${m.name} ${span}: no successful check yet`
      : `Response time of ${m.name} ${span}, ${series.length} node${series.length === 1 ? "" : "s"}: ` +
        `average ${stats.avg} ms, 95th percentile ${stats.p95} ms`;

  return (
    <section className="monitor-detail">
      <p className="crumbs">
        <Link href="/">Monitors</Link>
      </p>
      <div className="detail-head">
        <h1>{m.name}</h1>
        <StatusBadge status={m.status} />
        {m.statusSince && (
          <span className="muted">
            since <time dateTime={m.statusSince}>{when(m.statusSince)}</time>
          </span>
        )}
      </div>
      {m.description && <p>{m.description}</p>}
      <dl className="facts">
        <div>
          <dt>Type</dt>
          <dd>{m.type}</dd>
        </div>
        {target && (
          <div>
            <dt>Target</dt>
            <dd className="target">{target}</dd>
          </div>
        )}
        <div>
          <dt>Interval</dt>
          <dd>{m.interval} s</dd>
        </div>
        <div>
          <dt>Last check</dt>
          <dd>
            {m.lastCheck ? (
              <>
                <time dateTime={m.lastCheck.at} title={when(m.lastCheck.at)}>
                  {ago(m.lastCheck.at)}
                </time>
                : {m.lastCheck.ok ? "ok" : "failed"}, {formatLatency(m.lastCheck.latencyMs)}
                {m.lastCheck.error && ` – ${m.lastCheck.error.message}`}
              </>
            ) : (
              "not checked yet"
            )}
          </dd>
        </div>
        <div>
          <dt>Regions</dt>
          <dd>{m.regions.length ? m.regions.join(", ") : "all"}</dd>
        </div>
        {m.cert && (
          <div>
            <dt>Certificate</dt>
            <dd>
              {m.cert.daysLeft < 0 ? "expired " : "valid until "}
              <time dateTime={m.cert.validTo}>{when(m.cert.validTo)}</time>
              {m.cert.daysLeft >= 0 && ` (${m.cert.daysLeft} ${m.cert.daysLeft === 1 ? "day" : "days"} left)`}
            </dd>
          </div>
        )}
      </dl>

      {can("editor") && (
        <div className="actions detail-actions">
          {m.paused ? (
            <button
              type="button"
              disabled={busy}
              onClick={() => act(() => pauseOrResume(id, "resume").then((r) => setMonitor(() => r)))}
            >
              Resume
            </button>
          ) : (
            <button
              type="button"
              disabled={busy}
              onClick={() => act(() => pauseOrResume(id, "pause").then((r) => setMonitor(() => r)))}
            >
              Pause
            </button>
          )}
          <button
            type="button"
            disabled={busy || m.paused}
            onClick={() =>
              act(async () => {
                const r = await post<{ queued: boolean }>(`/api/monitors/${id}/check-now`);
                setNotice(r.queued ? "Check queued: the result arrives in a moment." : "No engine runs on this node.");
              })
            }
          >
            Check now
          </button>
          <Link href={`/monitors/${id}/edit`} className="button">
            Edit
          </Link>
          {confirming ? (
            <span className="confirm">
              Delete {m.name} and its history?{" "}
              <button
                type="button"
                className="danger"
                disabled={busy}
                onClick={() =>
                  act(async () => {
                    await del(`/api/monitors/${id}`);
                    navigate("/");
                  })
                }
              >
                Yes, delete
              </button>{" "}
              <button type="button" onClick={() => setConfirming(false)}>
                Cancel
              </button>
            </span>
          ) : (
            <button type="button" className="danger" onClick={() => setConfirming(true)}>
              Delete
            </button>
          )}
        </div>
      )}
      <ErrorNotice error={actionError} />
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}

      <h2>Response time</h2>
      <p className="muted">The last 24 hours, up to the latest 1 000 checks{oldest ? ` (${span})` : ""}.</p>
      <ErrorNotice error={results.error} />
      {results.data && (
        <div className="panel">
          {series.length > 0 ? (
            <LatencyChart series={series} label={chartLabel} />
          ) : (
            <p>No check in the last 24 hours.</p>
          )}
          {stats && (
            <dl className="stats" aria-label="Response time summary">
              <div>
                <dt>Average</dt>
                <dd>{stats.avg} ms</dd>
              </div>
              <div>
                <dt>95th percentile</dt>
                <dd>{stats.p95} ms</dd>
              </div>
              <div>
                <dt>Fastest</dt>
                <dd>{stats.min} ms</dd>
              </div>
              <div>
                <dt>Slowest</dt>
                <dd>{stats.max} ms</dd>
              </div>
              <div>
                <dt>Checks</dt>
                <dd>
                  {stats.count} ({stats.failed} failed)
                </dd>
              </div>
            </dl>
          )}
        </div>
      )}

      <h2>Availability</h2>
      <ErrorNotice error={sla.error} />
      {sla.data && (
        <ScrollRegion label="Availability table">
          <table className="sla">
            <caption className="sr-only">Uptime per period, maintenance excluded</caption>
            <thead>
              <tr>
                <th scope="col">Period</th>
                <th scope="col">Uptime</th>
                <th scope="col">Downtime</th>
                <th scope="col">Outages</th>
                <th scope="col">Maintenance (excluded)</th>
              </tr>
            </thead>
            <tbody>
              {sla.data.map((s, i) => (
                <tr key={PERIODS[i]}>
                  <th scope="row">{PERIODS[i]}</th>
                  <td>{formatPct(s.uptimePct)}</td>
                  <td>{duration(s.downtimeS)}</td>
                  <td>{s.outages}</td>
                  <td>{duration(s.maintenanceS)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}

      <h2>Current votes</h2>
      <Votes votes={m.votes} />

      <h2>Status changes</h2>
      <ErrorNotice error={changes.error} />
      {changes.data && changes.data.length === 0 && <p>No status change yet.</p>}
      {changes.data && changes.data.length > 0 && (
        <ScrollRegion label="Status changes table">
          <table className="changes">
            <caption className="sr-only">Status changes, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Change</th>
                <th scope="col">Reason</th>
                <th scope="col">Votes</th>
              </tr>
            </thead>
            <tbody>
              {changes.data.map((c) => (
                <tr key={c.id}>
                  <td>
                    <time dateTime={c.at}>{when(c.at)}</time>
                  </td>
                  <td className="change">
                    <StatusBadge status={c.from} /> <span aria-hidden="true">→</span>
                    <span className="sr-only">to</span> <StatusBadge status={c.to} />
                  </td>
                  <td>{c.reason}</td>
                  <td>
                    <Votes votes={c.votes} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
    </section>
  );
}

function pauseOrResume(id: number, action: "pause" | "resume"): Promise<MonitorRow> {
  return post<MonitorRow>(`/api/monitors/${id}/${action}`);
}
