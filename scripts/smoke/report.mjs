/** Prints each step with the time since the smoke started and counts passes and failures. */
export class Report {
  constructor(name, now = () => Date.now()) {
    this.name = name;
    this.now = now;
    this.started = now();
    this.passed = 0;
    this.failed = 0;
  }

  elapsed() {
    return `${((this.now() - this.started) / 1000).toFixed(1).padStart(6)}s`;
  }

  say(text) {
    console.log(`[${this.elapsed()}] ${text}`);
  }

  /** Runs one step; a failure is printed and rethrown, since later steps build on this one. */
  async step(title, fn) {
    this.say(`${title} ...`);
    try {
      const note = await fn();
      this.passed++;
      this.say(`ok   ${title}${note ? ` — ${note}` : ""}`);
    } catch (err) {
      this.failed++;
      this.say(`FAIL ${title}: ${err instanceof Error ? err.message : String(err)}`);
      throw err;
    }
  }

  summary() {
    return `${this.name}: ${this.passed} passed, ${this.failed} failed (${this.elapsed().trim()})`;
  }
}
