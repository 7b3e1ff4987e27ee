import { createHash } from "node:crypto";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import type { StatusPageData } from "./status-page-data.js";
import { renderStatusPage } from "./status-page-html.js";

const gzipAsync = promisify(gzip);

/** One representation of the page, in both encodings, with a strong validator for each. */
export interface EncodedBody {
  readonly identity: Buffer;
  readonly gzip: Buffer;
  readonly etag: string;
  readonly gzipEtag: string;
}

/**
 * One build of the page, rendered and compressed once: every visitor until the next build gets
 * these. `data` null: the page was switched off as of this build.
 */
export type StatusPageBodies =
  | {
      readonly data: StatusPageData;
      readonly html: EncodedBody;
      /** The page that reloads itself every minute, for a reader who asked: rendered on first request. */
      readonly autoRefreshHtml: () => Promise<EncodedBody>;
      readonly json: EncodedBody;
      /** When the build started: the data is as of this instant. */
      readonly builtAtMs: number;
    }
  | { readonly data: null; readonly builtAtMs: number };

export interface StatusPageSnapshotOptions {
  /** Runs the queries for one build (null: the page is off); called at most once at a time. */
  build: (now: Date) => Promise<StatusPageData | null>;
  now: () => Date;
  /** A snapshot younger than this is served without a rebuild. */
  refreshMs: number;
  /**
   * A snapshot older than this is not served while a rebuild runs: the request waits for the
   * rebuild, so the first visitor after a quiet hour does not read hour-old news.
   */
  maxStaleMs: number;
  /** A rebuild failed while an older snapshot could still be served. */
  onStaleServed?: (err: unknown) => void;
}

async function encode(text: string): Promise<EncodedBody> {
  const identity = Buffer.from(text);
  const hash = createHash("sha1").update(identity).digest("base64url");
  // The page is mostly repeated markup (a 1 MB page of 200 monitors is 32 kB gzipped), and
  // compressing off the event loop once per build is far cheaper than sending it raw each time.
  return { identity, gzip: await gzipAsync(identity), etag: `"${hash}"`, gzipEtag: `"${hash}-gzip"` };
}

async function render(data: StatusPageData | null, builtAtMs: number): Promise<StatusPageBodies> {
  if (data === null) return { data, builtAtMs };
  const [html, json] = await Promise.all([encode(renderStatusPage(data)), encode(JSON.stringify(data))]);
  let autoRefresh: Promise<EncodedBody> | null = null;
  const autoRefreshHtml = () => {
    autoRefresh ??= encode(renderStatusPage(data, { autoRefresh: true }));
    return autoRefresh;
  };
  return { data, html, autoRefreshHtml, json, builtAtMs };
}

/**
 * The public page as an in-memory snapshot: however many visitors arrive, the database sees at
 * most one build per `refreshMs` (one at a time; a failed build also waits that long before the
 * next try), and every visitor gets bytes rendered and compressed once. A stale snapshot is
 * served while the rebuild runs; only the first request, or one finding the snapshot older than
 * `maxStaleMs`, waits.
 */
export class StatusPageSnapshot {
  private current: StatusPageBodies | null = null;
  private running: Promise<StatusPageBodies> | null = null;
  private lastAttemptMs = Number.NEGATIVE_INFINITY;
  private lastError: unknown = null;
  /** Bumped by `invalidate`: a build started before it must not become the snapshot. */
  private generation = 0;

  constructor(private readonly o: StatusPageSnapshotOptions) {}

  get(): Promise<StatusPageBodies> {
    const nowMs = this.o.now().getTime();
    const current = this.current;
    if (current && nowMs - current.builtAtMs < this.o.refreshMs) return Promise.resolve(current);
    const due = nowMs - this.lastAttemptMs >= this.o.refreshMs;
    if (!this.running && !due) {
      // The last attempt failed less than an interval ago: answer from what we have.
      if (current) return Promise.resolve(current);
      return Promise.reject(this.lastError);
    }
    const rebuild = this.running ?? this.rebuild(nowMs);
    if (current && nowMs - current.builtAtMs < this.o.maxStaleMs) return Promise.resolve(current);
    return rebuild;
  }

  /**
   * Forgets the snapshot (the settings changed): the next visitor waits for a build that starts
   * after this call, even while an older one is still running.
   */
  invalidate(): void {
    this.generation++;
    this.current = null;
    this.running = null;
    this.lastAttemptMs = Number.NEGATIVE_INFINITY;
  }

  private rebuild(nowMs: number): Promise<StatusPageBodies> {
    this.lastAttemptMs = nowMs;
    const run: Promise<StatusPageBodies> = this.buildOnce(nowMs, this.generation).finally(() => {
      if (this.running === run) this.running = null;
    });
    this.running = run;
    // Nobody may be waiting for a background rebuild; a failure is handled in buildOnce.
    run.catch(() => {});
    return run;
  }

  private async buildOnce(nowMs: number, generation: number): Promise<StatusPageBodies> {
    try {
      const data = await this.o.build(new Date(nowMs));
      const bodies = await render(data, nowMs);
      if (generation !== this.generation) return bodies;
      this.current = bodies;
      this.lastError = null;
      return bodies;
    } catch (err) {
      if (generation !== this.generation) throw err;
      this.lastError = err;
      if (!this.current) throw err;
      // Old news beats an error page, whatever its age.
      this.o.onStaleServed?.(err);
      return this.current;
    }
  }
}
