import type { Monitor, MonitorType } from "@uptop/core";
import { type FormEvent, useState } from "react";
import { Link, useLocation } from "wouter";
import { get, post, put } from "../api";
import { Field } from "../components/Field";
import { IssueSummary, issuesFor } from "../components/IssueSummary";
import { ErrorNotice } from "../components/Notice";
import { useSession } from "../session";
import { useLoad } from "../use-load";
import "../components/forms.css";

const TYPES: Array<{ value: MonitorType; label: string }> = [
  { value: "http", label: "HTTP(S): status, keyword or JSON" },
  { value: "tcp", label: "TCP port" },
  { value: "ping", label: "Ping (ICMP)" },
  { value: "dns", label: "DNS record" },
  { value: "tls", label: "TLS certificate" },
  { value: "push", label: "Push (heartbeat from the service)" },
  { value: "group", label: "Group of monitors" },
];
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
const RECORD_TYPES = ["A", "AAAA", "CNAME", "MX", "TXT", "NS", "SOA", "SRV", "PTR", "CAA"] as const;
type BodyCheck = "none" | "keyword" | "keywordAbsent" | "json";
type AuthKind = "none" | "basic" | "bearer";

/** The form's state: text as typed, so a refused submit gives back exactly what the user entered. */
interface FormState {
  name: string;
  type: MonitorType;
  description: string;
  url: string;
  method: string;
  acceptedCodes: string;
  bodyCheck: BodyCheck;
  keyword: string;
  jsonPath: string;
  jsonEquals: string;
  headers: string;
  body: string;
  authKind: AuthKind;
  authUser: string;
  authSecret: string;
  followRedirects: boolean;
  ignoreTls: boolean;
  certExpiryDays: string;
  hostname: string;
  port: string;
  recordType: string;
  resolver: string;
  expected: string;
  pingCount: string;
  token: string;
  grace: string;
  parent: string;
  channels: string[];
  interval: string;
  timeout: string;
  retries: string;
  retryInterval: string;
  paused: boolean;
}

const EMPTY: FormState = {
  name: "",
  type: "http",
  description: "",
  url: "",
  method: "GET",
  acceptedCodes: "200-299",
  bodyCheck: "none",
  keyword: "",
  jsonPath: "",
  jsonEquals: "",
  headers: "",
  body: "",
  authKind: "none",
  authUser: "",
  authSecret: "",
  followRedirects: true,
  ignoreTls: false,
  certExpiryDays: "14",
  hostname: "",
  port: "",
  recordType: "A",
  resolver: "",
  expected: "",
  pingCount: "3",
  token: "",
  grace: "",
  parent: "",
  channels: [],
  interval: "60",
  timeout: "",
  retries: "0",
  retryInterval: "",
  paused: false,
};

const str = (v: unknown) => (v === null || v === undefined ? "" : String(v));

function stateOf(m: Monitor): FormState {
  const j = m.jsonAssertion;
  return {
    ...EMPTY,
    name: m.name,
    type: m.type,
    description: str(m.description),
    url: str(m.url),
    method: m.method,
    acceptedCodes: m.acceptedCodes,
    bodyCheck: j ? "json" : m.keyword ? "keyword" : m.keywordAbsent ? "keywordAbsent" : "none",
    keyword: str(m.keyword ?? m.keywordAbsent),
    jsonPath: str(j?.path),
    jsonEquals: j?.equals === undefined ? "" : JSON.stringify(j.equals),
    headers: Object.entries(m.headers)
      .map(([k, v]) => `${k}: ${v}`)
      .join("\n"),
    body: str(m.body),
    authKind: m.auth?.type ?? "none",
    authUser: m.auth?.type === "basic" ? m.auth.username : "",
    authSecret: m.auth?.type === "basic" ? m.auth.password : m.auth?.type === "bearer" ? m.auth.token : "",
    followRedirects: m.followRedirects,
    ignoreTls: m.ignoreTls,
    certExpiryDays: str(m.certExpiryDays),
    hostname: str(m.hostname),
    port: str(m.port),
    recordType: m.recordType ?? "A",
    resolver: str(m.resolver),
    expected: m.expected.join("\n"),
    pingCount: str(m.pingCount),
    token: str(m.token),
    grace: str(m.grace),
    parent: str(m.parent),
    channels: [...m.channels],
    interval: str(m.interval),
    timeout: str(m.timeout),
    retries: str(m.retries),
    retryInterval: str(m.retryInterval),
    paused: m.paused,
  };
}

/** A number as typed: empty is "not given" (the API's default applies), anything else is sent for the API to judge. */
function num(text: string): number | string | undefined {
  const t = text.trim();
  if (t === "") return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

/** "Name: value" lines; a line without a colon is sent as a name with an empty value, for the API to judge. */
function headersOf(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    const at = line.indexOf(":");
    if (at < 0) out[line.trim()] = "";
    else out[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return out;
}

/** A JSON value as typed, or the text itself when it is not JSON (`ok` means the string "ok"). */
function jsonValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * The request body. An edit starts from the stored monitor (so settings this form does not show —
 * regions, aggregation, … — are kept) and sends masked secrets back as they came: the API keeps
 * the stored secret for a mask it receives.
 */
function bodyOf(s: FormState, base: Monitor | null): Record<string, unknown> {
  const b: Record<string, unknown> = {};
  if (base) {
    for (const k of ["regions", "aggregation", "recoveryThreshold", "maxRedirects", "expectedMode"] as const) {
      if (base[k] !== null && base[k] !== undefined) b[k] = base[k];
    }
  }
  b.name = s.name;
  b.type = s.type;
  if (s.description.trim()) b.description = s.description;
  b.interval = num(s.interval);
  b.timeout = num(s.timeout);
  b.retries = num(s.retries);
  b.retryInterval = num(s.retryInterval) ?? null;
  b.parent = s.parent || null;
  b.channels = s.channels;
  b.paused = s.paused;
  switch (s.type) {
    case "http": {
      b.url = s.url;
      b.method = s.method;
      b.acceptedCodes = s.acceptedCodes;
      if (s.bodyCheck === "keyword") b.keyword = s.keyword;
      if (s.bodyCheck === "keywordAbsent") b.keywordAbsent = s.keyword;
      if (s.bodyCheck === "json") {
        b.jsonAssertion = s.jsonEquals.trim()
          ? { path: s.jsonPath, equals: jsonValue(s.jsonEquals) }
          : { path: s.jsonPath, exists: true };
      }
      b.headers = headersOf(s.headers);
      if (s.body) b.body = s.body;
      if (s.authKind === "basic") b.auth = { type: "basic", username: s.authUser, password: s.authSecret };
      if (s.authKind === "bearer") b.auth = { type: "bearer", token: s.authSecret };
      b.followRedirects = s.followRedirects;
      b.ignoreTls = s.ignoreTls;
      b.certExpiryDays = num(s.certExpiryDays);
      break;
    }
    case "tcp":
      b.hostname = s.hostname;
      b.port = num(s.port);
      break;
    case "tls":
      b.hostname = s.hostname;
      b.port = num(s.port);
      b.certExpiryDays = num(s.certExpiryDays);
      break;
    case "ping":
      b.hostname = s.hostname;
      b.pingCount = num(s.pingCount);
      break;
    case "dns":
      b.hostname = s.hostname;
      b.recordType = s.recordType;
      if (s.resolver.trim()) b.resolver = s.resolver.trim();
      b.expected = s.expected
        .split(/[\n,]/)
        .map((e) => e.trim())
        .filter(Boolean);
      break;
    case "push":
      if (s.token.trim()) b.token = s.token.trim();
      b.grace = num(s.grace) ?? null;
      break;
    case "group":
      break;
  }
  for (const k of Object.keys(b)) if (b[k] === undefined) delete b[k];
  return b;
}

const LABELS: Record<string, string> = {
  name: "Name",
  type: "Type",
  description: "Description",
  url: "URL",
  method: "Method",
  acceptedCodes: "Accepted status codes",
  keyword: "Keyword",
  keywordAbsent: "Keyword",
  jsonAssertion: "JSON path",
  headers: "Headers",
  body: "Request body",
  auth: "Authentication",
  certExpiryDays: "Certificate warning (days)",
  hostname: "Host name",
  port: "Port",
  recordType: "Record type",
  resolver: "Resolver",
  expected: "Expected answers",
  pingCount: "Pings per check",
  token: "Push token",
  grace: "Grace (seconds)",
  parent: "Parent group",
  channels: "Notification channels",
  interval: "Interval (seconds)",
  timeout: "Timeout (seconds)",
  retries: "Retries",
  retryInterval: "Retry interval (seconds)",
};

interface ChannelOption {
  id: number;
  name: string;
  type: string;
  default: boolean;
}

interface Props {
  id: number | null;
}

export function MonitorForm({ id }: Props) {
  const { can } = useSession();
  const title = id === null ? "New monitor" : "Edit monitor";
  if (!can("editor")) {
    return (
      <section>
        <h1>{title}</h1>
        <p className="notice" role="status">
          You cannot edit monitors: your role only lets you view them. Ask an admin for the editor role.
        </p>
        <p>
          <Link href={id === null ? "/" : `/monitors/${id}`}>Back</Link>
        </p>
      </section>
    );
  }
  return <EditorForm key={id ?? "new"} id={id} title={title} />;
}

function EditorForm({ id, title }: Props & { title: string }) {
  const [, navigate] = useLocation();
  const loaded = useLoad(async () => {
    const [monitors, channels, monitor] = await Promise.all([
      get<Monitor[]>("/api/monitors"),
      get<ChannelOption[]>("/api/channels"),
      id === null ? Promise.resolve(null) : get<Monitor>(`/api/monitors/${id}`),
    ]);
    return { monitors, channels, monitor };
  }, [id]);
  // null until the user types: the form shows the loaded monitor (or the defaults) from the first render.
  const [edited, setEdited] = useState<FormState | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const monitor = loaded.data?.monitor ?? null;

  if (loaded.loading && !loaded.data) {
    return (
      <section>
        <h1>{title}</h1>
        <p role="status">Loading…</p>
      </section>
    );
  }
  if (loaded.error) {
    return (
      <section>
        <h1>{title}</h1>
        <ErrorNotice error={loaded.error} />
      </section>
    );
  }

  const base = monitor ? stateOf(monitor) : EMPTY;
  const s = edited ?? base;
  const set = <K extends keyof FormState>(k: K, v: FormState[K]) =>
    setEdited((prev) => ({ ...(prev ?? base), [k]: v }));
  const text = (k: keyof FormState) => ({
    value: s[k] as string,
    onChange: (e: { target: { value: string } }) => set(k, e.target.value as never),
  });
  const errs = (...fields: string[]) => issuesFor(error, ...fields);
  const groups = (loaded.data?.monitors ?? []).filter((m) => m.type === "group" && m.id !== id);
  const channels = loaded.data?.channels ?? [];
  const hasHost = s.type === "tcp" || s.type === "ping" || s.type === "dns" || s.type === "tls";

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = bodyOf(s, monitor);
      const saved =
        id === null ? await post<Monitor>("/api/monitors", body) : await put<Monitor>(`/api/monitors/${id}`, body);
      navigate(`/monitors/${saved.id}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <h1>{id === null ? title : `Edit ${monitor?.name ?? "monitor"}`}</h1>
      <IssueSummary error={error} labels={LABELS} />
      <form className="form" onSubmit={submit} noValidate>
        <Field label="Name" errors={errs("name")}>
          <input required autoComplete="off" {...text("name")} />
        </Field>
        <Field label="Type" errors={errs("type")}>
          <select value={s.type} onChange={(e) => set("type", e.target.value as MonitorType)}>
            {TYPES.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Description" errors={errs("description")} hint="Optional; shown on the monitor's page.">
          <textarea rows={2} {...text("description")} />
        </Field>

        {s.type === "http" && (
          <fieldset>
            <legend>Request</legend>
            <Field label="URL" errors={errs("url")} hint="http:// or https://">
              <input type="text" inputMode="url" required placeholder="https://example.com/health" {...text("url")} />
            </Field>
            <div className="row-2">
              <Field label="Method" errors={errs("method")}>
                <select {...text("method")}>
                  {METHODS.map((m) => (
                    <option key={m}>{m}</option>
                  ))}
                </select>
              </Field>
              <Field label="Accepted status codes" errors={errs("acceptedCodes")} hint="e.g. 200-299,301">
                <input {...text("acceptedCodes")} />
              </Field>
            </div>
            <Field label="Check the response body" errors={[]}>
              <select value={s.bodyCheck} onChange={(e) => set("bodyCheck", e.target.value as BodyCheck)}>
                <option value="none">No: the status code is enough</option>
                <option value="keyword">It contains a keyword</option>
                <option value="keywordAbsent">It does not contain a keyword</option>
                <option value="json">A JSON value</option>
              </select>
            </Field>
            {(s.bodyCheck === "keyword" || s.bodyCheck === "keywordAbsent") && (
              <Field label="Keyword" errors={errs("keyword", "keywordAbsent")}>
                <input {...text("keyword")} />
              </Field>
            )}
            {s.bodyCheck === "json" && (
              <div className="row-2">
                <Field label="JSON path" errors={errs("jsonAssertion")} hint="e.g. status or data.items.0.ok">
                  <input {...text("jsonPath")} />
                </Field>
                <Field label="Equals" hint="A JSON value; empty: the path only has to exist" errors={[]}>
                  <input {...text("jsonEquals")} />
                </Field>
              </div>
            )}
            <Field label="Headers" errors={errs("headers")} hint="One per line, as Name: value">
              <textarea rows={2} {...text("headers")} />
            </Field>
            {s.method !== "GET" && s.method !== "HEAD" && (
              <Field label="Request body" errors={errs("body")}>
                <textarea rows={3} {...text("body")} />
              </Field>
            )}
            <Field label="Authentication" errors={errs("auth.type")}>
              <select value={s.authKind} onChange={(e) => set("authKind", e.target.value as AuthKind)}>
                <option value="none">None</option>
                <option value="basic">Basic (user and password)</option>
                <option value="bearer">Bearer token</option>
              </select>
            </Field>
            {s.authKind === "basic" && (
              <div className="row-2">
                <Field label="Auth user" errors={errs("auth.username")}>
                  <input autoComplete="off" {...text("authUser")} />
                </Field>
                <Field label="Auth password" errors={errs("auth.password")} hint="Stars: the stored one is kept">
                  <input type="password" autoComplete="new-password" {...text("authSecret")} />
                </Field>
              </div>
            )}
            {s.authKind === "bearer" && (
              <Field label="Bearer token" errors={errs("auth.token")} hint="Stars: the stored one is kept">
                <input type="password" autoComplete="new-password" {...text("authSecret")} />
              </Field>
            )}
            <label className="check">
              <input
                type="checkbox"
                checked={s.followRedirects}
                onChange={(e) => set("followRedirects", e.target.checked)}
              />
              Follow redirects
            </label>
            <label className="check">
              <input type="checkbox" checked={s.ignoreTls} onChange={(e) => set("ignoreTls", e.target.checked)} />
              Ignore TLS certificate errors
            </label>
          </fieldset>
        )}

        {hasHost && (
          <fieldset>
            <legend>Target</legend>
            <Field
              label={s.type === "dns" ? "Name to resolve" : "Host name"}
              errors={errs("hostname")}
              hint={s.type === "dns" ? undefined : "A host name or IP address"}
            >
              <input required autoComplete="off" {...text("hostname")} />
            </Field>
            {(s.type === "tcp" || s.type === "tls") && (
              <Field label="Port" errors={errs("port")} hint={s.type === "tls" ? "Default 443" : undefined}>
                <input type="number" inputMode="numeric" {...text("port")} />
              </Field>
            )}
            {s.type === "ping" && (
              <Field label="Pings per check" errors={errs("pingCount")}>
                <input type="number" inputMode="numeric" {...text("pingCount")} />
              </Field>
            )}
            {s.type === "dns" && (
              <>
                <div className="row-2">
                  <Field label="Record type" errors={errs("recordType")}>
                    <select {...text("recordType")}>
                      {RECORD_TYPES.map((r) => (
                        <option key={r}>{r}</option>
                      ))}
                    </select>
                  </Field>
                  <Field label="Resolver" errors={errs("resolver")} hint="Optional, e.g. 1.1.1.1:53">
                    <input {...text("resolver")} />
                  </Field>
                </div>
                <Field label="Expected answers" errors={errs("expected")} hint="Optional; one per line">
                  <textarea rows={2} {...text("expected")} />
                </Field>
              </>
            )}
          </fieldset>
        )}

        {(s.type === "http" || s.type === "tls") && (
          <Field
            label="Certificate warning (days)"
            errors={errs("certExpiryDays")}
            hint="Warn when the certificate expires within this many days"
          >
            <input type="number" inputMode="numeric" {...text("certExpiryDays")} />
          </Field>
        )}

        {s.type === "push" && (
          <fieldset>
            <legend>Push</legend>
            <Field label="Push token" errors={errs("token")} hint="Optional: 16-128 letters, digits, _ or -">
              <input autoComplete="off" {...text("token")} />
            </Field>
            <Field label="Grace (seconds)" errors={errs("grace")} hint="How late a push may be before it is LATE">
              <input type="number" inputMode="numeric" {...text("grace")} />
            </Field>
          </fieldset>
        )}

        <fieldset>
          <legend>Schedule</legend>
          <div className="row-2">
            <Field label="Interval (seconds)" errors={errs("interval")} hint="At least 5">
              <input type="number" inputMode="numeric" required {...text("interval")} />
            </Field>
            <Field label="Timeout (seconds)" errors={errs("timeout")} hint="Less than the interval; empty: default">
              <input type="number" inputMode="decimal" {...text("timeout")} />
            </Field>
            <Field label="Retries" errors={errs("retries")} hint="Failed checks before DOWN">
              <input type="number" inputMode="numeric" {...text("retries")} />
            </Field>
            <Field label="Retry interval (seconds)" errors={errs("retryInterval")} hint="Empty: the interval">
              <input type="number" inputMode="numeric" {...text("retryInterval")} />
            </Field>
          </div>
          <label className="check">
            <input type="checkbox" checked={s.paused} onChange={(e) => set("paused", e.target.checked)} />
            Paused
          </label>
        </fieldset>

        <Field label="Parent group" errors={errs("parent")}>
          <select {...text("parent")}>
            <option value="">None</option>
            {groups.map((g) => (
              <option key={g.id} value={g.name}>
                {g.name}
              </option>
            ))}
          </select>
        </Field>

        <fieldset aria-describedby={errs("channels").length ? "channels-error" : undefined}>
          <legend>Notification channels</legend>
          {channels.length === 0 && <p className="hint">No channels yet.</p>}
          {channels.map((c) => (
            <label className="check" key={c.id}>
              <input
                type="checkbox"
                checked={s.channels.includes(c.name)}
                onChange={(e) =>
                  set("channels", e.target.checked ? [...s.channels, c.name] : s.channels.filter((n) => n !== c.name))
                }
              />
              {c.name}{" "}
              <span className="muted">
                ({c.type}
                {c.default ? ", default: always notified" : ""})
              </span>
            </label>
          ))}
          {errs("channels").length > 0 && (
            <p className="error" id="channels-error">
              {errs("channels").join("; ")}
            </p>
          )}
        </fieldset>

        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? "Saving…" : id === null ? "Create monitor" : "Save changes"}
          </button>
          <Link href={id === null ? "/" : `/monitors/${id}`}>Cancel</Link>
        </div>
      </form>
    </section>
  );
}
