import { type Config, type Logger, type SecretBox, formatDuration } from "@uptop/core";
import { channelFromMirror, isLiveLeader, type ClusterClient, type HealthResponse } from "@uptop/cluster-protocol";
import {
  adoptReplicaOutbox,
  applyMirror,
  collectHandback,
  getSetting,
  putSetting,
  releaseHandedBack,
  type Db,
  type HandbackContent,
} from "@uptop/store";
import type { EpochHolder, ServingNode } from "@uptop/serving-node";
import { REPEAT_ABSORBING_TYPES, secretFieldsOf, isChannelType } from "@uptop/notify";
import { FeedTail, type FeedTailView } from "./feed-tail.js";
import type { WitnessDecision } from "./witnesses.js";

export type FailoverState = "standby" | "active" | "handing-back";

/** When the configuration was last mirrored, kept so a restarted follower can still take over. */
const LAST_MIRROR_SETTING = "follower.last_mirror";

export interface FailoverOptions {
  config: Config;
  logger: Logger;
  client: ClusterClient;
  node: ServingNode;
  db: Db;
  box: SecretBox;
  epoch: EpochHolder;
  /** How often the whole configuration is mirrored while standby (changes arrive by the feed between). */
  mirrorMs?: number;
  /** How long the leader may hold one feed request open. */
  feedWaitMs?: number;
  /** What the probes say of the leader; without it the health polls alone decide. */
  witnesses?: { decision(nowMs: number): WitnessDecision };
  now?: () => number;
}

export interface FailoverView {
  state: FailoverState;
  leaderUrl: string;
  leaderReachable: boolean;
  consecutiveFailures: number;
  lastLeaderContact: string | null;
  lastMirror: string | null;
  promotedAt: string | null;
  feed: FeedTailView;
}

/**
 * The follower's brain. Standby: poll the leader's health and mirror its configuration. After
 * `threshold` consecutive failed polls (not one slow answer), take over. While active, keep
 * polling; the first healthy answer means the leader is back: stop, hand back what happened,
 * and stand by again.
 *
 * Hysteresis: promotion needs threshold × poll (15 s by default) of continuous failure, and a
 * single success resets the count, so a leader flapping down 10 s / up 10 s never triggers a
 * takeover; standing down needs only one healthy answer, because two active nodes are worse
 * than a few seconds of nobody checking.
 */
export class FailoverController {
  private stateValue: FailoverState = "standby";
  private failures = 0;
  private leaderReachable = false;
  private lastContact: number | null = null;
  private lastMirror: number | null = null;
  private promotedAt: number | null = null;
  private leaderEpoch = 0;
  /** The leader knows us as its follower (it then waits for our hand-back when it restarts). */
  private registered = false;
  private pollTimer: NodeJS.Timeout | null = null;
  private mirrorTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private busy: Promise<void> = Promise.resolve();
  /** Probes vetoed the take-over in this episode of failed polls (logged once). */
  private heldByWitnesses = false;
  private readonly now: () => number;
  private readonly leaderUrl: string;
  private readonly tail: FeedTail;
  /** Applying the feed, a full mirror and promotion never interleave. */
  private replicaLock: Promise<unknown> = Promise.resolve();
  private mirroring: Promise<void> | null = null;

  constructor(private readonly o: FailoverOptions) {
    this.now = o.now ?? Date.now;
    this.leaderUrl = o.config.cluster.peerUrls[0]!;
    this.tail = new FeedTail({
      client: o.client,
      db: o.db,
      logger: o.logger,
      waitMs: o.feedWaitMs ?? 20_000,
      retryMs: o.config.cluster.failoverPollMs,
      standby: () => this.stateValue === "standby",
      exclusive: (fn) => this.exclusive(fn),
      resync: (why) => void this.mirror(why),
    });
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.replicaLock.then(fn, fn);
    this.replicaLock = run.catch(() => undefined);
    return run;
  }

  get state(): FailoverState {
    return this.stateValue;
  }

  view(): FailoverView {
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    return {
      state: this.stateValue,
      leaderUrl: this.leaderUrl,
      leaderReachable: this.leaderReachable,
      consecutiveFailures: this.failures,
      lastLeaderContact: iso(this.lastContact),
      lastMirror: iso(this.lastMirror),
      promotedAt: iso(this.promotedAt),
      feed: this.tail.view(),
    };
  }

  async start(): Promise<void> {
    // A follower restarted while the leader is down still holds a valid copy in its database.
    const saved = await getSetting(this.o.db, LAST_MIRROR_SETTING);
    if (saved !== null && Number.isFinite(Date.parse(saved))) this.lastMirror = Date.parse(saved);
    void this.mirror("start");
    this.tail.start();
    this.schedulePoll(0);
    this.mirrorTimer = setInterval(() => {
      if (this.stateValue === "standby") void this.mirror("interval");
    }, this.o.mirrorMs ?? 30_000);
    this.mirrorTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    if (this.mirrorTimer) clearInterval(this.mirrorTimer);
    await this.busy.catch(() => {});
    await this.tail.stop();
  }

  private schedulePoll(delayMs: number): void {
    if (this.stopped) return;
    this.pollTimer = setTimeout(() => {
      const started = this.now();
      this.busy = this.poll().catch((err: unknown) => {
        this.o.logger.error("failover poll failed", { error: err });
      });
      void this.busy.then(() =>
        this.schedulePoll(Math.max(0, this.o.config.cluster.failoverPollMs - (this.now() - started))),
      );
    }, delayMs);
  }

  private async poll(): Promise<void> {
    let health: HealthResponse | null = null;
    try {
      health = await this.o.client.health(this.leaderUrl);
    } catch {
      health = null;
    }
    const alive = health !== null && isLiveLeader(health);
    if (!alive) {
      this.failures++;
      if (this.leaderReachable)
        this.o.logger.warn("leader unreachable", { leader: this.leaderUrl, consecutiveFailures: this.failures });
      this.leaderReachable = false;
      if (this.stateValue === "standby" && this.failures >= this.o.config.cluster.failoverThreshold) {
        // Without a copy of the configuration there is nothing to take over with, and a follower
        // deployed before its leader must not start a cluster of its own.
        if (this.lastMirror === null) {
          if (this.failures === this.o.config.cluster.failoverThreshold)
            this.o.logger.warn("leader unreachable but no configuration mirrored yet: not taking over", {
              leader: this.leaderUrl,
            });
          return;
        }
        if (!this.witnessesAgree()) return;
        await this.promote();
      }
      return;
    }
    const wasDown = this.failures > 0;
    this.failures = 0;
    this.leaderReachable = true;
    this.lastContact = this.now();
    this.leaderEpoch = Math.max(this.leaderEpoch, health!.epoch);
    if (this.stateValue === "active") {
      await this.standDown(`leader ${this.leaderUrl} answers again (epoch ${health!.epoch})`);
    } else if (wasDown || health!.awaitingHandback) {
      // The leader restarted: tell it at once that nothing happened here, so it starts alerting
      // without waiting out its hand-back timeout.
      await this.handBack(null);
      await this.mirror("leader back");
    }
    if (health!.epoch > this.o.epoch.get()) await this.o.epoch.observe(health!.epoch, "leader");
  }

  /**
   * Probes that still reach the leader veto the take-over: the cut is then between the leader and
   * us, and taking over would make two active nodes. Asked on every poll past the threshold, so the
   * take-over follows as soon as most probes agree.
   */
  private witnessesAgree(): boolean {
    if (this.failures === this.o.config.cluster.failoverThreshold) this.heldByWitnesses = false;
    const d = this.o.witnesses?.decision(this.now());
    if (!d || d.probesSeen === 0) return true;
    if (d.allow) {
      this.o.logger.warn("probes confirm the leader is unreachable", {
        leader: this.leaderUrl,
        confirming: d.confirming,
        probesSeen: d.probesSeen,
      });
      return true;
    }
    if (!this.heldByWitnesses) {
      const others = `${d.probesSeen - d.confirming} of ${d.probesSeen}`;
      this.o.logger.warn(
        `leader unreachable from here but ${others} probes still reach it or went quiet: not taking over`,
        { leader: this.leaderUrl, ...d },
      );
    }
    this.heldByWitnesses = true;
    return false;
  }

  private async promote(): Promise<void> {
    const silentFor = this.lastContact === null ? "ever" : formatDuration(this.now() - this.lastContact);
    const epoch = await this.o.epoch.bump(this.leaderEpoch);
    this.promotedAt = this.now();
    this.stateValue = "active";
    // The leader's alerts we hold become ours, under our epoch, before our dispatcher starts
    // (it would fence them as an older term's).
    const adopted = await this.exclusive(() => adoptReplicaOutbox(this.o.db, epoch, REPEAT_ABSORBING_TYPES));
    this.o.logger.warn("promoting to active", {
      reason: `${this.failures} consecutive failed health polls of ${this.leaderUrl}`,
      leaderSilentFor: silentFor,
      epoch,
      adopted,
      transition: "standby->active",
    });
    await this.o.node.activate(`leader unreachable for ${this.failures} polls`);
  }

  private async standDown(reason: string): Promise<void> {
    this.stateValue = "handing-back";
    this.o.logger.warn("standing down", { reason, epoch: this.o.epoch.get(), transition: "active->standby" });
    await this.o.node.deactivate(reason);
    await this.handBack(this.promotedAt);
    this.promotedAt = null;
    this.stateValue = "standby";
    await this.mirror("after hand-back");
  }

  /** Posts what happened since `since` (nothing when null); retried a few times, never blocks standby. */
  private async handBack(since: number | null): Promise<void> {
    const from = new Date(since ?? this.now());
    const to = new Date(this.now());
    const content: HandbackContent =
      since === null
        ? { stateChanges: [], notifications: [], pending: [], rollups: [], states: [] }
        : await collectHandback(this.o.db, from);
    try {
      const answer = await this.o.client.handback({
        nodeId: this.o.config.cluster.nodeId,
        epoch: this.o.epoch.get(),
        from: from.toISOString(),
        to: to.toISOString(),
        ...content,
      });
      // The leader delivers what we had not: sending it from here too would say it twice.
      await releaseHandedBack(
        this.o.db,
        content.pending.map((n) => n.dedupeKey),
      );
      this.o.logger.info("hand-back delivered", {
        ...answer,
        stateChanges: content.stateChanges.length,
        notifications: content.notifications.length,
        pending: content.pending.length,
      });
      if (typeof answer.epoch === "number") await this.o.epoch.observe(answer.epoch, "leader");
    } catch (err) {
      this.o.logger.error("hand-back failed; the leader will see this history missing", {
        error: err instanceof Error ? err.message : String(err),
        pending: content.pending.length,
      });
    }
  }

  /**
   * Registering is also our heartbeat: the leader lists us online (no false "node offline"
   * alert) and knows to wait for our hand-back after a restart. Done on every mirror, so a
   * follower started before its leader, or a leader whose database was replaced, learns of us.
   */
  private async register(): Promise<void> {
    try {
      await this.o.client.register();
      if (!this.registered) this.o.logger.info("registered with the leader", { leader: this.leaderUrl });
      this.registered = true;
    } catch (err) {
      if (this.registered)
        this.o.logger.warn("registration with the leader failed", {
          error: err instanceof Error ? err.message : String(err),
        });
      this.registered = false;
    }
  }

  /** Copies the leader's whole state; one at a time (the interval, a feed reset, a change may all ask). */
  private mirror(why: string): Promise<void> {
    this.mirroring ??= this.mirrorOnce(why).finally(() => {
      this.mirroring = null;
    });
    return this.mirroring;
  }

  private async mirrorOnce(why: string): Promise<void> {
    if (this.stateValue !== "standby") return;
    await this.register();
    try {
      const cfg = await this.o.client.getConfig();
      const applied = await this.exclusive(async () => {
        if (this.stateValue !== "standby") return false; // promoted while fetching: keep the copy we lead with
        await applyMirror(
          this.o.db,
          this.o.box,
          {
            monitors: cfg.monitors,
            channels: cfg.channels.map(channelFromMirror),
            maintenance: cfg.maintenance,
            states: cfg.states,
            delivered: cfg.delivered,
            outbox: cfg.outbox,
            ...(cfg.users ? { users: cfg.users } : {}),
            ...(cfg.statusPage !== undefined ? { statusPage: cfg.statusPage } : {}),
          },
          (type) => (isChannelType(type) ? secretFieldsOf(type) : []),
        );
        this.tail.resume(cfg.feed);
        return true;
      });
      if (!applied) return;
      await this.o.epoch.observe(cfg.epoch, "leader");
      this.leaderEpoch = Math.max(this.leaderEpoch, cfg.epoch);
      this.lastMirror = this.now();
      await putSetting(this.o.db, LAST_MIRROR_SETTING, new Date(this.lastMirror).toISOString());
      this.o.logger.debug("configuration mirrored", {
        why,
        monitors: cfg.monitors.length,
        channels: cfg.channels.length,
        openAlerts: cfg.outbox.length,
        feed: cfg.feed,
      });
    } catch (err) {
      this.o.logger.warn("configuration mirror failed", {
        why,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }
}
