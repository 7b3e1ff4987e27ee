import { CliExit, EXIT } from "./exit-codes.js";

export interface ApiErrorBody {
  error?: { code?: string; message?: string; details?: unknown };
}

/** The server answered with an error status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(body.error?.message ?? `HTTP ${status}`);
  }

  /** 400 means the request (the config) is wrong: a usage error for scripts; the rest are failures. */
  get exitCode(): number {
    return this.status === 400 || this.status === 413 ? EXIT.usage : EXIT.failure;
  }
}

export interface ApiClient {
  readonly server: string;
  get(path: string): Promise<Response>;
  getJson<T>(path: string): Promise<T>;
  postJson<T>(path: string, body: unknown): Promise<T>;
  /** POST without a body (an action such as pause or test) and read the JSON answer. */
  postAction<T>(path: string): Promise<T>;
  delete(path: string): Promise<void>;
  /** Any method; the parsed JSON answer, or null for an answer without a body (204). */
  send<T>(method: string, path: string, body?: unknown): Promise<T | null>;
}

export function createApiClient(server: string, token: string | undefined): ApiClient {
  const base = server.replace(/\/+$/, "");
  async function call(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    let res: Response;
    try {
      res = await fetch(base + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(60_000),
      });
    } catch (err) {
      const c = (err as { cause?: { code?: string; message?: string; errors?: Array<{ code?: string }> } }).cause;
      const cause = c?.code ?? c?.errors?.[0]?.code ?? c?.message ?? (err as Error).message;
      throw new CliExit(EXIT.failure, `cannot reach ${base}: ${cause}`);
    }
    if (!res.ok) {
      const text = await res.text();
      let parsed: ApiErrorBody = {};
      try {
        parsed = JSON.parse(text) as ApiErrorBody;
      } catch {
        parsed = { error: { message: `HTTP ${res.status}: ${text.slice(0, 200)}` } };
      }
      throw new ApiError(res.status, parsed);
    }
    return res;
  }
  return {
    server: base,
    get: (path) => call("GET", path),
    async getJson<T>(path: string) {
      return (await (await call("GET", path)).json()) as T;
    },
    async postJson<T>(path: string, body: unknown) {
      return (await (await call("POST", path, body)).json()) as T;
    },
    async postAction<T>(path: string) {
      return (await (await call("POST", path)).json()) as T;
    },
    async delete(path: string) {
      await (await call("DELETE", path)).arrayBuffer();
    },
    async send<T>(method: string, path: string, body?: unknown) {
      const res = await call(method, path, body);
      const text = await res.text();
      return text === "" ? null : (JSON.parse(text) as T);
    },
  };
}
