/** Raised inside a check when its deadline passes or the caller aborts. */
export class DeadlineError extends Error {
  constructor(readonly byCaller: boolean) {
    super(byCaller ? "check aborted" : "check timed out");
  }
}

/**
 * The part of AbortSignal the steps of a check use. A Deadline is one without building an
 * AbortController and its EventTarget for every check (they showed up in profiles); an
 * AbortSignal fits it too.
 */
export interface AbortSource {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

/**
 * One time budget for a whole check (every redirect, the body read), merged with the caller's
 * AbortSignal. `race` turns steps that cannot take a signal (a lookup) into abortable ones.
 * The clock starts when the deadline is made: a check makes it when its own work starts, so
 * time spent queued for a concurrency slot never counts against the check's timeout.
 */
export class Deadline implements AbortSource {
  private reasonValue: DeadlineError | undefined;
  private listeners: Array<() => void> = [];
  private controller: AbortController | undefined;
  private readonly timer: NodeJS.Timeout;
  private readonly external: AbortSignal | undefined;
  private readonly onExternalAbort = () => this.abort(new DeadlineError(true));

  constructor(
    readonly timeoutMs: number,
    external?: AbortSignal,
  ) {
    this.external = external;
    this.timer = setTimeout(() => this.abort(new DeadlineError(false)), timeoutMs);
    if (external) {
      if (external.aborted) this.onExternalAbort();
      else external.addEventListener("abort", this.onExternalAbort, { once: true });
    }
  }

  get aborted(): boolean {
    return this.reasonValue !== undefined;
  }

  get reason(): DeadlineError | undefined {
    return this.reasonValue;
  }

  get error(): DeadlineError | undefined {
    return this.reasonValue;
  }

  /** A real AbortSignal, for APIs that insist on one (child processes); made on first use. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.reasonValue) this.controller.abort(this.reasonValue);
    }
    return this.controller.signal;
  }

  /** Every listener is called once, on abort; `options` is accepted for AbortSignal's shape. */
  addEventListener(_type: "abort", listener: () => void, _options?: { once?: boolean }): void {
    this.listeners.push(listener);
  }

  removeEventListener(_type: "abort", listener: () => void): void {
    const i = this.listeners.indexOf(listener);
    if (i >= 0) this.listeners.splice(i, 1);
  }

  race<T>(promise: Promise<T>): Promise<T> {
    if (this.reasonValue) return Promise.reject(this.reasonValue);
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(this.reasonValue as Error);
      this.listeners.push(onAbort);
      promise.then(
        (v) => {
          this.removeEventListener("abort", onAbort);
          resolve(v);
        },
        (e: unknown) => {
          this.removeEventListener("abort", onAbort);
          reject(e as Error);
        },
      );
    });
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.external?.removeEventListener("abort", this.onExternalAbort);
  }

  private abort(reason: DeadlineError): void {
    if (this.reasonValue) return;
    this.reasonValue = reason;
    clearTimeout(this.timer);
    const listeners = this.listeners;
    this.listeners = [];
    for (const listener of listeners) listener();
    this.controller?.abort(reason);
  }
}

export function timeoutMessage(deadline: Deadline): string {
  return deadline.error?.byCaller ? "check aborted" : `no answer within ${deadline.timeoutMs / 1000} s`;
}
