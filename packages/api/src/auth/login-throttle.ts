export interface LoginThrottleOptions {
  /** Sign-in attempts one client address may make per minute; 10. */
  perIpPerMinute?: number;
  /** Failed attempts on one user name before it is held off; 5. */
  failuresPerName?: number;
  /** How long a name's failures count; 15 min. */
  nameWindowMs?: number;
  now?: () => number;
}

/** Past this many tracked addresses or names, the ones whose window has passed are dropped first. */
const MAX_TRACKED = 10_000;

/**
 * The brakes on guessing passwords: each client address gets a few attempts a minute, whatever
 * the name, and each name a few failures per window, whatever the address (a guesser with many
 * addresses still gets 5 tries per 15 min). A success clears its name's failures. Unknown names
 * count like real ones, so the answer does not say which names exist.
 */
export class LoginThrottle {
  private readonly ips = new Map<string, { start: number; count: number }>();
  private readonly failures = new Map<string, number[]>();
  private readonly perIp: number;
  private readonly perName: number;
  private readonly nameWindowMs: number;
  private readonly now: () => number;

  constructor(o: LoginThrottleOptions = {}) {
    this.perIp = o.perIpPerMinute ?? 10;
    this.perName = o.failuresPerName ?? 5;
    this.nameWindowMs = o.nameWindowMs ?? 15 * 60_000;
    this.now = o.now ?? Date.now;
  }

  /**
   * Counts one attempt from `ip` on `name`; the seconds to wait when it may not be made now
   * (null: go ahead).
   */
  attempt(ip: string, name: string): number | null {
    const now = this.now();
    const failures = this.recentFailures(name, now);
    if (failures.length >= this.perName) return Math.max(1, Math.ceil((failures[0]! + this.nameWindowMs - now) / 1000));
    let slot = this.ips.get(ip);
    if (!slot || now - slot.start >= 60_000) {
      if (this.ips.size >= MAX_TRACKED) this.prune(now);
      slot = { start: now, count: 0 };
      this.ips.set(ip, slot);
    }
    if (slot.count >= this.perIp) return Math.max(1, Math.ceil((slot.start + 60_000 - now) / 1000));
    slot.count++;
    return null;
  }

  failed(name: string): void {
    const now = this.now();
    const failures = this.recentFailures(name, now);
    if (!this.failures.has(name) && this.failures.size >= MAX_TRACKED) this.prune(now);
    failures.push(now);
    this.failures.set(name, failures.slice(-this.perName));
  }

  succeeded(name: string): void {
    this.failures.delete(name);
  }

  private recentFailures(name: string, now: number): number[] {
    return (this.failures.get(name) ?? []).filter((at) => now - at < this.nameWindowMs);
  }

  private prune(now: number): void {
    for (const [ip, slot] of this.ips) if (now - slot.start >= 60_000) this.ips.delete(ip);
    for (const [name, list] of this.failures) {
      if (list.every((at) => now - at >= this.nameWindowMs)) this.failures.delete(name);
    }
    // Still full of live entries (a flood of made-up names): the oldest go, as a Map keeps insertion order.
    for (const map of [this.ips, this.failures] as Map<string, unknown>[]) {
      for (const key of map.keys()) {
        if (map.size < MAX_TRACKED) break;
        map.delete(key);
      }
    }
  }
}
