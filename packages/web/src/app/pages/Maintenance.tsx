import { type FormEvent, useState } from "react";
import { del, get, post, put } from "../api";
import { Field } from "../components/Field";
import { IssueSummary, issuesFor } from "../components/IssueSummary";
import { ErrorNotice } from "../components/Notice";
import { useLiveEvents } from "../live";
import { useSession } from "../session";
import { useLoad } from "../use-load";
import "../components/forms.css";

type WindowType = "maintenance" | "incident";

interface Recurrence {
  frequency: "daily" | "weekly";
  daysOfWeek?: number[];
  startTime: string;
  durationMinutes: number;
}

interface Window {
  id: number;
  title: string;
  description: string | null;
  type: WindowType;
  monitors: string[] | null;
  start: string;
  end: string | null;
  recurrence: Recurrence | null;
  active: boolean;
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/** An ISO time as a `datetime-local` value, in the browser's time zone. */
function localInput(iso: string | null): string {
  if (!iso) return "";
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A `datetime-local` value as ISO; text that is no time goes as typed, for the API to refuse. */
function isoOf(local: string): string {
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? local : d.toISOString();
}

const when = (iso: string) => new Date(iso).toLocaleString();

function phase(w: Window, now: number): "active" | "upcoming" | "past" {
  if (w.active) return "active";
  if (w.end !== null && Date.parse(w.end) <= now) return "past";
  return "upcoming";
}

function recurrenceText(r: Recurrence): string {
  const days =
    r.frequency === "weekly" && r.daysOfWeek?.length ? ` on ${r.daysOfWeek.map((d) => DAYS[d]).join(", ")}` : "";
  return `${r.frequency}${days} at ${r.startTime} UTC for ${r.durationMinutes} min`;
}

export function Maintenance() {
  const { can } = useSession();
  const editor = can("editor");
  const list = useLoad(() => get<Window[]>("/api/maintenance"));
  const [editing, setEditing] = useState<Window | "new" | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  useLiveEvents((e) => {
    if (e.type === "maintenance" || e.type === "reset") list.reload();
  });

  const act = async (fn: () => Promise<unknown>) => {
    setActionError(null);
    try {
      await fn();
      list.reload();
    } catch (err) {
      setActionError(err);
    }
  };

  const now = Date.now();
  const groups: Array<{ key: "active" | "upcoming" | "past"; title: string }> = [
    { key: "active", title: "Active now" },
    { key: "upcoming", title: "Upcoming" },
    { key: "past", title: "Past" },
  ];

  return (
    <section>
      <div className="page-head">
        <h1>Maintenance and incidents</h1>
        {editor && editing === null && (
          <button type="button" className="primary" onClick={() => setEditing("new")}>
            New window
          </button>
        )}
      </div>
      <p className="hint">
        A maintenance window silences alerts for its monitors; an incident notice only informs, and its message appears
        on the public status page.
      </p>
      <ErrorNotice error={list.error ?? actionError} />
      {editing !== null && (
        <WindowForm
          window={editing === "new" ? null : editing}
          onDone={(saved) => {
            setEditing(null);
            if (saved) list.reload();
          }}
        />
      )}
      {list.loading && !list.data && <p role="status">Loading…</p>}
      {list.data &&
        groups.map((g) => {
          const rows = list.data!.filter((w) => phase(w, now) === g.key);
          return (
            <section key={g.key} aria-labelledby={`mw-${g.key}`}>
              <h2 id={`mw-${g.key}`}>{g.title}</h2>
              {rows.length === 0 ? (
                <p className="muted">None.</p>
              ) : (
                <div className="table-wrap">
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">Title</th>
                        <th scope="col">Type</th>
                        <th scope="col">When</th>
                        <th scope="col">Monitors</th>
                        {editor && <th scope="col">Actions</th>}
                      </tr>
                    </thead>
                    <tbody>
                      {rows.map((w) => (
                        <tr key={w.id}>
                          <td>
                            <strong>{w.title}</strong>
                            {w.description && <p className="hint">{w.description}</p>}
                          </td>
                          <td>{w.type === "incident" ? "Incident" : "Maintenance"}</td>
                          <td>
                            {when(w.start)} – {w.end ? when(w.end) : "until further notice"}
                            {w.recurrence && <p className="hint">Repeats {recurrenceText(w.recurrence)}</p>}
                          </td>
                          <td>{w.monitors === null ? "All monitors" : w.monitors.join(", ")}</td>
                          {editor && (
                            <td>
                              <div className="actions">
                                <button type="button" onClick={() => setEditing(w)} aria-label={`Edit ${w.title}`}>
                                  Edit
                                </button>
                                {g.key !== "past" && (
                                  <button
                                    type="button"
                                    onClick={() => void act(() => post(`/api/maintenance/${w.id}/end`))}
                                    aria-label={`End now: ${w.title}`}
                                  >
                                    End now
                                  </button>
                                )}
                                <button
                                  type="button"
                                  className="danger"
                                  aria-label={`Delete ${w.title}`}
                                  onClick={() => {
                                    if (window.confirm(`Delete "${w.title}"?`))
                                      void act(() => del(`/api/maintenance/${w.id}`));
                                  }}
                                >
                                  Delete
                                </button>
                              </div>
                            </td>
                          )}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </section>
          );
        })}
    </section>
  );
}

interface Draft {
  type: WindowType;
  title: string;
  description: string;
  allMonitors: boolean;
  monitors: string[];
  start: string;
  end: string;
  repeat: "none" | "daily" | "weekly";
  days: number[];
  startTime: string;
  duration: string;
}

function draftOf(w: Window | null): Draft {
  return {
    type: w?.type ?? "maintenance",
    title: w?.title ?? "",
    description: w?.description ?? "",
    allMonitors: w ? w.monitors === null : true,
    monitors: w?.monitors ?? [],
    start: localInput(w?.start ?? new Date().toISOString()),
    end: localInput(w?.end ?? null),
    repeat: w?.recurrence?.frequency ?? "none",
    days: w?.recurrence?.daysOfWeek ?? [],
    startTime: w?.recurrence?.startTime ?? "02:00",
    duration: String(w?.recurrence?.durationMinutes ?? 60),
  };
}

function bodyOf(d: Draft): Record<string, unknown> {
  return {
    type: d.type,
    title: d.title,
    description: d.description.trim() ? d.description : null,
    monitors: d.allMonitors ? null : d.monitors,
    start: isoOf(d.start),
    end: d.end ? isoOf(d.end) : null,
    recurrence:
      d.repeat === "none"
        ? null
        : {
            frequency: d.repeat,
            ...(d.repeat === "weekly" ? { daysOfWeek: d.days } : {}),
            startTime: d.startTime,
            durationMinutes: Number(d.duration),
          },
  };
}

const LABELS: Record<string, string> = {
  type: "Type",
  title: "Title",
  description: "Message",
  monitors: "Monitors",
  start: "Starts",
  end: "Ends",
  recurrence: "Repeat",
  "recurrence.startTime": "Daily start (UTC)",
  "recurrence.durationMinutes": "Duration (minutes)",
  "recurrence.daysOfWeek": "Days",
};

function WindowForm({ window: w, onDone }: { window: Window | null; onDone: (saved: boolean) => void }) {
  const monitors = useLoad(() => get<Array<{ id: number; name: string }>>("/api/monitors"));
  const [d, setD] = useState<Draft>(() => draftOf(w));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const errs = (...f: string[]) => issuesFor(error, ...f);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (w) await put(`/api/maintenance/${w.id}`, bodyOf(d));
      else await post("/api/maintenance", bodyOf(d));
      onDone(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form panel" onSubmit={submit} noValidate aria-labelledby="mw-form-title">
      <h2 id="mw-form-title">{w ? `Edit ${w.title}` : "New window"}</h2>
      <IssueSummary error={error} labels={LABELS} />
      <Field label="Type" errors={errs("type")}>
        <select value={d.type} onChange={(e) => setD({ ...d, type: e.target.value as WindowType })}>
          <option value="maintenance">Maintenance: silence alerts</option>
          <option value="incident">Incident: inform on the status page</option>
        </select>
      </Field>
      <Field label="Title" errors={errs("title")}>
        <input required value={d.title} onChange={(e) => setD({ ...d, title: e.target.value })} />
      </Field>
      <Field
        label="Message"
        errors={errs("description")}
        hint={d.type === "incident" ? "Shown on the public status page" : "Optional"}
      >
        <textarea rows={3} value={d.description} onChange={(e) => setD({ ...d, description: e.target.value })} />
      </Field>
      <fieldset>
        <legend>Monitors affected</legend>
        <label className="check">
          <input
            type="checkbox"
            checked={d.allMonitors}
            onChange={(e) => setD({ ...d, allMonitors: e.target.checked })}
          />
          All monitors
        </label>
        {!d.allMonitors &&
          (monitors.data ?? []).map((m) => (
            <label className="check" key={m.id}>
              <input
                type="checkbox"
                checked={d.monitors.includes(m.name)}
                onChange={(e) =>
                  setD({
                    ...d,
                    monitors: e.target.checked ? [...d.monitors, m.name] : d.monitors.filter((n) => n !== m.name),
                  })
                }
              />
              {m.name}
            </label>
          ))}
        {errs("monitors").length > 0 && <p className="error">{errs("monitors").join("; ")}</p>}
      </fieldset>
      <div className="row-2">
        <Field label="Starts" errors={errs("start")}>
          <input
            type="datetime-local"
            required
            value={d.start}
            onChange={(e) => setD({ ...d, start: e.target.value })}
          />
        </Field>
        <Field label="Ends" errors={errs("end")} hint="Empty: until further notice">
          <input type="datetime-local" value={d.end} onChange={(e) => setD({ ...d, end: e.target.value })} />
        </Field>
      </div>
      <Field label="Repeat" errors={errs("recurrence.frequency")}>
        <select value={d.repeat} onChange={(e) => setD({ ...d, repeat: e.target.value as Draft["repeat"] })}>
          <option value="none">Does not repeat</option>
          <option value="daily">Daily</option>
          <option value="weekly">Weekly</option>
        </select>
      </Field>
      {d.repeat !== "none" && (
        <>
          <div className="row-2">
            <Field label="Daily start (UTC)" errors={errs("recurrence.startTime")} hint="HH:MM">
              <input value={d.startTime} onChange={(e) => setD({ ...d, startTime: e.target.value })} />
            </Field>
            <Field label="Duration (minutes)" errors={errs("recurrence.durationMinutes")}>
              <input
                type="number"
                inputMode="numeric"
                value={d.duration}
                onChange={(e) => setD({ ...d, duration: e.target.value })}
              />
            </Field>
          </div>
          {d.repeat === "weekly" && (
            <fieldset>
              <legend>Days</legend>
              {DAYS.map((name, i) => (
                <label className="check" key={name}>
                  <input
                    type="checkbox"
                    checked={d.days.includes(i)}
                    onChange={(e) =>
                      setD({ ...d, days: e.target.checked ? [...d.days, i] : d.days.filter((x) => x !== i) })
                    }
                  />
                  {name}
                </label>
              ))}
              {errs("recurrence.daysOfWeek").length > 0 && (
                <p className="error">{errs("recurrence.daysOfWeek").join("; ")}</p>
              )}
            </fieldset>
          )}
        </>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Saving…" : w ? "Save window" : "Create window"}
        </button>
        <button type="button" onClick={() => onDone(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
