/**
 * How late a deadline's timer may fire before the process counts as held up: timers fire within
 * a few ms of their time, and a busy scheduler wakes every 50 ms.
 */
const HELD_MS = 100;

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
 *
 * Time the process itself could not run is not the target's either. Node runs expired timers
 * before it reads sockets, so after the event loop was held up (overload, a long GC pause) the
 * timeout would fire ahead of an answer already waiting unread. When the timer fires, the
 * deadline first lets pending I/O run (setImmediate comes after the poll phase); if the timer
 * fired late by more than HELD_MS, the process was held and the check gets that time back,
 * once and at most one more timeout, so a request sent late still has its chance.
 */
export class Deadline implements AbortSource {
  private reasonValue: DeadlineError | undefined;
  private listeners: Array<() => void> = [];
  private controller: AbortController | undefined;
  private timer: NodeJS.Timeout;
  private afterIo: NodeJS.Immediate | undefined;
  private dueAt: number;
  private extended = false;
  private readonly external: AbortSignal | undefined;
  private readonly onExternalAbort = () => this.abort(new DeadlineError(true));

  constructor(
    readonly timeoutMs: number,
    external?: AbortSignal,
  ) {
    this.external = external;
    this.dueAt = performance.now() + timeoutMs;
    this.timer = setTimeout(Deadline.onTimer, timeoutMs, this);
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
    if (this.afterIo) clearImmediate(this.afterIo);
    this.external?.removeEventListener("abort", this.onExternalAbort);
  }

  // Static, with the deadline as argument: no closures made per check for a timer that rarely fires.
  private static onTimer(this: void, d: Deadline): void {
    d.afterIo = setImmediate(Deadline.onExpired, d);
  }

  private static onExpired(this: void, d: Deadline): void {
    d.afterIo = undefined;
    const heldMs = performance.now() - d.dueAt;
    if (heldMs > HELD_MS && !d.extended) {
      d.extended = true;
      const graceMs = Math.min(heldMs, d.timeoutMs);
      d.dueAt = performance.now() + graceMs;
      d.timer = setTimeout(Deadline.onTimer, graceMs, d);
      return;
    }
    d.abort(new DeadlineError(false));
  }

  private abort(reason: DeadlineError): void {
    if (this.reasonValue) return;
    this.reasonValue = reason;
    clearTimeout(this.timer);
    if (this.afterIo) clearImmediate(this.afterIo);
    const listeners = this.listeners;
    this.listeners = [];
    for (const listener of listeners) listener();
    this.controller?.abort(reason);
  }
}

export function timeoutMessage(deadline: Deadline): string {
  return deadline.error?.byCaller ? "check aborted" : `no answer within ${deadline.timeoutMs / 1000} s`;
}
