import type { Role } from "@uptop/core";
import { type FormEvent, useState } from "react";
import { api, del, get, post, put } from "../api";
import { CopyOnce } from "../components/CopyOnce";
import { Field } from "../components/Field";
import { IssueSummary, issuesFor } from "../components/IssueSummary";
import { ErrorNotice } from "../components/Notice";
import { useSession } from "../session";
import { useLoad } from "../use-load";
import "../components/forms.css";

interface User {
  id: number;
  name: string;
  role: Role;
  disabled: boolean;
  hasPassword: boolean;
  createdAt: string;
  keys: Array<{ id: number; fingerprint: string; comment: string | null; createdAt: string }>;
  tokens: Array<{ id: number; name: string; createdAt: string; lastUsedAt: string | null }>;
}

const ROLES: Role[] = ["viewer", "editor", "admin"];
const patch = (path: string, body: unknown) => api<User>("PATCH", path, body);

export function Users() {
  const { can, user: me } = useSession();
  const list = useLoad(() => (can("admin") ? get<User[]>("/api/users") : Promise.resolve([])), [can("admin")]);
  const [adding, setAdding] = useState(false);
  const [openId, setOpenId] = useState<number | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);

  if (!can("admin")) {
    return (
      <section>
        <h1>Users</h1>
        <p className="notice">Only an admin can manage users.</p>
      </section>
    );
  }

  const act = async (fn: () => Promise<unknown>) => {
    setActionError(null);
    try {
      await fn();
      list.reload();
    } catch (err) {
      setActionError(err);
    }
  };
  const open = list.data?.find((u) => u.id === openId) ?? null;

  return (
    <section>
      <div className="page-head">
        <h1>Users</h1>
        {!adding && (
          <button type="button" className="primary" onClick={() => setAdding(true)}>
            Add user
          </button>
        )}
      </div>
      <ErrorNotice error={list.error ?? actionError} />
      {adding && (
        <AddUser
          onDone={(saved) => {
            setAdding(false);
            if (saved) list.reload();
          }}
        />
      )}
      {list.loading && !list.data && <p role="status">Loading…</p>}
      {list.data && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">State</th>
                <th scope="col">Password</th>
                <th scope="col">Tokens</th>
                <th scope="col">SSH keys</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((u) => (
                <tr key={u.id}>
                  <td>
                    {u.name}
                    {u.id === me?.id && <span className="muted"> (you)</span>}
                  </td>
                  <td>
                    <label>
                      <span className="sr-only">Role of {u.name}</span>
                      <select
                        value={u.role}
                        onChange={(e) => void act(() => patch(`/api/users/${u.id}`, { role: e.target.value as Role }))}
                      >
                        {ROLES.map((r) => (
                          <option key={r}>{r}</option>
                        ))}
                      </select>
                    </label>
                  </td>
                  <td>{u.disabled ? "Disabled" : "Active"}</td>
                  <td>{u.hasPassword ? "Set" : "None"}</td>
                  <td>{u.tokens.length}</td>
                  <td>{u.keys.length}</td>
                  <td>
                    <div className="actions">
                      <button
                        type="button"
                        aria-expanded={openId === u.id}
                        aria-label={`Manage ${u.name}`}
                        onClick={() => setOpenId(openId === u.id ? null : u.id)}
                      >
                        Manage
                      </button>
                      <button
                        type="button"
                        aria-label={`${u.disabled ? "Enable" : "Disable"} ${u.name}`}
                        onClick={() => void act(() => patch(`/api/users/${u.id}`, { disabled: !u.disabled }))}
                      >
                        {u.disabled ? "Enable" : "Disable"}
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {open && (
        <UserDetails
          key={open.id}
          user={open}
          onChange={list.reload}
          onDeleted={() => {
            setOpenId(null);
            list.reload();
          }}
        />
      )}
    </section>
  );
}

function AddUser({ onDone }: { onDone: (saved: boolean) => void }) {
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await post("/api/users", { name, role, ...(password ? { password } : {}) });
      onDone(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="form panel" onSubmit={submit} noValidate aria-labelledby="add-user-title">
      <h2 id="add-user-title">New user</h2>
      <IssueSummary error={error} labels={{ name: "User name", role: "Role", password: "Password" }} />
      <Field label="User name" errors={issuesFor(error, "name")} hint="Letters, digits or ._@-">
        <input required autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} />
      </Field>
      <Field label="Role" errors={issuesFor(error, "role")}>
        <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {ROLES.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
      </Field>
      <Field
        label="Password"
        errors={issuesFor(error, "password")}
        hint="Optional: without one the user signs in by SSH key or API token only"
      >
        <input
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </Field>
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Adding…" : "Add user"}
        </button>
        <button type="button" onClick={() => onDone(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function UserDetails({ user, onChange, onDeleted }: { user: User; onChange: () => void; onDeleted: () => void }) {
  const [password, setPassword] = useState("");
  const [pwError, setPwError] = useState<unknown>(null);
  const [pwDone, setPwDone] = useState(false);
  const [tokenName, setTokenName] = useState("");
  const [tokenError, setTokenError] = useState<unknown>(null);
  const [newToken, setNewToken] = useState<string | null>(null);
  const [publicKey, setPublicKey] = useState("");
  const [keyError, setKeyError] = useState<unknown>(null);
  const [error, setError] = useState<unknown>(null);

  const run = async (fn: () => Promise<unknown>, onError: (e: unknown) => void) => {
    onError(null);
    try {
      await fn();
      onChange();
      return true;
    } catch (err) {
      onError(err);
      return false;
    }
  };

  return (
    <section className="panel form" aria-labelledby="user-details-title">
      <h2 id="user-details-title">Manage {user.name}</h2>
      <ErrorNotice error={error} />

      <form
        onSubmit={(e) => {
          e.preventDefault();
          setPwDone(false);
          void run(() => put(`/api/users/${user.id}/password`, { password }), setPwError).then((ok) => {
            if (ok) {
              setPassword("");
              setPwDone(true);
            }
          });
        }}
        noValidate
      >
        <h3>Password</h3>
        <Field label="New password" errors={issuesFor(pwError, "password")}>
          <input
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
        {!(pwError && issuesFor(pwError, "password").length) && <ErrorNotice error={pwError} />}
        <div className="actions">
          <button type="submit">Set password</button>
          {user.hasPassword && (
            <button type="button" onClick={() => void run(() => del(`/api/users/${user.id}/password`), setPwError)}>
              Remove password
            </button>
          )}
          <span role="status">{pwDone ? "Password set." : ""}</span>
        </div>
      </form>

      <h3>API tokens</h3>
      {user.tokens.length === 0 ? (
        <p className="muted">No tokens.</p>
      ) : (
        <ul>
          {user.tokens.map((t) => (
            <li key={t.id} className="actions">
              <span>
                {t.name}{" "}
                <span className="muted">
                  (last used {t.lastUsedAt ? new Date(t.lastUsedAt).toLocaleString() : "never"})
                </span>
              </span>
              <button
                type="button"
                className="danger"
                aria-label={`Revoke token ${t.name}`}
                onClick={() => void run(() => del(`/api/users/${user.id}/tokens/${t.id}`), setError)}
              >
                Revoke
              </button>
            </li>
          ))}
        </ul>
      )}
      {newToken && <CopyOnce label="New token" value={newToken} onDismiss={() => setNewToken(null)} />}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () => {
            const t = await post<{ token: string }>(`/api/users/${user.id}/tokens`, { name: tokenName });
            setNewToken(t.token);
            setTokenName("");
          }, setTokenError);
        }}
        noValidate
      >
        <Field label="Token name" errors={issuesFor(tokenError, "name")} hint="What the token is for, e.g. ci">
          <input value={tokenName} onChange={(e) => setTokenName(e.target.value)} />
        </Field>
        <button type="submit">Create token</button>
      </form>

      <h3>SSH keys</h3>
      {user.keys.length === 0 ? (
        <p className="muted">No keys.</p>
      ) : (
        <ul>
          {user.keys.map((k) => (
            <li key={k.id} className="actions">
              <span className="secret-once">
                {k.fingerprint} {k.comment && <span className="muted">{k.comment}</span>}
              </span>
              <button
                type="button"
                className="danger"
                aria-label={`Remove key ${k.comment ?? k.fingerprint}`}
                onClick={() => void run(() => del(`/api/users/${user.id}/keys/${k.id}`), setError)}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void run(() => post(`/api/users/${user.id}/keys`, { publicKey }), setKeyError).then((ok) => {
            if (ok) setPublicKey("");
          });
        }}
        noValidate
      >
        <Field
          label="Public key"
          errors={issuesFor(keyError, "publicKey")}
          hint="One line, e.g. ssh-ed25519 AAAA… me@laptop"
        >
          <textarea rows={2} value={publicKey} onChange={(e) => setPublicKey(e.target.value)} />
        </Field>
        {!(keyError && issuesFor(keyError, "publicKey").length) && <ErrorNotice error={keyError} />}
        <button type="submit">Add key</button>
      </form>

      <h3>Delete</h3>
      <button
        type="button"
        className="danger"
        onClick={() => {
          if (!window.confirm(`Delete the user ${user.name}? Their sessions, tokens and keys end.`)) return;
          void run(() => del(`/api/users/${user.id}`), setError).then((ok) => ok && onDeleted());
        }}
      >
        Delete {user.name}
      </button>
    </section>
  );
}
