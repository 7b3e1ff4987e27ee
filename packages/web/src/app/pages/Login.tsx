import { type FormEvent, useState } from "react";
import { ErrorNotice } from "../components/Notice";
import { useSession } from "../session";

type Mode = "sign-in" | "set-up";

export function Login() {
  const { signIn, setUp } = useSession();
  const [mode, setMode] = useState<Mode>("sign-in");
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [apiToken, setApiToken] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (mode === "sign-in") await signIn(name, password);
      else await setUp(apiToken, name, password);
    } catch (err) {
      setError(err);
      setPassword("");
    } finally {
      setBusy(false);
    }
  };

  const switchTo = (next: Mode) => {
    setMode(next);
    setError(null);
  };

  return (
    <main id="main" className="login">
      <form onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">{mode === "sign-in" ? "Sign in to uptop" : "Set up the first admin"}</h1>
        <ErrorNotice error={error} />
        {mode === "set-up" && (
          <div className="field">
            <label htmlFor="setup-token">Admin API token</label>
            <input
              id="setup-token"
              type="password"
              autoComplete="off"
              required
              aria-describedby="setup-token-hint"
              value={apiToken}
              onChange={(e) => setApiToken(e.target.value)}
            />
            <p className="hint" id="setup-token-hint">
              Printed when the leader first started, and kept in its data folder as <code>api-token</code>.
            </p>
          </div>
        )}
        <div className="field">
          <label htmlFor="login-name">User name</label>
          <input
            id="login-name"
            name="username"
            autoComplete="username"
            required
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="login-password">Password</label>
          <input
            id="login-password"
            name="password"
            type="password"
            autoComplete={mode === "sign-in" ? "current-password" : "new-password"}
            required
            minLength={mode === "set-up" ? 10 : undefined}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </div>
        <button type="submit" className="primary" disabled={busy}>
          {mode === "sign-in" ? (busy ? "Signing in…" : "Sign in") : busy ? "Setting up…" : "Create admin and sign in"}
        </button>
        <p className="switch">
          {mode === "sign-in" ? (
            <button type="button" className="link" onClick={() => switchTo("set-up")}>
              First time here? Set up with the admin API token
            </button>
          ) : (
            <button type="button" className="link" onClick={() => switchTo("sign-in")}>
              Back to sign-in
            </button>
          )}
        </p>
      </form>
    </main>
  );
}
