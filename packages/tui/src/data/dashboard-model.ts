import type { LiveEvent } from "@uptop/core";
import { DashboardApiError, type DashboardApi } from "./api-client.js";
import { followEvents, type StreamState } from "./event-stream.js";
import type { HistoryPoint, Me, MonitorRow, ResultPoint, SlaRow } from "./types.js";

/** Points of history kept per monitor: as many as the widest sparkline or chart draws. */
const HISTORY_POINTS = 120;
const EXTRAS_TTL_MS = 60_000;
const EXTRAS_CONCURRENCY = 4;

export interface DashboardState {
  loaded: boolean;
  monitors: readonly MonitorRow[];
  me: Me | null;
  stream: StreamState | "off";
  /** The last failure to load, shown in the header until a load succeeds. */
  error: string | null;
  /** Bumped when history or uptime figures change (they live in maps to spare copies). */
  extrasVersion: number;
  /** Bumped on every live event that may change nodes, maintenance or channels views. */
  otherVersion: number;
  /** When the monitors were last read. */
  loadedAt: number;
}

export interface ModelOptions {
  pollMs?: number;
  /** Live events are applied in batches at most this often, so a busy stream costs one frame per batch. */
  flushMs?: number;
  /** Off for a dashboard fed by polling only (benchmarks, tests of the fallback). */
  live?: boolean;
}

/**
 * Everything the dashboard shows that comes from the server, kept up to date from the event
 * stream with a poll as the fallback. Views read snapshots (`getState`) and re-render on
 * `subscribe`; nothing here knows about Ink.
 */
export class DashboardModel {
  private state: DashboardState = {
    loaded: false,
    monitors: [],
    me: null,
    stream: "off",
    error: null,
    extrasVersion: 0,
    otherVersion: 0,
    loadedAt: 0,
  };
  private readonly listeners = new Set<() => void>();
  private readonly history = new Map<number, HistoryPoint[]>();
  private readonly uptime = new Map<number, number | null>();
  private readonly extrasAt = new Map<number, number>();
  private pending: LiveEvent[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private stream: { stop(): void } | undefined;
  private refetching: Promise<void> | undefined;
  private extrasQueue: number[] = [];
  private extrasRunning = 0;
  private stopped = false;
  private extrasTimer: NodeJS.Timeout | undefined;
  /** Monitors whose history or uptime changed since the views last asked (`takeChangedExtras`). */
  private changedExtras = new Set<number>();

  constructor(
    readonly api: DashboardApi,
    private readonly options: ModelOptions = {},
  ) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = (): DashboardState => this.state;

  historyOf(id: number): readonly HistoryPoint[] {
    return this.history.get(id) ?? [];
  }

  uptimeOf(id: number): number | null | undefined {
    return this.uptime.get(id);
  }

  start(): void {
    void this.loadMe();
    void this.refresh();
    const pollMs = this.options.pollMs ?? 30_000;
    this.pollTimer = setInterval(() => void this.refresh(), pollMs);
    this.pollTimer.unref?.();
    if (this.options.live !== false) {
      this.stream = followEvents({
        baseUrl: this.api.baseUrl,
        token: this.api.token,
        onEvent: (e) => this.enqueue(e),
        onState: (s) => this.set({ stream: s }),
      });
    }
  }

  stop(): void {
    this.stopped = true;
    this.stream?.stop();
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    if (this.extrasTimer) clearTimeout(this.extrasTimer);
    this.listeners.clear();
  }

  /** Reads the monitor list again (one read at a time; callers during a read share it). */
  refresh(): Promise<void> {
    this.refetching ??= (async () => {
      try {
        const monitors = await this.api.get<MonitorRow[]>("/api/monitors");
        this.set({ monitors, loaded: true, error: null, loadedAt: Date.now() });
      } catch (err) {
        this.set({ loaded: true, error: (err as Error).message });
      } finally {
        this.refetching = undefined;
      }
    })();
    return this.refetching;
  }

  private async loadMe(): Promise<void> {
    try {
      this.set({ me: await this.api.get<Me>("/api/me") });
    } catch (err) {
      // A server without users answers 404 here: its only credential is the admin token.
      if (err instanceof DashboardApiError && err.status === 404) {
        this.set({ me: { id: null, name: "admin", role: "admin" } });
      } else if (err instanceof DashboardApiError && err.status === 401) {
        this.set({ error: "the token was refused (401)", me: { id: null, name: "?", role: "viewer" } });
      } else {
        this.set({ me: { id: null, name: "?", role: "viewer" } });
      }
    }
  }

  /** Replaces one monitor after an action answered with its new view. */
  replaceMonitor(m: MonitorRow): void {
    const i = this.state.monitors.findIndex((x) => x.id === m.id);
    const monitors = [...this.state.monitors];
    if (i >= 0) monitors[i] = m;
    else monitors.push(m);
    this.set({ monitors });
  }

  removeMonitor(id: number): void {
    this.set({ monitors: this.state.monitors.filter((m) => m.id !== id) });
  }

  /**
   * Asks for the sparkline history and the 24 h uptime of these monitors (the visible rows),
   * fetched a few at a time and kept for a minute.
   */
  wantExtras(ids: readonly number[]): void {
    const now = Date.now();
    for (const id of ids) {
      const at = this.extrasAt.get(id);
      if (at !== undefined && now - at < EXTRAS_TTL_MS) continue;
      this.extrasAt.set(id, now);
      this.extrasQueue.push(id);
    }
    this.pumpExtras();
  }

  private pumpExtras(): void {
    while (!this.stopped && this.extrasRunning < EXTRAS_CONCURRENCY && this.extrasQueue.length) {
      const id = this.extrasQueue.shift()!;
      this.extrasRunning++;
      void this.loadExtras(id).finally(() => {
        this.extrasRunning--;
        this.pumpExtras();
      });
    }
  }

  private async loadExtras(id: number): Promise<void> {
    try {
      const [results, sla] = await Promise.all([
        this.api.get<ResultPoint[]>(`/api/monitors/${id}/results?limit=${HISTORY_POINTS}`),
        this.api.get<SlaRow>(`/api/monitors/${id}/sla?period=24h`),
      ]);
      if (this.stopped) return;
      const points = [...results]
        .sort((a, b) => a.checkedAt.localeCompare(b.checkedAt))
        .map((r) => (r.ok ? (r.latencyMs ?? 0) : null));
      this.history.set(id, points.slice(-HISTORY_POINTS));
      this.uptime.set(id, sla.uptimePct);
      this.changedExtras.add(id);
      this.bumpExtrasSoon();
    } catch {
      // A monitor deleted meanwhile, or a refused read: the row shows dashes.
    }
  }

  /** Answers arriving together become one new frame, not one each. */
  private bumpExtrasSoon(): void {
    if (this.extrasTimer) return;
    this.extrasTimer = setTimeout(() => {
      this.extrasTimer = undefined;
      this.set({ extrasVersion: this.state.extrasVersion + 1 });
    }, 100);
    this.extrasTimer.unref?.();
  }

  /** The monitors whose extras changed since the last call, so a view rebuilds only their lines. */
  takeChangedExtras(): Set<number> {
    const changed = this.changedExtras;
    this.changedExtras = new Set();
    return changed;
  }

  private enqueue(e: LiveEvent): void {
    this.pending.push(e);
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => this.flush(), this.options.flushMs ?? 200);
    this.flushTimer.unref?.();
  }

  /** Applies a batch of events: status and check events in place, anything structural by a refetch. */
  flush(): void {
    this.flushTimer = undefined;
    const events = this.pending;
    this.pending = [];
    if (!events.length || this.stopped) return;
    let monitors: MonitorRow[] | undefined;
    let index: Map<number, number> | undefined;
    const edit = (id: number, change: (m: MonitorRow) => MonitorRow) => {
      monitors ??= [...this.state.monitors];
      index ??= new Map(monitors.map((m, i) => [m.id, i]));
      const i = index.get(id);
      if (i !== undefined) monitors[i] = change(monitors[i]!);
    };
    let refetch = false;
    let other = false;
    let extras = false;
    for (const e of events) {
      switch (e.type) {
        case "status":
          edit(e.monitorId, (m) => ({ ...m, status: e.to, statusSince: e.at }));
          break;
        case "check": {
          edit(e.monitorId, (m) => ({
            ...m,
            lastCheck: { at: e.at, ok: e.ok, latencyMs: e.latencyMs, error: null, node: e.nodeId },
          }));
          const h = this.history.get(e.monitorId) ?? [];
          h.push(e.ok ? (e.latencyMs ?? 0) : null);
          if (h.length > HISTORY_POINTS) h.splice(0, h.length - HISTORY_POINTS);
          this.history.set(e.monitorId, h);
          this.changedExtras.add(e.monitorId);
          extras = true;
          break;
        }
        case "monitor":
        case "reset":
          refetch = true;
          other = true;
          break;
        case "node":
        case "maintenance":
          other = true;
          break;
      }
    }
    const patch: Partial<DashboardState> = {};
    if (monitors) patch.monitors = monitors;
    if (extras) patch.extrasVersion = this.state.extrasVersion + 1;
    if (other) patch.otherVersion = this.state.otherVersion + 1;
    this.set(patch);
    if (refetch) void this.refresh();
  }

  private set(patch: Partial<DashboardState>): void {
    if (this.stopped) return;
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }
}
