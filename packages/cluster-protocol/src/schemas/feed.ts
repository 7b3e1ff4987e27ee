import { replicaEntrySchema } from "@uptop/core";
import { z } from "zod";

/** The longest a follower's feed request is held open waiting for a change. */
export const MAX_FEED_WAIT_MS = 25_000;

/**
 * `GET /api/cluster/feed?feed=&after=&wait=`: the entries after `after` of feed `feed`. Asking for
 * what follows `after` also confirms that the follower holds everything up to it.
 */
export const feedQuerySchema = z.object({
  feed: z.string().min(1).max(100),
  after: z.coerce.number().int().min(0),
  wait: z.coerce.number().int().min(0).max(MAX_FEED_WAIT_MS).default(0),
});
export type FeedQuery = z.infer<typeof feedQuerySchema>;

/**
 * Plaintext of the sealed answer: the next entries, or `reset` when the follower's place is gone
 * (another leader process, or it fell further behind than the leader keeps): it must resynchronise
 * from `GET /api/cluster/config` and tail from the position that copy carries.
 */
export const feedAnswerSchema = z.discriminatedUnion("reset", [
  z.object({ reset: z.literal(true), reason: z.string() }),
  z.object({
    reset: z.literal(false),
    feedId: z.string(),
    entries: z.array(replicaEntrySchema),
    /** The seq of the last entry given (= `after` when none). */
    next: z.number().int().min(0),
  }),
]);
export type FeedAnswer = z.infer<typeof feedAnswerSchema>;
