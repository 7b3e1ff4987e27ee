import { type FormEvent, useState } from "react";
import { del, get, messageOf, post, put } from "../api";
import { Field } from "../components/Field";
import { IssueSummary, issuesFor } from "../components/IssueSummary";
import { ErrorNotice } from "../components/Notice";
import { useSession } from "../session";
import { useLoad } from "../use-load";
import { CHANNEL_FIELDS, CHANNEL_TYPE_NAMES, fieldText, fieldValue } from "./channel-fields";
import "../components/forms.css";

interface Channel {
  id: number;
  name: string;
  type: string;
  settings: Record<string, unknown>;
  default: boolean;
  enabled: boolean;
  reminderInterval: number | null;
}

interface TestAnswer {
  ok: boolean;
  error?: string | null;
  status?: number | null;
  response?: string | null;
}

interface Draft {
  name: string;
  type: string;
  settings: Record<string, string | boolean>;
  default: boolean;
  enabled: boolean;
  reminderInterval: string;
}

function draftOf(c: Channel | null): Draft {
  const type = c?.type ?? "webhook";
  const settings: Record<string, string | boolean> = {};
  for (const field of CHANNEL_FIELDS[type] ?? []) settings[field.key] = fieldText(field, c?.settings[field.key]);
  return {
    name: c?.name ?? "",
    type,
    settings,
    default: c?.default ?? false,
    enabled: c?.enabled ?? true,
    reminderInterval: c?.reminderInterval == null ? "" : String(c.reminderInterval),
  };
}

function bodyOf(d: Draft): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const field of CHANNEL_FIELDS[d.type] ?? []) {
    const v = fieldValue(field, d.settings[field.key] ?? "");
    if (v !== undefined) settings[field.key] = v;
  }
  const r = d.reminderInterval.trim();
  return {
    name: d.name,
    type: d.type,
    settings,
    default: d.default,
    enabled: d.enabled,
    reminderInterval: r === "" ? null : Number.isFinite(Number(r)) ? Number(r) : r,
  };
}

export function Channels() {
  const { can } = useSession();
  const editor = can("editor");
  const list = useLoad(() => get<Channel[]>("/api/channels"));
  const [editing, setEditing] = useState<Channel | "new" | null>(null);
  const [tests, setTests] = useState<Record<number, string>>({});
  const [actionError, setActionError] = useState<unknown>(null);

  const sendTest = async (c: Channel) => {
    setTests((t) => ({ ...t, [c.id]: "Sending…" }));
    try {
      const a = await post<TestAnswer>(`/api/channels/${c.id}/test`);
      const text = a.ok
        ? "Test sent: the receiver accepted it."
        : `Test failed: ${a.error ?? "refused"}${a.status ? ` (HTTP ${a.status})` : ""}`;
      setTests((t) => ({ ...t, [c.id]: text }));
    } catch (err) {
      setTests((t) => ({ ...t, [c.id]: `Test failed: ${messageOf(err)}` }));
    }
  };

  const remove = async (c: Channel) => {
    if (!window.confirm(`Delete the channel "${c.name}"? Monitors stop notifying it.`)) return;
    setActionError(null);
    try {
      await del(`/api/channels/${c.id}`);
      list.reload();
    } catch (err) {
      setActionError(err);
    }
  };

  return (
    <section>
      <div className="page-head">
        <h1>Notification channels</h1>
        {editor && editing === null && (
          <button type="button" className="primary" onClick={() => setEditing("new")}>
            Add channel
          </button>
        )}
      </div>
      {!editor && <p className="hint">Your role can view channels; an editor can change them.</p>}
      <ErrorNotice error={list.error ?? actionError} />
      {editing !== null && (
        <ChannelForm
          channel={editing === "new" ? null : editing}
          onDone={(saved) => {
            setEditing(null);
            if (saved) list.reload();
          }}
        />
      )}
      {list.loading && !list.data && <p role="status">Loading…</p>}
      {list.data && list.data.length === 0 && <p>No channels yet.</p>}
      {list.data && list.data.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
                <th scope="col">Default</th>
                <th scope="col">Enabled</th>
                {editor && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody>
              {list.data.map((c) => (
                <tr key={c.id}>
                  <td>{c.name}</td>
                  <td>{c.type}</td>
                  <td>{c.default ? "Yes: every monitor" : "No"}</td>
                  <td>{c.enabled ? "Yes" : "No (disabled)"}</td>
                  {editor && (
                    <td>
                      <div className="actions">
                        <button type="button" onClick={() => setEditing(c)} aria-label={`Edit ${c.name}`}>
                          Edit
                        </button>
                        <button type="button" onClick={() => void sendTest(c)} aria-label={`Send test to ${c.name}`}>
                          Send test
                        </button>
                        <button
                          type="button"
                          className="danger"
                          onClick={() => void remove(c)}
                          aria-label={`Delete ${c.name}`}
                        >
                          Delete
                        </button>
                      </div>
                      <p role="status" className="hint">
                        {tests[c.id] ?? ""}
                      </p>
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
}

function ChannelForm({ channel, onDone }: { channel: Channel | null; onDone: (saved: boolean) => void }) {
  const [d, setD] = useState<Draft>(() => draftOf(channel));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const fields = CHANNEL_FIELDS[d.type] ?? [];
  const errs = (...f: string[]) => issuesFor(error, ...f);
  const setting = (key: string, v: string | boolean) => setD((p) => ({ ...p, settings: { ...p.settings, [key]: v } }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (channel) await put(`/api/channels/${channel.id}`, bodyOf(d));
      else await post("/api/channels", bodyOf(d));
      onDone(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const labels: Record<string, string> = { name: "Name", type: "Type", reminderInterval: "Reminder interval" };
  for (const field of fields) labels[`settings.${field.key}`] = field.label;

  return (
    <form className="form panel" onSubmit={submit} noValidate aria-labelledby="channel-form-title">
      <h2 id="channel-form-title">{channel ? `Edit ${channel.name}` : "New channel"}</h2>
      <IssueSummary error={error} labels={labels} />
      <Field label="Name" errors={errs("name")}>
        <input required autoComplete="off" value={d.name} onChange={(e) => setD({ ...d, name: e.target.value })} />
      </Field>
      <Field label="Type" errors={errs("type")}>
        <select
          value={d.type}
          onChange={(e) => setD({ ...draftOf(null), name: d.name, type: e.target.value, default: d.default })}
        >
          {CHANNEL_TYPE_NAMES.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
      </Field>
      {fields.map((field) =>
        field.kind === "bool" ? (
          <label className="check" key={field.key}>
            <input
              type="checkbox"
              checked={d.settings[field.key] === true}
              onChange={(e) => setting(field.key, e.target.checked)}
            />
            {field.label}
          </label>
        ) : (
          <Field
            key={field.key}
            label={field.label}
            errors={errs(`settings.${field.key}`)}
            hint={field.kind === "secret" ? `${field.hint ?? ""} Stars keep the stored value.`.trim() : field.hint}
          >
            {field.kind === "headers" ? (
              <textarea
                rows={2}
                value={String(d.settings[field.key] ?? "")}
                onChange={(e) => setting(field.key, e.target.value)}
              />
            ) : field.kind === "select" ? (
              <select
                value={String(d.settings[field.key] || field.options?.[0] || "")}
                onChange={(e) => setting(field.key, e.target.value)}
              >
                {field.options?.map((o) => (
                  <option key={o}>{o}</option>
                ))}
              </select>
            ) : (
              <input
                type={field.kind === "secret" ? "password" : field.kind === "number" ? "number" : "text"}
                inputMode={field.kind === "url" ? "url" : undefined}
                autoComplete={field.kind === "secret" ? "new-password" : "off"}
                required={field.required}
                value={String(d.settings[field.key] ?? "")}
                onChange={(e) => setting(field.key, e.target.value)}
              />
            )}
          </Field>
        ),
      )}
      {errs("settings").length > 0 && fields.every((fl) => !errs(`settings.${fl.key}`).length) && (
        <p className="error">{errs("settings").join("; ")}</p>
      )}
      <Field
        label="Reminder interval (seconds)"
        errors={errs("reminderInterval")}
        hint="Repeat the alert while a monitor stays down; empty: no reminders; at least 60"
      >
        <input value={d.reminderInterval} onChange={(e) => setD({ ...d, reminderInterval: e.target.value })} />
      </Field>
      <label className="check">
        <input type="checkbox" checked={d.default} onChange={(e) => setD({ ...d, default: e.target.checked })} />
        Default: notify for every monitor
      </label>
      <label className="check">
        <input type="checkbox" checked={d.enabled} onChange={(e) => setD({ ...d, enabled: e.target.checked })} />
        Enabled
      </label>
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Saving…" : channel ? "Save channel" : "Create channel"}
        </button>
        <button type="button" onClick={() => onDone(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
