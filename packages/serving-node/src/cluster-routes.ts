import { Router } from "express";
import type { SecretBox, Logger } from "@uptop/core";
import {
  channelToMirror,
  clusterGuard,
  configMirrorSchema,
  feedQuerySchema,
  handbackSchema,
  openPayload,
  sealedBodySchema,
  sealPayload,
  type ConfigMirror,
} from "@uptop/cluster-protocol";
import { getMonitorStates, listMonitors, mergeHandback, readMirrorExtras, type Db } from "@uptop/store";
import { ValidationError, zodIssues } from "@uptop/core";
import type { ReplicationFeed } from "@uptop/engine";
import type { EpochHolder } from "./epoch.js";

/** How far back delivered notifications are mirrored: long enough to cover any open incident. */
const DELIVERED_WINDOW_MS = 30 * 86_400_000;

export interface ClusterRoutesDeps {
  db: Db;
  box: SecretBox;
  secret: string | null;
  epoch: EpochHolder;
  logger: Logger;
  /** This leader's change feed, tailed by the follower. */
  feed: ReplicationFeed;
  /** Called after a handback is merged, before it is acknowledged (the engine reloads verdicts). */
  onHandback(followerId: string, epoch: number): Promise<void>;
}

/** The leader's half of failover: the configuration mirror and the handback. */
export function clusterRouter(deps: ClusterRoutesDeps): Router {
  const { db, box, logger } = deps;
  const r = Router();
  r.use("/api/cluster", ...clusterGuard(deps.secret));

  r.get("/api/cluster/config", async (_req, res) => {
    // The position first: every change after it is either in this copy or re-sent by the feed,
    // and applying a change twice is harmless.
    const feed = deps.feed.position();
    deps.feed.followerCopied();
    const monitors = await listMonitors(db, box);
    const states = [...(await getMonitorStates(db)).values()];
    const extras = await readMirrorExtras(db, box, new Date(Date.now() - DELIVERED_WINDOW_MS));
    const mirror: ConfigMirror = configMirrorSchema.parse({
      epoch: deps.epoch.get(),
      exportedAt: new Date().toISOString(),
      monitors,
      channels: extras.channels.map(channelToMirror),
      maintenance: extras.maintenance,
      states,
      delivered: extras.delivered,
      outbox: extras.outbox,
      users: extras.users,
      statusPage: extras.statusPage,
      feed,
    });
    res.json({ sealed: sealPayload(deps.secret!, mirror) });
  });

  r.get("/api/cluster/feed", async (req, res) => {
    const q = feedQuerySchema.safeParse(req.query);
    if (!q.success) throw new ValidationError("invalid feed query", zodIssues(q.error));
    // A follower that hangs up (it is stopping, or promoted) releases its wait at once.
    const gone = new AbortController();
    res.on("close", () => gone.abort());
    const answer = await deps.feed.read({
      feedId: q.data.feed,
      after: q.data.after,
      waitMs: q.data.wait,
      signal: gone.signal,
    });
    if (gone.signal.aborted) return;
    res.json({ sealed: sealPayload(deps.secret!, answer) });
  });

  r.post("/api/cluster/handback", async (req, res) => {
    const body = sealedBodySchema.safeParse(req.body);
    if (!body.success)
      throw new ValidationError("body: must be { sealed }", [{ field: "sealed", message: "is required" }]);
    const h = openPayload(deps.secret!, body.data.sealed, handbackSchema);
    // A follower that led did so under a newer term: adopt it, then take a newer one still, so
    // whatever the follower still holds is stale everywhere. A follower that never led (it only
    // missed a poll, or tells a restarted leader there is nothing to merge) must not move our
    // term: that would fence our own alerts still waiting in the outbox.
    const followerLed = await deps.epoch.observe(h.epoch, h.nodeId);
    const epoch = followerLed ? await deps.epoch.bump(h.epoch) : deps.epoch.get();
    const merged = await mergeHandback(db, h, h.nodeId, epoch, { requeueOwn: followerLed });
    await deps.onHandback(h.nodeId, epoch);
    logger.info("handback merged", {
      follower: h.nodeId,
      followerEpoch: h.epoch,
      followerLed,
      epoch,
      from: h.from,
      to: h.to,
      ...merged,
    });
    res.json({ ...merged, epoch });
  });
  return r;
}
