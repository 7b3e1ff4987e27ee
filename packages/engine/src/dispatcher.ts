import { randomUUID } from "node:crypto";
import pLimit from "p-limit";
import { NotFoundError, SecretKeyError, type Logger, type SecretBox } from "@uptop/core";
import {
  DeliveryError,
  isChannelType,
  REPEAT_ABSORBING_TYPES,
  sendNotification,
  type NotificationMessage,
} from "@uptop/notify";
import {
  claimDueNotifications,
  failNotification,
  fenceStaleNotifications,
  getChannel,
  markUnreplicated,
  outboxRowsByIds,
  recoverInterruptedSends,
  replicaOfOutboxRow,
  settleNotification,
  startSend,
  type Channel,
  type Db,
  type OutboxRow,
} from "@uptop/store";
import type { EngineMetrics } from "./metrics.js";
import type { AlertReplication } from "./replication-feed.js";

export interface DispatcherOptions {
  db: Db;
  box: SecretBox;
  logger: Logger;
  metrics?: EngineMetrics;
  nodeId: string;
  /** The fencing epoch this node acts under; rows of an older epoch are refused. */
  epoch: () => number;
  /** False while the node is standby: nothing is sent. */
  isActive: () => boolean;
  now?: () => Date;
  /** How often the outbox is polled when idle (default 1 s). */
  pollMs?: number;
  /** Attempts before a retryable failure becomes `failed` (default 8). */
  maxAttempts?: number;
  /** Deadline of one send (default 10 s). */
  timeoutMs?: number;
  /**
   * Let sends reach receivers on loopback, private and link-local addresses (default false:
   * the SSRF guard refuses them, and the row fails for good). UPTOP_ALLOW_PRIVATE_TARGETS.
   */
  allowPrivateTargets?: boolean;
  /** How long a claim holds a row against other dispatchers (default 30 s, > timeoutMs). */
  leaseMs?: number;
  /** Rows claimed per round (default 20) and sent at once (default 5). */
  batchSize?: number;
  concurrency?: number;
  /** First retry delay (default 5 s), doubled per attempt up to `backoffMaxMs` (default 10 min). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  random?: () => number;
  /**
   * The leader's change feed. Each send waits until the follower holds the row as `sending`
   * (at most `replicationWaitMs`, default 2 s), so a follower promoted a moment later knows of
   * every alert a receiver may have seen.
   */
  replication?: AlertReplication;
  replicationWaitMs?: number;
}

type Outcome = "sent" | "retry" | "failed" | "fenced" | "skipped" | "lost";

/** Delay before attempt `attempts + 1`: exponential with ±20 % jitter so a burst does not retry in lockstep. */
export function retryDelayMs(attempts: number, baseMs: number, maxMs: number, random: () => number): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(Math.min(maxMs, exp * (0.8 + 0.4 * random())));
}

/**
 * Sends the outbox. Each row is claimed with a lease under a token of this claim (so
 * dispatchers in two processes never send the same row, and only the claimer may settle it),
 * re-checked against the fencing epoch, marked `sending`, sent with a deadline, and settled
 * right after the provider answers.
 *
 * A send whose sender died (or stalled past its lease) before recording the answer is never
 * blindly repeated: the next round finds it still `sending` with its lease gone, and queues it
 * again only for providers that absorb a repeat (PagerDuty, Opsgenie, webhook with
 * `X-Uptop-Delivery`); for the rest it becomes `unknown`, with a warning, because a possibly
 * lost message is the lesser harm than paging someone twice.
 */
export class Dispatcher {
  private readonly o: Required<Omit<DispatcherOptions, "metrics" | "replication">> &
    Pick<DispatcherOptions, "metrics" | "replication">;
  private readonly claimer: string;
  private claims = 0;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private started = false;

  constructor(options: DispatcherOptions) {
    this.o = {
      now: () => new Date(),
      pollMs: 1000,
      maxAttempts: 8,
      timeoutMs: 10_000,
      allowPrivateTargets: false,
      leaseMs: 30_000,
      batchSize: 20,
      concurrency: 5,
      backoffBaseMs: 5000,
      backoffMaxMs: 600_000,
      random: Math.random,
      replicationWaitMs: 2000,
      ...options,
    };
    // Unique per instance: two dispatchers of one node (or a restarted one) are distinct claimers.
    this.claimer = `${options.nodeId}:${randomUUID().slice(0, 8)}`;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    const loop = async (): Promise<void> => {
      if (!this.started) return;
      let handled = 0;
      try {
        handled = await this.runOnce();
      } catch (err) {
        this.o.logger.error("dispatch round failed", { error: err instanceof Error ? err.message : String(err) });
      }
      if (!this.started) return;
      // A full batch means more may be due: go again at once instead of waiting a poll.
      this.timer = setTimeout(() => void loop(), handled >= this.o.batchSize ? 0 : this.o.pollMs);
    };
    this.timer = setTimeout(() => void loop(), 0);
  }

  /** Stops polling and waits for sends in flight (each bounded by the send deadline). */
  async stop(): Promise<void> {
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => 0);
  }

  /** One round: fence stale rows, claim due ones, send them. Returns how many rows were settled. */
  runOnce(): Promise<number> {
    const run = (this.running ?? Promise.resolve(0)).catch(() => 0).then(() => this.round());
    this.running = run;
    return run;
  }

  private async round(): Promise<number> {
    if (!this.o.isActive()) return 0;
    const epoch = this.o.epoch();
    const recovered = await recoverInterruptedSends(this.o.db, REPEAT_ABSORBING_TYPES);
    for (const r of recovered) {
      this.o.logger.warn(
        r.outcome === "pending" ? "interrupted notification queued again" : "interrupted notification not sent again",
        {
          id: r.id,
          channelId: r.channelId,
          channelType: r.channelType,
          dedupeKey: r.dedupeKey,
          state: r.outcome,
        },
      );
      if (r.outcome === "unknown")
        this.o.metrics?.notificationsTotal.inc({ channel_type: r.channelType, result: "unknown" });
    }
    const fencedIds = await fenceStaleNotifications(this.o.db, epoch);
    const fenced = fencedIds.length;
    if (fenced) {
      this.o.logger.warn("notifications fenced", { count: fenced, epoch });
      this.o.metrics?.notificationsTotal.inc({ channel_type: "any", result: "fenced" }, fenced);
    }
    await this.replicate([...recovered.map((r) => r.id), ...fencedIds]);
    // A token per claim, not per dispatcher: a row this dispatcher lost to a lapsed lease and
    // claimed again later is a different claim, and the old one can no longer settle it.
    const token = `${this.claimer}#${++this.claims}`;
    const rows = await claimDueNotifications(this.o.db, token, epoch, this.o.batchSize, this.o.leaseMs);
    if (rows.length === 0) return fenced;
    const channels = new Map<number, Promise<Channel | Error>>();
    const channelOf = (id: number) => {
      let c = channels.get(id);
      if (!c) {
        c = getChannel(this.o.db, this.o.box, id).catch((err: unknown) =>
          err instanceof Error ? err : new Error(String(err)),
        );
        channels.set(id, c);
      }
      return c;
    };
    const limit = pLimit(this.o.concurrency);
    const outcomes = await Promise.all(
      rows.map((row) =>
        limit(async () => {
          const outcome = await this.deliver(row, channelOf);
          if (outcome !== "skipped") await this.replicate([row.id]);
          return outcome;
        }),
      ),
    );
    return fenced + outcomes.filter((o) => o !== "skipped" && o !== "lost").length;
  }

  private async deliver(row: OutboxRow, channelOf: (id: number) => Promise<Channel | Error>): Promise<Outcome> {
    const { db, logger, metrics } = this.o;
    const token = row.claimed_by!;
    // Standby or fenced since the claim: send nothing; the lease runs out and the row waits.
    if (!this.o.isActive()) return "skipped";
    const epoch = this.o.epoch();
    if (row.epoch < epoch) {
      await failNotification(db, row.id, token, `fenced: epoch ${row.epoch} < ${epoch}`);
      metrics?.notificationsTotal.inc({ channel_type: "any", result: "fenced" });
      return "fenced";
    }
    if (row.epoch > epoch) return "skipped";

    const channel = await channelOf(row.channel_id);
    if (channel instanceof Error) {
      const reason =
        channel instanceof NotFoundError
          ? "channel deleted"
          : channel instanceof SecretKeyError
            ? `channel secrets unreadable: ${channel.message}`
            : `channel unreadable: ${channel.message}`;
      await failNotification(db, row.id, token, reason);
      logger.error("notification not sent", { id: row.id, channelId: row.channel_id, reason });
      metrics?.notificationsTotal.inc({ channel_type: "unknown", result: "failed" });
      return "failed";
    }
    const type = channel.type;
    if (!channel.enabled || !isChannelType(type)) {
      // A disabled channel's backlog is dropped, not held: re-enabling it must not replay stale alerts.
      const reason = channel.enabled ? `unknown channel type "${type}"` : "channel disabled";
      await failNotification(db, row.id, token, reason);
      metrics?.notificationsTotal.inc({ channel_type: type, result: "failed" });
      return "failed";
    }
    // Durably "started" before the provider hears anything: a crash from here on is seen as
    // an interrupted send, never as a row that was simply not sent yet.
    if (!(await startSend(db, row.id, token, this.o.leaseMs))) return "skipped";
    await this.awaitFollower(row);

    const attemptNo = row.attempts + 1;
    const base = { nodeId: this.o.nodeId, epoch: row.epoch };
    try {
      const result = await sendNotification(type, row.payload as unknown as NotificationMessage, channel.settings, {
        timeoutMs: this.o.timeoutMs,
        deliveryId: row.dedupe_key,
        allowPrivateTargets: this.o.allowPrivateTargets,
      });
      const settled = await settleNotification(
        db,
        row,
        token,
        { state: "sent", response: result.response, at: this.o.now() },
        { ok: true, retryable: null, status: null, error: null, response: result.response, ...base },
      );
      if (!settled) return this.lost(row, type, "sent");
      metrics?.notificationsTotal.inc({ channel_type: type, result: "sent" });
      logger.info("notification sent", { id: row.id, channel: channel.name, event: row.event, attempt: attemptNo });
      return "sent";
    } catch (err) {
      const de =
        err instanceof DeliveryError
          ? err
          : new DeliveryError(err instanceof Error ? err.message : String(err), { retryable: true });
      const attempt = {
        ok: false,
        retryable: de.retryable,
        status: de.status ?? null,
        error: de.message,
        response: de.response ?? null,
        ...base,
      };
      if (de.retryable && attemptNo < this.o.maxAttempts) {
        const delay = retryDelayMs(attemptNo, this.o.backoffBaseMs, this.o.backoffMaxMs, this.o.random);
        if (
          !(await settleNotification(
            db,
            row,
            token,
            { state: "retry", error: de.message, nextAttemptAt: new Date(this.o.now().getTime() + delay) },
            attempt,
          ))
        )
          return this.lost(row, type, "retry");
        metrics?.notificationsTotal.inc({ channel_type: type, result: "retry" });
        logger.warn("notification failed, will retry", {
          id: row.id,
          channel: channel.name,
          event: row.event,
          attempt: attemptNo,
          retryInMs: delay,
          error: de.message,
        });
        return "retry";
      }
      const error = de.retryable ? `gave up after ${attemptNo} attempts: ${de.message}` : de.message;
      if (!(await settleNotification(db, row, token, { state: "failed", error }, attempt)))
        return this.lost(row, type, "failed");
      metrics?.notificationsTotal.inc({ channel_type: type, result: "failed" });
      logger.error("notification failed", {
        id: row.id,
        channel: channel.name,
        event: row.event,
        attempt: attemptNo,
        error,
      });
      return "failed";
    }
  }

  /** Appends the rows as they now stand to the change feed; returns the feed position after them. */
  private async replicate(ids: readonly number[]): Promise<number> {
    const feed = this.o.replication;
    // Without a follower the feed keeps nothing: do not read the rows back for it.
    if (!feed?.expectsFollower() || ids.length === 0) return 0;
    const rows = await outboxRowsByIds(this.o.db, ids);
    return feed.append(rows.map((r) => ({ kind: "outbox", row: replicaOfOutboxRow(r) })));
  }

  /**
   * A row goes to its receiver only once the follower holds it as `sending`, or after a short
   * bounded wait when the follower is away — then the row records that it went out unreplicated.
   */
  private async awaitFollower(row: OutboxRow): Promise<void> {
    const feed = this.o.replication;
    if (!feed?.expectsFollower()) return;
    const started = performance.now();
    const seq = await this.replicate([row.id]);
    const { replicated, expected } = await feed.replicated(seq, this.o.replicationWaitMs);
    const waitedS = (performance.now() - started) / 1000;
    if (replicated) {
      this.o.metrics?.replicationWait.observe({ outcome: "replicated" }, waitedS);
      if (this.o.logger.isDebugEnabled())
        this.o.logger.debug("notification replicated", { id: row.id, waitedMs: Math.round(waitedS * 1e4) / 10 });
      return;
    }
    if (!expected) return;
    this.o.metrics?.replicationWait.observe({ outcome: "unreplicated" }, waitedS);
    await markUnreplicated(this.o.db, row.id);
    this.o.logger.warn("notification sent before the follower held it", {
      id: row.id,
      event: row.event,
      dedupeKey: row.dedupe_key,
      waitedMs: Math.round(waitedS * 1000),
    });
  }

  /** The send outlived its lease and the row was recovered (and maybe sent again) elsewhere. */
  private lost(row: OutboxRow, type: string, outcome: "sent" | "retry" | "failed"): Outcome {
    this.o.logger.warn("notification settled elsewhere", {
      id: row.id,
      channelType: type,
      event: row.event,
      outcome,
      leaseMs: this.o.leaseMs,
    });
    return "lost";
  }
}
