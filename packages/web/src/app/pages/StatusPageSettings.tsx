import { type FormEvent, useEffect, useState } from "react";
import { get, put } from "../api";
import { Field } from "../components/Field";
import { IssueSummary, issuesFor } from "../components/IssueSummary";
import { ErrorNotice } from "../components/Notice";
import { useSession } from "../session";
import { useLoad } from "../use-load";
import "../components/forms.css";

interface Settings {
  enabled: boolean;
  title: string;
  description: string | null;
  monitorIds: number[] | null;
}

const LABELS: Record<string, string> = {
  enabled: "Public status page",
  title: "Title",
  description: "Description",
  monitorIds: "Monitors shown",
};

export function StatusPageSettings() {
  const { can } = useSession();
  const editor = can("editor");
  const loaded = useLoad(async () => {
    const [settings, monitors] = await Promise.all([
      get<Settings>("/api/status-page/settings"),
      get<Array<{ id: number; name: string }>>("/api/monitors"),
    ]);
    return { settings, monitors };
  });
  const [s, setS] = useState<Settings | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (loaded.data) setS(loaded.data.settings);
  }, [loaded.data]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!s) return;
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      setS(await put<Settings>("/api/status-page/settings", { ...s, description: s.description ?? "" }));
      setSaved(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const errs = (...f: string[]) => issuesFor(error, ...f);
  const monitors = loaded.data?.monitors ?? [];

  return (
    <section>
      <h1>Status page</h1>
      <p>
        The public page is at{" "}
        <a href="/status" target="_blank" rel="noreferrer">
          /status
        </a>
        ; anyone who can reach this server can read it while it is enabled.
      </p>
      <ErrorNotice error={loaded.error} />
      {!editor && <p className="notice">Your role can view these settings; an editor can change them.</p>}
      {loaded.loading && !s && <p role="status">Loading…</p>}
      {s && (
        <form className="form" onSubmit={submit} noValidate>
          <IssueSummary error={error} labels={LABELS} />
          <fieldset disabled={!editor}>
            <legend>Settings</legend>
            <label className="check">
              <input type="checkbox" checked={s.enabled} onChange={(e) => setS({ ...s, enabled: e.target.checked })} />
              Enable the public status page
            </label>
            <Field label="Title" errors={errs("title")}>
              <input required value={s.title} onChange={(e) => setS({ ...s, title: e.target.value })} />
            </Field>
            <Field label="Description" errors={errs("description")} hint="Optional; shown under the title">
              <textarea
                rows={3}
                value={s.description ?? ""}
                onChange={(e) => setS({ ...s, description: e.target.value })}
              />
            </Field>
          </fieldset>
          <fieldset disabled={!editor}>
            <legend>Monitors shown</legend>
            <label className="check">
              <input
                type="radio"
                name="shown"
                checked={s.monitorIds === null}
                onChange={() => setS({ ...s, monitorIds: null })}
              />
              All monitors
            </label>
            <label className="check">
              <input
                type="radio"
                name="shown"
                checked={s.monitorIds !== null}
                onChange={() => setS({ ...s, monitorIds: s.monitorIds ?? [] })}
              />
              Only the ones chosen below
            </label>
            {s.monitorIds !== null && (
              <fieldset>
                <legend>Chosen monitors</legend>
                {monitors.length === 0 && <p className="hint">No monitors yet.</p>}
                {monitors.map((m) => (
                  <label className="check" key={m.id}>
                    <input
                      type="checkbox"
                      checked={s.monitorIds?.includes(m.id) ?? false}
                      onChange={(e) =>
                        setS({
                          ...s,
                          monitorIds: e.target.checked
                            ? [...(s.monitorIds ?? []), m.id]
                            : (s.monitorIds ?? []).filter((id) => id !== m.id),
                        })
                      }
                    />
                    {m.name}
                  </label>
                ))}
              </fieldset>
            )}
            {errs("monitorIds").length > 0 && <p className="error">{errs("monitorIds").join("; ")}</p>}
          </fieldset>
          {editor && (
            <div className="actions">
              <button type="submit" className="primary" disabled={busy}>
                {busy ? "Saving…" : "Save settings"}
              </button>
              <span role="status">{saved ? "Saved." : ""}</span>
            </div>
          )}
        </form>
      )}
    </section>
  );
}
