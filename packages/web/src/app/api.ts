/** A field the server refused, as the API's VALIDATION error lists them. */
export interface FieldIssue {
  field: string;
  message: string;
}

/** An API answer that was not 2xx, with the server's code and message (and field issues on a 400). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** The issues of one field (a form shows them under that field); `field` may name a nested path prefix. */
  issuesOf(field: string): FieldIssue[] {
    return this.issues.filter((i) => i.field === field || i.field.startsWith(`${field}.`));
  }
}

let csrfToken: string | null = null;
let onUnauthorized: (() => void) | null = null;

/** The session's CSRF token, sent on every request that changes something. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when a request comes back 401: the session ended (expired, revoked, signed out elsewhere). */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

const SAFE = new Set(["GET", "HEAD"]);

async function errorOf(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // Not JSON (a proxy's page): the status says enough.
  }
  const e = (body as { error?: { code?: string; message?: string; details?: { issues?: FieldIssue[] } } } | null)
    ?.error;
  return new ApiError(
    res.status,
    e?.code ?? `HTTP_${res.status}`,
    e?.message ?? `${res.status} ${res.statusText}`,
    e?.details?.issues ?? [],
  );
}

/**
 * One call to the leader's API with the session cookie. JSON in, JSON out; a body-less answer
 * (204) gives undefined. Throws ApiError for any non-2xx.
 */
export async function api<T>(
  method: string,
  path: string,
  body?: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json", ...extraHeaders };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (!SAFE.has(method) && csrfToken) headers["X-CSRF-Token"] = csrfToken;
  const res = await fetch(path, {
    method,
    headers,
    credentials: "same-origin",
    body: body === undefined ? null : JSON.stringify(body),
  });
  if (!res.ok) {
    const err = await errorOf(res);
    if (res.status === 401 && !path.startsWith("/api/auth/")) onUnauthorized?.();
    throw err;
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const get = <T>(path: string) => takeEarly<T>(path) ?? api<T>("GET", path);
export const post = <T>(path: string, body?: unknown) => api<T>("POST", path, body ?? {});
export const put = <T>(path: string, body: unknown) => api<T>("PUT", path, body);
export const del = <T = void>(path: string) => api<T>("DELETE", path);

/** What an error says to a person: the server's message, or the network's. */
export function messageOf(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}

const early = new Map<string, Promise<unknown>>();

/**
 * Starts GETs before React renders (the session check and the first page's reads go out together,
 * not one after the other); `get` takes such an answer once, if it came back fine.
 */
export function prefetch(paths: readonly string[]): void {
  for (const path of paths) {
    const p = api<unknown>("GET", path);
    p.catch(() => undefined);
    early.set(path, p);
  }
}

function takeEarly<T>(path: string): Promise<T> | null {
  const p = early.get(path);
  if (!p) return null;
  early.delete(path);
  // A read refused before sign-in is asked again; the session check's own answer stands.
  return p.then(
    (v) => v as T,
    (err: unknown) => (path.startsWith("/api/auth/") ? Promise.reject(err) : api<T>("GET", path)),
  );
}
