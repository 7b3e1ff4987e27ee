import { DEFAULT_REGION, VERSION, type Logger } from "@uptop/core";
import axios, { type AxiosInstance, type AxiosResponse } from "axios";
import type { z } from "zod";
import { backoffDelayMs, sleep } from "./backoff.js";
import { ClusterRequestError, ClusterResponseError, ClusterUnavailableError } from "./errors.js";
import { NODE_HEADER, PROTOCOL_HEADER, PROTOCOL_VERSION, SECRET_HEADER } from "./headers.js";
import { seal, open } from "./sealed-body.js";
import { assignmentsResponseSchema, type AssignmentsResponse } from "./schemas/assignments.js";
import { configMirrorSchema, sealedBodySchema, type ConfigMirror } from "./schemas/config-mirror.js";
import { feedAnswerSchema, type FeedAnswer } from "./schemas/feed.js";
import { handbackResponseSchema, handbackSchema, type Handback, type HandbackResponse } from "./schemas/handback.js";
import { healthResponseSchema, type HealthResponse } from "./schemas/health.js";
import { registerResponseSchema, type RegisterRequest, type RegisterResponse } from "./schemas/register.js";
import { resultsResponseSchema, type ResultItem, type ResultsResponse } from "./schemas/results.js";
import {
  witnessReportSchema,
  witnessResponseSchema,
  type WitnessReport,
  type WitnessResponse,
} from "./schemas/witness.js";

export interface ClusterClientOptions {
  /** Leader first, then follower(s): the client fails over along this list. */
  peerUrls: readonly string[];
  secret: string | null;
  nodeId: string;
  name?: string;
  region?: string;
  role?: RegisterRequest["role"];
  version?: string;
  /** Per attempt, connection and answer together. Default 10 s. */
  timeoutMs?: number;
  /** Health polls are single attempts with their own, shorter timeout. Default 2 s. */
  healthTimeoutMs?: number;
  /** Attempts per call across all peers. Default 3 per peer, at least 3. */
  maxAttempts?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  logger?: Logger;
  /** Told of every 2xx/304 answer, with the peer that gave it (a probe's proof the leader is alive). */
  onAnswer?(peerUrl: string): void;
}

export type AssignmentsResult = { notModified: true } | { notModified: false; etag: string; body: AssignmentsResponse };

interface Call<T> {
  method: "GET" | "POST";
  path: string;
  schema: z.ZodType<T>;
  data?: unknown;
  headers?: Record<string, string>;
  params?: Record<string, string>;
  /** Overrides the client's per-attempt timeout (a long poll is held open by design). */
  timeoutMs?: number;
  /** Overrides the client's attempts (a long poll is simply asked again by its loop). */
  attempts?: number;
  /** Always the first peer, and no failing over along the list. */
  leaderOnly?: boolean;
  /** Abandons the call (its caller is stopping). */
  signal?: AbortSignal;
}

type Answer<T> = { status: 304; url: string } | { status: number; url: string; body: T; etag: string | undefined };

/**
 * The probe's and follower's side of every cluster call. Each call has a timeout; network errors,
 * timeouts and 5xx (a standby follower answers 503) are retried with jittered backoff and fail
 * over along `peerUrls`, sticking to whichever peer answered last. A 4xx is final and surfaces as
 * ClusterRequestError carrying the server's message.
 */
export class ClusterClient {
  private readonly http: AxiosInstance;
  private readonly peers: readonly string[];
  private current = 0;
  private readonly maxAttempts: number;

  constructor(private readonly options: ClusterClientOptions) {
    if (options.peerUrls.length === 0) throw new RangeError("ClusterClient needs at least one peer URL");
    this.peers = options.peerUrls.map((u) => u.replace(/\/+$/, ""));
    this.maxAttempts = options.maxAttempts ?? Math.max(3, this.peers.length * 3);
    const headers: Record<string, string> = { [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) };
    if (options.secret) headers[SECRET_HEADER] = options.secret;
    this.http = axios.create({
      headers,
      // Every status is an answer to classify here, not an exception thrown by axios.
      validateStatus: () => true,
      maxRedirects: 0,
      proxy: false,
    });
  }

  /** The peer the next call goes to first. */
  get currentPeer(): string {
    return this.peers[this.current] as string;
  }

  register(): Promise<RegisterResponse> {
    const o = this.options;
    const body: RegisterRequest = {
      nodeId: o.nodeId,
      name: o.name ?? o.nodeId,
      region: o.region ?? DEFAULT_REGION,
      version: o.version ?? VERSION,
      role: o.role ?? "probe",
    };
    return this.call({ method: "POST", path: "/api/probe/register", data: body, schema: registerResponseSchema }).then(
      bodyOf,
    );
  }

  async assignments(etag?: string): Promise<AssignmentsResult> {
    const headers: Record<string, string> = { [NODE_HEADER]: this.options.nodeId };
    if (etag) headers["If-None-Match"] = etag;
    const answer = await this.call({
      method: "GET",
      path: "/api/probe/assignments",
      params: { region: this.options.region ?? DEFAULT_REGION },
      headers,
      schema: assignmentsResponseSchema,
    });
    if (!("body" in answer)) return { notModified: true };
    return { notModified: false, etag: answer.body.etag || answer.etag || "", body: answer.body };
  }

  postResults(results: readonly ResultItem[]): Promise<ResultsResponse> {
    return this.call({
      method: "POST",
      path: "/api/probe/results",
      data: { nodeId: this.options.nodeId, results },
      schema: resultsResponseSchema,
    }).then(bodyOf);
  }

  /**
   * One unretried health poll of `url` (default: the current peer). Returns the body for 200 and
   * for a 503 that still describes itself (a standby or draining node); throws otherwise.
   */
  async health(url?: string): Promise<HealthResponse> {
    const base = (url ?? this.currentPeer).replace(/\/+$/, "");
    const timeoutMs = this.options.healthTimeoutMs ?? 2000;
    let res: AxiosResponse<unknown>;
    try {
      res = await axios.get(`${base}/api/health`, {
        timeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
        validateStatus: () => true,
        maxRedirects: 0,
        proxy: false,
      });
    } catch (err) {
      throw new ClusterUnavailableError("/api/health", [{ url: base, reason: describe(err) }]);
    }
    const parsed = healthResponseSchema.safeParse(res.data);
    if (parsed.success && (res.status === 200 || res.status === 503)) return parsed.data;
    if (res.status >= 500)
      throw new ClusterUnavailableError("/api/health", [{ url: base, reason: `status ${res.status}` }]);
    throw requestError(res, base);
  }

  /** Fetches and opens the leader's sealed configuration (follower). */
  async getConfig(): Promise<ConfigMirror> {
    const answer = await this.call({ method: "GET", path: "/api/cluster/config", schema: sealedBodySchema });
    return open(this.options.secret, bodyOf(answer).sealed, configMirrorSchema);
  }

  /**
   * The leader's changes after `after` (follower): held open up to `waitMs` until there is one.
   * One attempt against the leader only; the caller's loop asks again.
   */
  async feed(q: { feedId: string; after: number; waitMs: number; signal?: AbortSignal }): Promise<FeedAnswer> {
    const answer = await this.call({
      method: "GET",
      path: "/api/cluster/feed",
      params: { feed: q.feedId, after: String(q.after), wait: String(q.waitMs) },
      schema: sealedBodySchema,
      timeoutMs: q.waitMs + (this.options.timeoutMs ?? 10_000),
      attempts: 1,
      leaderOnly: true,
      ...(q.signal ? { signal: q.signal } : {}),
    });
    return open(this.options.secret, bodyOf(answer).sealed, feedAnswerSchema);
  }

  /** Seals and posts what this node did while it led (follower standing down). */
  async handback(body: Handback): Promise<HandbackResponse> {
    const sealed = seal(this.options.secret, handbackSchema.parse(body));
    return this.call({
      method: "POST",
      path: "/api/cluster/handback",
      data: { sealed },
      schema: handbackResponseSchema,
    }).then(bodyOf);
  }

  /**
   * Posts a witness report to one peer, once: the report speaks of that peer's view, and the next
   * one replaces it within seconds, so it is neither retried nor sent along the peer list.
   */
  async reportWitness(url: string, report: WitnessReport): Promise<WitnessResponse> {
    const base = url.replace(/\/+$/, "");
    const call: Call<WitnessResponse> = {
      method: "POST",
      path: "/api/cluster/witness",
      data: witnessReportSchema.parse(report),
      schema: witnessResponseSchema,
    };
    const answer = await this.attempt(base, call, this.options.healthTimeoutMs ?? 2000);
    if (typeof answer === "string") throw new ClusterUnavailableError(call.path, [{ url: base, reason: answer }]);
    return bodyOf(answer);
  }

  private async call<T>(call: Call<T>): Promise<Answer<T>> {
    const timeoutMs = call.timeoutMs ?? this.options.timeoutMs ?? 10_000;
    const attempts: Array<{ url: string; reason: string }> = [];
    for (let attempt = 0; attempt < (call.attempts ?? this.maxAttempts); attempt++) {
      const url = call.leaderOnly ? this.peers[0]! : this.currentPeer;
      const answer = await this.attempt(url, call, timeoutMs);
      if (typeof answer !== "string") return answer;
      attempts.push({ url, reason: answer });
      // A leader-only call (the follower's feed) is its caller's loop to report and repeat.
      if (call.leaderOnly) continue;
      this.options.logger?.warn("cluster call failed", { url, path: call.path, attempt: attempt + 1, reason: answer });
      this.current = (this.current + 1) % this.peers.length;
      const roundDone = (attempt + 1) % this.peers.length === 0;
      if (roundDone && attempt + 1 < this.maxAttempts) {
        // Try every peer once before waiting: a dead leader should not delay reaching the follower.
        await sleep(
          backoffDelayMs(
            Math.floor(attempt / this.peers.length),
            this.options.backoffBaseMs ?? 250,
            this.options.backoffMaxMs ?? 5000,
          ),
        );
      }
    }
    throw new ClusterUnavailableError(call.path, attempts);
  }

  /**
   * One request to `url`: the answer for 2xx/304, a thrown error for a final refusal (4xx, or a
   * 2xx off the protocol), and the reason as a string for what is worth retrying elsewhere.
   */
  private async attempt<T>(url: string, call: Call<T>, timeoutMs: number): Promise<Answer<T> | string> {
    let res: AxiosResponse<unknown>;
    try {
      res = await this.http.request({
        method: call.method,
        baseURL: url,
        url: call.path,
        data: call.data,
        params: call.params,
        headers: call.headers,
        timeout: timeoutMs,
        // axios's timeout does not cover a connect that hangs; the signal does.
        signal: call.signal
          ? AbortSignal.any([call.signal, AbortSignal.timeout(timeoutMs)])
          : AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      return describe(err) || "no answer";
    }
    if (res.status === 304) {
      this.options.onAnswer?.(url);
      return { status: 304, url };
    }
    if (res.status >= 200 && res.status < 300) {
      const parsed = call.schema.safeParse(res.data);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const what = `${issue?.path.join(".") ?? ""} ${issue?.message ?? ""}`;
        throw new ClusterResponseError(`${url}${call.path}`, `answer does not match the protocol: ${what}`);
      }
      this.options.onAnswer?.(url);
      const etag = res.headers.etag;
      return { status: res.status, url, body: parsed.data, etag: typeof etag === "string" ? etag : undefined };
    }
    if (res.status < 500) throw requestError(res, `${url}${call.path}`);
    return `status ${res.status}${serverMessage(res.data) ? `: ${serverMessage(res.data)}` : ""}`;
  }
}

function bodyOf<T>(answer: Answer<T>): T {
  if (!("body" in answer)) throw new ClusterResponseError(answer.url, "answered 304 to a call that needs a body");
  return answer.body;
}

function serverMessage(data: unknown): string | undefined {
  if (data && typeof data === "object" && "error" in data) {
    const e = (data as { error: unknown }).error;
    if (e && typeof e === "object" && "message" in e && typeof e.message === "string") return e.message;
  }
  return typeof data === "string" && data.length < 300 ? data : undefined;
}

function requestError(res: AxiosResponse<unknown>, url: string): ClusterRequestError {
  const data = res.data as { error?: { code?: unknown; details?: unknown } } | undefined;
  const code = typeof data?.error?.code === "string" ? data.error.code : `HTTP_${res.status}`;
  return new ClusterRequestError(
    res.status,
    code,
    serverMessage(res.data) ?? (res.statusText || "request refused"),
    url,
    data?.error?.details,
  );
}

function describe(err: unknown): string {
  if (axios.isAxiosError(err)) return err.code ? `${err.code}: ${err.message}` : err.message;
  return err instanceof Error ? err.message : String(err);
}
