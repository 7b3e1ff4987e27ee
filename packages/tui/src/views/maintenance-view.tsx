import { useState } from "react";
import { Box, useInput } from "ink";
import { parseDuration, roleAllows, type FieldIssue } from "@uptop/core";
import { useDashboard } from "../context.js";
import type { DashboardApiError } from "../data/api-client.js";
import type { MaintenanceRow } from "../data/types.js";
import { shortTime } from "../format.js";
import { useListNav } from "../hooks.js";
import { ListView, type ListColumn } from "./list-view.js";
import { TextForm } from "./text-form.js";
import { useResource } from "./use-resource.js";

interface Props {
  width: number;
  height: number;
  active: boolean;
  version: number;
  /** Tells the app a form has the keyboard, so global keys (q, 1-4) stay out of its text. */
  onForm(open: boolean): void;
}

const START_FIELDS = [
  { key: "title", label: "title" },
  { key: "duration", label: "duration", hint: "e.g. 30m, 2h; empty = until ended" },
  { key: "monitors", label: "monitors", hint: "comma-separated names; empty = all" },
];

/** Maintenance windows; `s` starts one now, `e` ends the selected one (editor). */
export function MaintenanceView({ width, height, active, version, onForm }: Props) {
  const { api, theme, role, act, flash } = useDashboard();
  const [tick, setTick] = useState(0);
  const { data, error } = useResource<MaintenanceRow[]>(api, "/api/maintenance", version + tick);
  const windows = data ?? [];
  const [form, setForm] = useState<{ issues: FieldIssue[]; error: string | null; busy: boolean } | null>(null);
  const [selected] = useListNav(windows.length, height - 2, active && !form);
  const canEdit = roleAllows(role, "editor");
  const open = (v: boolean) => {
    setForm(v ? { issues: [], error: null, busy: false } : null);
    onForm(v);
  };
  useInput(
    (input) => {
      if (!canEdit) return;
      const w = windows[selected];
      if (input === "s") open(true);
      else if (input === "e" && w) {
        void act(`end ${w.title}`, () => api.send("POST", `/api/maintenance/${w.id}/end`)).then((r) => {
          if (r !== undefined) flash(`maintenance "${w.title}" ended`);
          setTick((t) => t + 1);
        });
      }
    },
    { isActive: active && !form },
  );

  async function submit(values: Record<string, string>): Promise<void> {
    const issues: FieldIssue[] = [];
    const title = (values.title ?? "").trim();
    if (!title) issues.push({ field: "title", message: "is required" });
    const duration = (values.duration ?? "").trim();
    const ms = duration ? parseDuration(duration) : null;
    if (duration && (ms === null || ms === undefined || ms <= 0))
      issues.push({ field: "duration", message: "is not a duration (e.g. 30m, 2h)" });
    if (issues.length) return setForm({ issues, error: null, busy: false });
    const start = new Date();
    const monitors = (values.monitors ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    const body = {
      title,
      start: start.toISOString(),
      ...(ms ? { end: new Date(start.getTime() + ms).toISOString() } : {}),
      ...(monitors.length ? { monitors } : {}),
    };
    setForm({ issues: [], error: null, busy: true });
    try {
      await api.send("POST", "/api/maintenance", body);
      flash(`maintenance "${title}" started`);
      open(false);
      setTick((t) => t + 1);
    } catch (err) {
      const e = err as DashboardApiError;
      setForm({ issues: e.issues ?? [], error: e.issues?.length ? null : e.message, busy: false });
    }
  }

  if (form) {
    return (
      <TextForm
        title="Start maintenance now (Enter starts, Esc cancels)"
        fields={START_FIELDS}
        initial={{ title: "", duration: "1h", monitors: "" }}
        issues={form.issues}
        error={form.error}
        busy={form.busy}
        theme={theme}
        width={width}
        onSubmit={(v) => void submit(v)}
        onCancel={() => open(false)}
      />
    );
  }
  const columns: ListColumn<MaintenanceRow>[] = [
    {
      title: "STATE",
      width: 8,
      text: (w) => (w.active ? "active" : "planned"),
      colour: (w) => (w.active ? theme.paused : theme.muted),
    },
    { title: "START", width: 16, text: (w) => shortTime(w.start) },
    { title: "END", width: 16, text: (w) => (w.end ? shortTime(w.end) : "until ended") },
    { title: "TITLE", width: 24, text: (w) => w.title },
    { title: "MONITORS", width: 20, text: (w) => (w.monitors?.length ? w.monitors.join(",") : "all") },
  ];
  return (
    <Box flexDirection="column" width={width} height={height}>
      <ListView
        rows={windows}
        columns={columns}
        selected={selected}
        height={height}
        width={width}
        theme={theme}
        empty={error ?? (data ? `no maintenance windows${canEdit ? " — press s to start one" : ""}` : "loading…")}
      />
    </Box>
  );
}
