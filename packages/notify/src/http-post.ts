import http from "node:http";
import https from "node:https";
import axios, { type AxiosError } from "axios";
import { pinnedLookup } from "@uptop/ssrf-guard";
import { truncateAnswer } from "./answer-text.js";
import { DeliveryError, isRetryableStatus } from "./delivery-error.js";
import type { ProviderResult, SendContext } from "./provider.js";
import { vetReceiver } from "./receiver-guard.js";

export interface HttpPost {
  url: string;
  /** Sent as is, so a signature computed over it matches the bytes on the wire. */
  body: string;
  contentType: string;
  headers?: Record<string, string>;
  basicAuth?: { username: string; password: string };
}

/** Provider answers are small; a huge body means something else is answering. */
const MAX_ANSWER_BYTES = 1024 * 1024;
const MAX_SAME_HOST_REDIRECTS = 3;

export function jsonPost(
  url: string,
  value: unknown,
  extra: Omit<HttpPost, "url" | "body" | "contentType"> = {},
): HttpPost {
  return { url, body: JSON.stringify(value), contentType: "application/json", ...extra };
}

/**
 * POSTs one notification. Resolves with the provider's answer on 2xx; otherwise throws a
 * DeliveryError that says whether a retry can help. Error messages name only the target's
 * origin, never its path or query: webhook URLs and bot tokens live there.
 *
 * The receiver's host passes the SSRF guard first, and the connection goes to the address it
 * vetted (a pinned lookup, kept across same-origin redirects); proxies from the environment are
 * ignored because a proxy would resolve the name again, out of the guard's sight.
 */
export async function sendHttp(provider: string, req: HttpPost, ctx: SendContext): Promise<ProviderResult> {
  const target = new URL(req.url);
  const where = `${provider} (${target.origin})`;
  const deadline = AbortSignal.timeout(ctx.timeoutMs);
  const signal = ctx.signal ? AbortSignal.any([ctx.signal, deadline]) : deadline;
  let crossHostRedirect: string | undefined;

  try {
    const lookup = pinnedLookup(await vetReceiver(where, target.hostname, ctx, signal));
    const res = await axios.request<string>({
      method: "POST",
      url: req.url,
      data: req.body,
      headers: { "Content-Type": req.contentType, "User-Agent": "uptop-notify", ...req.headers },
      ...(req.basicAuth ? { auth: req.basicAuth } : {}),
      timeout: ctx.timeoutMs,
      signal,
      proxy: false,
      // Agents of this send only: every socket it opens, redirects included, dials the vetted address.
      httpAgent: new http.Agent({ lookup }),
      httpsAgent: new https.Agent({ lookup }),
      // The answer is kept as text; parsing it is not our business and must not throw.
      responseType: "text",
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      maxContentLength: MAX_ANSWER_BYTES,
      maxBodyLength: MAX_ANSWER_BYTES,
      maxRedirects: MAX_SAME_HOST_REDIRECTS,
      // A redirect to another host could carry the payload (and its auth) somewhere the user
      // never configured; only moves within the same origin are followed.
      beforeRedirect: (options: Record<string, unknown>) => {
        const next = `${String(options.protocol)}//${String(options.host ?? options.hostname)}`;
        const nextOrigin = URL.canParse(next) ? new URL(next).origin : next;
        if (nextOrigin !== target.origin) {
          crossHostRedirect = nextOrigin;
          throw new Error("redirect to another host refused");
        }
      },
    });
    const body = typeof res.data === "string" ? res.data : "";
    const answer = truncateAnswer(`HTTP ${res.status}${body.trim() ? ` ${body}` : ""}`);
    if (res.status >= 200 && res.status < 300) return { response: answer };
    throw new DeliveryError(`${where} answered ${answer}`, {
      retryable: isRetryableStatus(res.status),
      status: res.status,
      response: answer,
    });
  } catch (err) {
    if (err instanceof DeliveryError) throw err;
    if (crossHostRedirect !== undefined) {
      throw new DeliveryError(`${where} redirected to another host (${crossHostRedirect}); not followed`, {
        retryable: false,
      });
    }
    if (deadline.aborted || isTimeout(err)) {
      throw new DeliveryError(`${where} did not answer within ${ctx.timeoutMs} ms`, { retryable: true });
    }
    if (ctx.signal?.aborted) throw new DeliveryError(`${where}: send aborted`, { retryable: true });
    const code = (err as AxiosError).code;
    if (code === "ERR_FR_TOO_MANY_REDIRECTS") {
      throw new DeliveryError(`${where} redirected too many times`, { retryable: false });
    }
    throw new DeliveryError(`${where} could not be reached (${code ?? "network error"})`, { retryable: true });
  }
}

function isTimeout(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === "ECONNABORTED" || code === "ETIMEDOUT";
}

/** Joins a base URL the user may have written with or without a trailing slash. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
}
