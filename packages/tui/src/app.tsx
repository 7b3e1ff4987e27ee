import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Box, Text, useApp, useInput, useStdout } from "ink";
import { roleAllows, type FieldIssue } from "@uptop/core";
import { Dashboard, type DashboardContext, type Flash } from "./context.js";
import { DashboardApiError } from "./data/api-client.js";
import type { DashboardModel } from "./data/dashboard-model.js";
import { MONITOR_FIELDS, monitorBody, monitorFormValues, validateMonitor } from "./data/monitor-form.js";
import type { MonitorRow } from "./data/types.js";
import { useModel, useTerminalSize, type TerminalSize } from "./hooks.js";
import { columnsFor } from "./table/columns.js";
import { orderMonitors, scrollOffset, SORT_KEYS, type SortKey } from "./table/monitor-order.js";
import { THEME_NAMES, themeFor, type ThemeName } from "./theme.js";
import { ChannelsView } from "./views/channels-view.js";
import { Footer, Header, VIEWS, type ViewName } from "./views/chrome.js";
import { DetailView } from "./views/detail-view.js";
import { MaintenanceView } from "./views/maintenance-view.js";
import { MonitorTable, type LineExtras } from "./views/monitor-table.js";
import { NodesView } from "./views/nodes-view.js";
import { TextForm } from "./views/text-form.js";

export interface AppProps {
  model: DashboardModel;
  theme?: ThemeName;
  /** A fixed size instead of the output's (tests and captures render at 80×24 or 160×48). */
  size?: TerminalSize;
  onExit?: () => void;
}

type Overlay =
  | { kind: "detail"; id: number }
  | { kind: "form"; id: number | null; issues: FieldIssue[]; error: string | null; busy: boolean }
  | { kind: "confirm-delete"; id: number }
  | null;

/** Lines the header and footer take: two each. */
const CHROME_LINES = 4;

function describe(err: unknown): string {
  if (err instanceof DashboardApiError) {
    if (err.status === 403) return `refused: ${err.message}`;
    if (err.status === 0) return err.message;
    return `${err.message} (HTTP ${err.status})`;
  }
  return (err as Error).message ?? String(err);
}

export function App({ model, theme: themeName = "dark", size: fixedSize, onExit }: AppProps) {
  const { stdout } = useStdout();
  const size = useTerminalSize(stdout as NodeJS.WriteStream, fixedSize);
  const { exit } = useApp();
  const state = useModel(model);
  const [themeAt, setThemeAt] = useState<ThemeName>(themeName);
  const theme = themeFor(themeAt);
  const role = state.me?.role ?? "viewer";
  const canEdit = roleAllows(role, "editor");

  const [view, setView] = useState<ViewName>("monitors");
  const [overlay, setOverlay] = useState<Overlay>(null);
  const [sortKey, setSortKey] = useState<SortKey>("status");
  const [filter, setFilter] = useState("");
  const [filtering, setFiltering] = useState(false);
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const [subFormOpen, setSubFormOpen] = useState(false);
  const offsetRef = useRef(0);
  const [flashMsg, setFlash] = useState<Flash | null>(null);
  const flashTimer = useRef<NodeJS.Timeout | undefined>(undefined);

  const flash = useCallback((text: string, kind: Flash["kind"] = "info") => {
    setFlash({ text, kind });
    if (flashTimer.current) clearTimeout(flashTimer.current);
    flashTimer.current = setTimeout(() => setFlash(null), 8_000);
    flashTimer.current.unref?.();
  }, []);
  useEffect(() => () => clearTimeout(flashTimer.current), []);

  const act = useCallback(
    async <T,>(label: string, action: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await action();
      } catch (err) {
        flash(`${label}: ${describe(err)}`, "error");
        return undefined;
      }
    },
    [flash],
  );
  const ctx = useMemo<DashboardContext>(
    () => ({ api: model.api, model, theme, role, flash, act }),
    [model, theme, role, flash, act],
  );

  const lines = useMemo(() => orderMonitors(state.monitors, sortKey, filter), [state.monitors, sortKey, filter]);
  const bodyHeight = Math.max(3, size.rows - CHROME_LINES);
  const tableHeight = bodyHeight - 1;
  const columns = useMemo(() => columnsFor(size.columns), [size.columns]);
  const foundAt = selectedId === null ? -1 : lines.findIndex((l) => l.monitor.id === selectedId);
  const selected = Math.max(foundAt, 0);
  const current: MonitorRow | undefined = lines[selected]?.monitor;
  const offset = scrollOffset(offsetRef.current, selected, tableHeight, lines.length);
  offsetRef.current = offset;
  const visibleIds = useMemo(
    () => lines.slice(offset, offset + tableHeight).map((l) => l.monitor.id),
    [lines, offset, tableHeight],
  );
  useEffect(() => {
    if (view === "monitors") model.wantExtras(visibleIds);
  }, [model, visibleIds, view]);

  // Extras objects stay the same between frames unless that monitor's history changed, so only
  // its line is rebuilt.
  const extrasCache = useRef(new Map<number, LineExtras>());
  const seenExtras = useRef(-1);
  if (seenExtras.current !== state.extrasVersion) {
    seenExtras.current = state.extrasVersion;
    for (const id of model.takeChangedExtras()) extrasCache.current.delete(id);
  }
  const extrasOf = useCallback(
    (id: number): LineExtras => {
      let e = extrasCache.current.get(id);
      if (!e) {
        e = { history: [...model.historyOf(id)], uptime: model.uptimeOf(id) };
        extrasCache.current.set(id, e);
      }
      return e;
    },
    [model],
  );

  // Keys can arrive faster than frames: each move starts from the selection as it is by then,
  // not as the last frame drew it.
  const linesRef = useRef(lines);
  linesRef.current = lines;
  const moveBy = (delta: number | "first" | "last") =>
    setSelectedId((prev) => {
      const all = linesRef.current;
      if (!all.length) return prev;
      const at = Math.max(0, prev === null ? 0 : all.findIndex((l) => l.monitor.id === prev));
      const to = delta === "first" ? 0 : delta === "last" ? all.length - 1 : at + delta;
      return all[Math.max(0, Math.min(all.length - 1, to))]!.monitor.id;
    });

  const typing = filtering || overlay?.kind === "form" || subFormOpen;

  // Keys every view shares: switching views, the theme, quitting.
  useInput(
    (input, key) => {
      if (input === "q" || (key.ctrl && input === "c")) {
        onExit?.();
        exit();
      } else if (/^[1-4]$/.test(input)) {
        setView(VIEWS[Number(input) - 1]!);
        setOverlay(null);
      } else if (key.tab) {
        setView((v) => VIEWS[(VIEWS.indexOf(v) + (key.shift ? VIEWS.length - 1 : 1)) % VIEWS.length]!);
        setOverlay(null);
      } else if (input === "T") {
        setThemeAt((t) => THEME_NAMES[(THEME_NAMES.indexOf(t) + 1) % THEME_NAMES.length]!);
      }
    },
    { isActive: !typing },
  );

  // The filter line: typing narrows the table at once; Enter keeps it, Esc clears it.
  useInput(
    (input, key) => {
      if (key.escape) {
        setFilter("");
        setFiltering(false);
      } else if (key.return) setFiltering(false);
      else if (key.backspace || key.delete) setFilter((f) => f.slice(0, -1));
      else if (input && !key.ctrl && !key.meta) setFilter((f) => f + input);
    },
    { isActive: filtering },
  );

  async function pauseOrResume(m: MonitorRow): Promise<void> {
    const paused = !m.paused;
    const r = await act(paused ? `pause ${m.name}` : `resume ${m.name}`, () =>
      model.api.send<MonitorRow>("PATCH", `/api/monitors/${m.id}`, { paused }),
    );
    if (r) {
      model.replaceMonitor(r);
      flash(`${m.name} ${paused ? "paused" : "resumed"}`);
    }
  }

  async function checkNow(m: MonitorRow): Promise<void> {
    const r = await act(`check ${m.name}`, () =>
      model.api.send<{ queued: boolean }>("POST", `/api/monitors/${m.id}/check-now`),
    );
    if (r) flash(r.queued ? `check of ${m.name} queued` : `${m.name}: no check runner on this node`);
  }

  async function remove(m: MonitorRow): Promise<void> {
    setOverlay(null);
    const r = await act(`delete ${m.name}`, async () => {
      await model.api.send("DELETE", `/api/monitors/${m.id}`);
      return true;
    });
    if (r) {
      model.removeMonitor(m.id);
      flash(`${m.name} deleted`);
    }
  }

  async function saveMonitor(values: Record<string, string>, editing: MonitorRow | null): Promise<void> {
    const body = monitorBody(values, editing !== null);
    const issues = validateMonitor(body, editing);
    const id = editing?.id ?? null;
    if (issues.length) {
      setOverlay({ kind: "form", id, issues, error: null, busy: false });
      return;
    }
    setOverlay({ kind: "form", id, issues: [], error: null, busy: true });
    try {
      const saved = editing
        ? await model.api.send<MonitorRow>("PATCH", `/api/monitors/${editing.id}`, body)
        : await model.api.send<MonitorRow>("POST", "/api/monitors", body);
      model.replaceMonitor(saved);
      setSelectedId(saved.id);
      setOverlay(null);
      flash(`${saved.name} ${editing ? "saved" : "created"}`);
    } catch (err) {
      const e = err instanceof DashboardApiError ? err : null;
      setOverlay({
        kind: "form",
        id,
        issues: e?.issues ?? [],
        error: e?.issues.length ? null : describe(err),
        busy: false,
      });
    }
  }

  // The monitors view: moving, sorting, filtering, the detail panel and the actions.
  useInput(
    (input, key) => {
      if (overlay?.kind === "confirm-delete") {
        const m = state.monitors.find((x) => x.id === overlay.id);
        if (input === "y" && m) void remove(m);
        else setOverlay(null);
        return;
      }
      if (key.escape) {
        if (overlay) setOverlay(null);
        else if (filter) setFilter("");
        return;
      }
      if (key.upArrow || input === "k") moveBy(-1);
      else if (key.downArrow || input === "j") moveBy(1);
      else if (key.pageUp) moveBy(-tableHeight);
      else if (key.pageDown) moveBy(tableHeight);
      else if (key.home || input === "g") moveBy("first");
      else if (key.end || input === "G") moveBy("last");
      else if (key.return && current) setOverlay({ kind: "detail", id: current.id });
      else if (input === "/") {
        setOverlay(null);
        setFiltering(true);
      } else if (input === "s") setSortKey((k) => SORT_KEYS[(SORT_KEYS.indexOf(k) + 1) % SORT_KEYS.length]!);
      else if (input === "r") void model.refresh();
      else if (!canEdit) {
        if ("pcned".includes(input) && input) flash(`${input}: needs role editor; you are ${role}`, "error");
      } else if (input === "n") setOverlay({ kind: "form", id: null, issues: [], error: null, busy: false });
      else if (!current) return;
      else if (input === "p") void pauseOrResume(current);
      else if (input === "c") void checkNow(current);
      else if (input === "e") setOverlay({ kind: "form", id: current.id, issues: [], error: null, busy: false });
      else if (input === "d") setOverlay({ kind: "confirm-delete", id: current.id });
    },
    { isActive: view === "monitors" && !filtering && overlay?.kind !== "form" },
  );

  const keys = footerKeys(view, overlay, filtering, canEdit, sortKey, size.columns >= 110);
  const right =
    view === "monitors"
      ? `sort:${sortKey}${filter || filtering ? `  /${filter}${filtering ? "▏" : ""}` : ""}  ${lines.length}/${state.monitors.length}`
      : "";

  let body: React.ReactNode;
  if (view === "monitors") {
    // The panel follows the selection, so ↑/↓ walk through the monitors' details.
    const detailMonitor = overlay?.kind === "detail" ? current : undefined;
    if (overlay?.kind === "form") {
      const editing = overlay.id === null ? null : (state.monitors.find((m) => m.id === overlay.id) ?? null);
      body = (
        <TextForm
          key={overlay.id ?? "new"}
          title={editing ? `Edit ${editing.name} (Enter saves, Esc cancels)` : "New monitor (Enter saves, Esc cancels)"}
          fields={MONITOR_FIELDS}
          initial={monitorFormValues(editing)}
          issues={overlay.issues}
          error={overlay.error}
          busy={overlay.busy}
          theme={theme}
          width={size.columns}
          onSubmit={(v) => void saveMonitor(v, editing)}
          onCancel={() => setOverlay(null)}
        />
      );
    } else if (detailMonitor) {
      body = <DetailView monitor={detailMonitor} width={size.columns} height={bodyHeight} />;
    } else if (state.loaded && state.monitors.length === 0) {
      body = (
        <Box height={bodyHeight} width={size.columns} flexDirection="column">
          <Text> </Text>
          <Text color={theme.accent}>
            {canEdit ? "  no monitors yet — press n to add one" : "  no monitors yet — an editor can add them"}
          </Text>
        </Box>
      );
    } else if (!state.loaded) {
      body = (
        <Box height={bodyHeight}>
          <Text color={theme.muted}>loading…</Text>
        </Box>
      );
    } else {
      body = (
        <MonitorTable
          lines={lines}
          columns={columns}
          selected={selected}
          offset={offset}
          height={tableHeight}
          width={size.columns}
          theme={theme}
          extrasOf={extrasOf}
        />
      );
    }
  } else if (view === "nodes") {
    body = <NodesView width={size.columns} height={bodyHeight} active={!typing} version={state.otherVersion} />;
  } else if (view === "channels") {
    body = <ChannelsView width={size.columns} height={bodyHeight} active={!typing} version={state.otherVersion} />;
  } else {
    body = (
      <MaintenanceView
        width={size.columns}
        height={bodyHeight}
        active={!filtering}
        version={state.otherVersion}
        onForm={setSubFormOpen}
      />
    );
  }

  const confirm =
    overlay?.kind === "confirm-delete"
      ? {
          text: `delete ${state.monitors.find((m) => m.id === overlay.id)?.name ?? "?"}? y to confirm`,
          kind: "error" as const,
        }
      : null;

  return (
    <Dashboard.Provider value={ctx}>
      <Box flexDirection="column" width={size.columns} height={size.rows} overflowY="hidden">
        <Header
          state={state}
          server={model.api.baseUrl}
          view={view}
          theme={theme}
          width={size.columns}
          role={role}
          right={right}
        />
        <Box height={bodyHeight} width={size.columns} overflowY="hidden" flexDirection="column">
          {body}
        </Box>
        <Footer flash={confirm ?? flashMsg} error={state.error} keys={keys} theme={theme} width={size.columns} />
      </Box>
    </Dashboard.Provider>
  );
}

function footerKeys(
  view: ViewName,
  overlay: Overlay,
  filtering: boolean,
  canEdit: boolean,
  sortKey: SortKey,
  wide: boolean,
): string {
  if (filtering) return "type to filter · Enter keep · Esc clear";
  if (overlay?.kind === "form") return "↑↓/Tab field · Enter save · Esc cancel · ^U clear field";
  if (overlay?.kind === "confirm-delete") return "y delete · any other key cancels";
  const edit = canEdit
    ? wide
      ? " · p pause/resume · c check now · e edit · d delete"
      : " p/c/e/d pause check edit del"
    : "";
  const views = wide ? " · 1-4/Tab views · T theme · q quit" : " · 1-4 T q";
  switch (view) {
    case "monitors":
      if (overlay?.kind === "detail") return `Esc back · ↑↓ next${edit}${views}`;
      return wide
        ? `↑↓/jk move · Enter detail · / filter · s sort (${sortKey})${canEdit ? " · n new" : ""}${edit}${views}`
        : `↑↓ Enter / s(ort)${canEdit ? " n(ew)" : ""}${edit}${views}`;
    case "nodes":
      return `↑↓ move${views}`;
    case "channels":
      return `↑↓ move${canEdit ? " · t test send" : ""}${views}`;
    case "maintenance":
      return `↑↓ move${canEdit ? " · s start now · e end" : ""}${views}`;
  }
}
