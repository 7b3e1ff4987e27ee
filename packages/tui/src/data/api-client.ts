import type { FieldIssue } from "@uptop/core";

/** The server refused a request, or could not be reached (status 0). */
export class DashboardApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
    this.name = "DashboardApiError";
  }
}

export interface DashboardApi {
  readonly baseUrl: string;
  readonly token: string;
  get<T>(path: string): Promise<T>;
  send<T>(method: "POST" | "PUT" | "PATCH" | "DELETE", path: string, body?: unknown): Promise<T>;
}

interface ErrorBody {
  error?: { code?: string; message?: string; details?: { issues?: FieldIssue[] } };
}

const TIMEOUT_MS = 30_000;

export function createDashboardApi(baseUrl: string, token: string): DashboardApi {
  const base = baseUrl.replace(/\/+$/, "");
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    let res: Response;
    try {
      res = await fetch(base + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
      throw new DashboardApiError(0, "UNREACHABLE", `cannot reach ${base}: ${cause}`);
    }
    const text = await res.text();
    if (!res.ok) {
      let parsed: ErrorBody = {};
      try {
        parsed = JSON.parse(text) as ErrorBody;
      } catch {
        // A proxy's HTML page or an empty body: the status says enough.
      }
      throw new DashboardApiError(
        res.status,
        parsed.error?.code ?? `HTTP_${res.status}`,
        parsed.error?.message ?? `HTTP ${res.status}`,
        parsed.error?.details?.issues ?? [],
      );
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }
  return {
    baseUrl: base,
    token,
    get: (path) => call("GET", path),
    send: (method, path, body) => call(method, path, body),
  };
}
