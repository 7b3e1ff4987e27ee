import { type FormEvent, useState } from "react";
import { Link } from "wouter";
import { get, put } from "../api";
import { Field } from "../components/Field";
import { IssueSummary, issuesFor } from "../components/IssueSummary";
import { ErrorNotice } from "../components/Notice";
import { useSession } from "../session";
import { useLoad } from "../use-load";
import "../components/forms.css";

interface Me {
  id: number | null;
  name: string;
  role: string;
  hasPassword: boolean;
}

export function Account() {
  const { can } = useSession();
  const me = useLoad(() => get<Me>("/api/me"));
  const [current, setCurrent] = useState("");
  const [password, setPassword] = useState("");
  const [repeat, setRepeat] = useState("");
  const [mismatch, setMismatch] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setDone(false);
    setError(null);
    // The one check the server cannot make: both copies typed alike.
    setMismatch(password !== repeat);
    if (password !== repeat) return;
    setBusy(true);
    try {
      await put("/api/me/password", { current, password });
      setCurrent("");
      setPassword("");
      setRepeat("");
      setDone(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  // A wrong current password comes back as a 403 naming the field.
  const wrongCurrent =
    error && typeof error === "object" && "code" in error && error.code === "WRONG_PASSWORD" ? ["is wrong"] : [];

  return (
    <section>
      <h1>Your account</h1>
      <ErrorNotice error={me.error} />
      {me.data && (
        <dl className="panel">
          <dt>Name</dt>
          <dd>{me.data.name}</dd>
          <dt>Role</dt>
          <dd>{me.data.role}</dd>
          <dt>Password</dt>
          <dd>{me.data.hasPassword ? "Set" : "None (you signed in another way)"}</dd>
        </dl>
      )}
      <form className="form" onSubmit={submit} noValidate aria-labelledby="pw-title">
        <h2 id="pw-title">Change your password</h2>
        <IssueSummary error={error} labels={{ current: "Current password", password: "New password" }} />
        <Field label="Current password" errors={[...issuesFor(error, "current"), ...wrongCurrent]}>
          <input
            type="password"
            autoComplete="current-password"
            required
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
          />
        </Field>
        <Field label="New password" errors={issuesFor(error, "password")}>
          <input
            type="password"
            autoComplete="new-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
        <Field label="New password again" errors={mismatch ? ["does not match the new password"] : []}>
          <input
            type="password"
            autoComplete="new-password"
            required
            value={repeat}
            onChange={(e) => setRepeat(e.target.value)}
          />
        </Field>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? "Saving…" : "Change password"}
          </button>
          <span role="status">{done ? "Password changed. Your other sessions were signed out." : ""}</span>
        </div>
      </form>
      <h2>API tokens and SSH keys</h2>
      {can("admin") ? (
        <p>
          Manage them on the <Link href="/users">Users</Link> page.
        </p>
      ) : (
        <p>An admin creates and revokes API tokens and SSH keys for you.</p>
      )}
    </section>
  );
}
