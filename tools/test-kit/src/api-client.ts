/** The admin token test servers and processes are started with. */
export const ADMIN_TOKEN = "test-admin-token-0123456789";

/** A fetch init, plus the bearer token to send: the admin token unless given; null sends none. */
export type ApiInit = RequestInit & { token?: string | null };
export type ApiClient = (path: string, init?: ApiInit) => Promise<Response>;

/**
 * Requests to one server as its admin: `Authorization: Bearer <token>`, and a body sent as
 * JSON unless the init names another Content-Type.
 */
export function apiClient(origin: string, token: string = ADMIN_TOKEN): ApiClient {
  return (path, init = {}) => {
    const { token: sent = token, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (sent !== null) headers.set("authorization", `Bearer ${sent}`);
    if (rest.body !== undefined && !headers.has("content-type")) headers.set("content-type", "application/json");
    return fetch(origin + path, { ...rest, headers });
  };
}
