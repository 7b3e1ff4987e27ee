/** Raised inside a check when its deadline passes or the caller aborts. */
export class DeadlineError extends Error {
  constructor(readonly byCaller: boolean) {
    super(byCaller ? "check aborted" : "check timed out");
  }
}

/**
 * One time budget for a whole check (every redirect, the body read), merged with the caller's
 * AbortSignal. `race` turns steps that cannot take a signal (a lookup) into abortable ones.
 */
export class Deadline {
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly external: AbortSignal | undefined;
  private readonly onExternalAbort = () => this.controller.abort(new DeadlineError(true));

  constructor(
    readonly timeoutMs: number,
    external?: AbortSignal,
  ) {
    this.signal = this.controller.signal;
    this.external = external;
    this.timer = setTimeout(() => this.controller.abort(new DeadlineError(false)), timeoutMs);
    if (external) {
      if (external.aborted) this.onExternalAbort();
      else external.addEventListener("abort", this.onExternalAbort, { once: true });
    }
  }

  get error(): DeadlineError | undefined {
    return this.signal.aborted ? (this.signal.reason as DeadlineError) : undefined;
  }

  race<T>(promise: Promise<T>): Promise<T> {
    if (this.signal.aborted) return Promise.reject(this.signal.reason as Error);
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(this.signal.reason as Error);
      this.signal.addEventListener("abort", onAbort, { once: true });
      promise.then(
        (v) => {
          this.signal.removeEventListener("abort", onAbort);
          resolve(v);
        },
        (e: unknown) => {
          this.signal.removeEventListener("abort", onAbort);
          reject(e as Error);
        },
      );
    });
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.external?.removeEventListener("abort", this.onExternalAbort);
  }
}

export function timeoutMessage(deadline: Deadline): string {
  return deadline.error?.byCaller ? "check aborted" : `no answer within ${deadline.timeoutMs / 1000} s`;
}
