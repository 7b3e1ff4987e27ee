// The alert half of the failover bench: monitors whose target is flipped down and up, a webhook
// receiver that notes when each delivery arrives, and the leader's log lines that say how long
// each alert waited for the follower before it was sent.
import { HttpTarget, until, WebhookReceiver } from "../../tools/test-kit/dist/index.js";
import { pct } from "./harness.mjs";

/**
 * The monitored service, one path per monitor. A flip notes when the path first answered in its
 * new mode: that answer is the check that changes the verdict, so the time from it to the
 * webhook is the alert pipeline alone, without the wait for the monitor's next slot.
 */
export class FlipTarget extends HttpTarget {
  flips = new Map();

  flip(path, mode) {
    const flip = { mode, at: Date.now(), firstAnswerAt: null };
    this.set(path, mode);
    this.flips.set(path, flip);
    return flip;
  }

  handle(req, res) {
    const path = (req.url ?? "/").split("?")[0];
    const flip = this.flips.get(path);
    if (flip && flip.firstAnswerAt === null && (this.modes.get(path) ?? this.mode) === flip.mode)
      flip.firstAnswerAt = Date.now();
    super.handle(req, res);
  }
}

/** The outside world: a webhook receiver that stamps each request with its arrival time. */
export async function startStampingReceiver() {
  const receiver = new WebhookReceiver();
  receiver.onRequest = (r) => {
    r.arrivedAt = Date.now();
    return undefined;
  };
  return receiver.start();
}

/**
 * Keeps the JSON log lines of `stream` whose message is one of `messages`, as they are written
 * (a process's kept output is bounded, and a debug log would push them out of it).
 */
export function tapLog(stream, messages) {
  const kept = [];
  let partial = "";
  stream.on("data", (chunk) => {
    const lines = (partial + chunk).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      if (!line.startsWith("{")) continue;
      try {
        const entry = JSON.parse(line);
        if (messages.includes(entry.message)) kept.push(entry);
      } catch {
        // not a log line of ours
      }
    }
  });
  return kept;
}

/**
 * Flips every monitor's path down, waits until each monitor's DOWN reached the receiver, then
 * the same up; `cycles` times. Resolves one record per alert: when its path was flipped, when
 * the path first answered in the new mode, and when the webhook arrived.
 */
export async function flipCycles({ target, receiver, monitors, cycles, intervalS, alive }) {
  const alerts = [];
  for (let c = 0; c < cycles; c++) {
    for (const [mode, event] of [
      ["down", "down"],
      ["up", "up"],
    ]) {
      const flips = monitors.map((m) => ({ ...m, flip: target.flip(m.path, mode) }));
      const arrival = (f) =>
        receiver.received.find(
          (r) => r.arrivedAt >= f.flip.at && r.json?.event === event && r.json?.monitor?.name === f.name,
        );
      await until(
        `the ${event} alert of each of ${monitors.length} monitors (cycle ${c + 1})`,
        () => {
          alive();
          const missing = flips.filter((f) => !arrival(f));
          if (missing.length) throw new Error(`${missing.length} missing, e.g. ${missing[0].name}`);
          return true;
        },
        intervalS * 1000 + 30_000,
        20,
      );
      for (const f of flips) {
        const { arrivedAt } = arrival(f);
        alerts.push({ name: f.name, event, flipAt: f.flip.at, answerAt: f.flip.firstAnswerAt, arrivedAt });
      }
    }
  }
  return alerts;
}

/** count, p50, p99, max and mean of a list of numbers. */
export function summary(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return {
    n: s.length,
    p50: pct(s, 50),
    p99: pct(s, 99),
    max: s.length ? s[s.length - 1] : NaN,
    mean: s.length ? s.reduce((a, b) => a + b, 0) / s.length : NaN,
  };
}

/** The count and sum of `uptop_alert_replication_wait_seconds` per outcome, from a /metrics text. */
export function replicationHistogram(metricsText) {
  const out = {};
  const re = /^uptop_alert_replication_wait_seconds_(count|sum)\{outcome="(\w+)"\} (\S+)$/gm;
  for (const [, kind, outcome, value] of metricsText.matchAll(re)) {
    out[outcome] ??= { count: 0, sum: 0 };
    out[outcome][kind] = Number(value);
  }
  return out;
}
